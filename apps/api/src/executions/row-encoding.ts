import { isoTime } from '@callflow/engine';
import type { ExecutionEntity } from './execution.entity';

/** The columns of an execution row, as the writer stores them. */
export type ExecutionRow = Pick<
  ExecutionEntity,
  | 'id'
  | 'tenantId'
  | 'flowId'
  | 'flowVersion'
  | 'triggerType'
  | 'status'
  | 'eventId'
  | 'callId'
  | 'phone'
  | 'input'
  | 'output'
  | 'error'
  | 'steps'
  | 'retryOf'
  | 'startedAt'
  | 'finishedAt'
  | 'durationMs'
>;

/** The table's columns, in the order binaryRow writes them. */
export const COPY_COLUMNS = [
  'id',
  'tenant_id',
  'flow_id',
  'flow_version',
  'trigger_type',
  'status',
  'event_id',
  'call_id',
  'phone',
  'input',
  'output',
  'error',
  'steps',
  'retry_of',
  'started_at',
  'finished_at',
  'duration_ms',
] as const;

/**
 * PostgreSQL text and jsonb cannot hold U+0000, which callers may send (a PBX's caller name): it is
 * stored as U+FFFD rather than losing the whole batch. In JSON it is the escape `\u0000`, replaced
 * only where it is an escape (not after an escaped backslash).
 */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** JSON text with its `\u0000` escapes made U+FFFD (see NUL_ESCAPE). */
export function withoutNulEscapes(json: string): string {
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}

/** How deep a recorded value is kept when it is too deep to serialise whole (deeper parts: a marker). */
export const MAX_RECORDED_DEPTH = 64;
const TOO_DEEP = `[not recorded: nested deeper than ${MAX_RECORDED_DEPTH} levels]`;

/**
 * JSON.stringify that never throws on a deep value: it fails past ~4,000 levels (stack), and a run
 * whose row cannot be encoded would have an execution id with no row. Only then is the value
 * copied with everything deeper than MAX_RECORDED_DEPTH replaced by a marker (no cost otherwise).
 */
export function recordedJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return JSON.stringify(capDepth(value, 0));
  }
}

/** A copy of `v` as JSON.stringify would see it, cut at MAX_RECORDED_DEPTH levels. */
function capDepth(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  const json = (v as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return capDepth((json as () => unknown).call(v), depth);
  if (depth >= MAX_RECORDED_DEPTH) return TOO_DEEP;
  if (Array.isArray(v)) return v.map((x) => capDepth(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const value = capDepth(x, depth + 1);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** json_to_recordset's column list for recordJson's records. */
export const RECORD_TYPES =
  'id uuid, tenant_id uuid, flow_id uuid, flow_version int, trigger_type text, status text, ' +
  'event_id text, call_id text, phone text, input json, output json, error json, steps json, ' +
  'retry_of uuid, started_at timestamptz, finished_at timestamptz, duration_ms int';

/**
 * One row as a JSON record for json_to_recordset (keys are the column names): the upsert path,
 * one statement and one round trip per batch (queue runs wait on it to free their slot).
 */
export function recordJson(r: ExecutionRow): string {
  const json = recordedJson({
    id: r.id,
    tenant_id: r.tenantId,
    flow_id: r.flowId,
    flow_version: r.flowVersion,
    trigger_type: r.triggerType,
    status: r.status,
    event_id: r.eventId,
    call_id: r.callId,
    phone: r.phone,
    input: r.input ?? {},
    output: r.output ?? null,
    error: r.error ?? null,
    steps: r.steps ?? [],
    retry_of: r.retryOf,
    started_at: isoTime(r.startedAt.getTime()),
    finished_at: r.finishedAt ? isoTime(r.finishedAt.getTime()) : null,
    duration_ms: r.durationMs,
  });
  // In a JSON record text values are JSON strings too, so one replacement covers every column.
  return withoutNulEscapes(json);
}

/**
 * The final columns of a queue run's row (queue/job-finish.ts): its `queued` row holds the rest
 * (input, identity), so they are not sent again.
 */
export function finalRecordJson(r: ExecutionRow): string {
  return withoutNulEscapes(
    recordedJson({
      id: r.id,
      status: r.status,
      output: r.output ?? null,
      error: r.error ?? null,
      steps: r.steps ?? [],
      finished_at: r.finishedAt ? isoTime(r.finishedAt.getTime()) : null,
      duration_ms: r.durationMs,
    }),
  );
}
