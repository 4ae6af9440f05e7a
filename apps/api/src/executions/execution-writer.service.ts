import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/errors/database-unavailable';
import type { ExecutionEntity } from './execution.entity';

/** The columns of an execution row, as the writer stores them. */
export type ExecutionRow = Pick<
  ExecutionEntity,
  'id' | 'tenantId' | 'flowId' | 'flowVersion' | 'triggerType' | 'status' | 'eventId' | 'callId' | 'phone' | 'input' | 'output' | 'error' | 'steps' | 'retryOf' | 'startedAt' | 'finishedAt' | 'durationMs'
>;

const COLUMNS = ['id', 'tenant_id', 'flow_id', 'flow_version', 'trigger_type', 'status', 'event_id', 'call_id', 'phone', 'input', 'output', 'error', 'steps', 'retry_of', 'started_at', 'finished_at', 'duration_ms'];
const FLUSH_EVERY_MS = 25;

/**
 * PostgreSQL text and jsonb cannot hold U+0000, which callers may send (a PBX's caller name): it is
 * recorded as U+FFFD rather than losing the whole row. The JSON escape `\u0000` is replaced
 * only where it is an escape (not after an escaped backslash).
 */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;
const MAX_BATCH = 500;
const URGENT_FLUSH_MS = 2;
/** Rows kept in memory while the database is unreachable (~1.5 KB each). */
const MAX_QUEUED = 100_000;
const MAX_RETRY_DELAY_MS = 2_000;

/** The batch as one JSON array, keeping the last write of each id (one statement cannot touch a row twice). */
function batchJson(batch: Pending[]): string {
  const byId = new Map<string, string>();
  for (const p of batch) byId.set(p.id, p.json);
  return `[${[...byId.values()].join(',')}]`;
}

/** A row's JSON record; U+0000 becomes U+FFFD (see NUL_ESCAPE). */
function recordJson(row: ExecutionRow): string {
  const json = JSON.stringify(toRecord(row));
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}

/** One row as a JSON record for json_to_recordset (keys are the column names). */
function toRecord(r: ExecutionRow): Record<string, unknown> {
  return {
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
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    duration_ms: r.durationMs,
  };
}

const RECORD_TYPES = 'id uuid, tenant_id uuid, flow_id uuid, flow_version int, trigger_type text, status text, event_id text, call_id text, phone text, input jsonb, output jsonb, error jsonb, steps json, retry_of uuid, started_at timestamptz, finished_at timestamptz, duration_ms int';
const UPDATED = COLUMNS.filter((c) => !['id', 'tenant_id', 'started_at', 'retry_of'].includes(c));
// A final state is never overwritten by a late `running` write.
const UPSERT = `INSERT INTO executions (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.map((c) => `x.${c}`).join(', ')}
  FROM json_to_recordset($1::json) AS x(${RECORD_TYPES})
  ON CONFLICT (id) DO UPDATE SET ${UPDATED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
  WHERE executions.status IN ('queued', 'running') OR EXCLUDED.status NOT IN ('queued', 'running')`;

interface Pending {
  id: string;
  /** Serialised when queued: the cost is spread over the calls instead of one pause per flush. */
  json: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes execution rows in batches, off the answer path: an IVR answer never waits for the
 * database. Rows are upserted by id, so a row written as `queued` or `running` is completed by a
 * later write. Callers that must be durable (queue workers) await the returned promise.
 */
@Injectable()
export class ExecutionWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('ExecutionWriter');
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private urgent = false;
  private flushing: Promise<void> | undefined;
  private stopping = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Queues a row; resolves once it is in the database. `urgent` (a queue worker waits on it to
   * complete its job and free the slot) flushes within ~2 ms instead of FLUSH_EVERY_MS.
   */
  record(row: ExecutionRow, opts: { urgent?: boolean } = {}): Promise<void> {
    const json = recordJson(row);
    return new Promise<void>((resolve, reject) => {
      if (this.queue.length >= MAX_QUEUED) this.shed();
      this.queue.push({ id: row.id, json, resolve, reject });
      if (this.queue.length >= MAX_BATCH) void this.flush();
      else if (opts.urgent && !this.urgent) {
        clearTimeout(this.timer);
        this.urgent = true;
        this.timer = setTimeout(() => void this.flush(), URGENT_FLUSH_MS);
      } else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
    });
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.urgent = false;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.flushing = this.write(batchJson(batch), batch).finally(() => (this.flushing = undefined));
    await this.flushing;
    if (this.queue.length > 0) this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    while (this.queue.length > 0 || this.flushing) await this.flush();
  }

  /** A database outage must not grow memory without bound: past MAX_QUEUED rows the oldest are given up. */
  private shed(): void {
    const dropped = this.queue.splice(0, MAX_BATCH);
    this.logger.error({ rows: dropped.length, queued: this.queue.length }, 'too many execution rows waiting for the database; the oldest are dropped');
    const err = new Error('execution rows dropped: the database was unavailable for too long');
    for (const p of dropped) p.reject(err);
  }

  private async write(json: string, waiters: Pending[], attempt = 1): Promise<void> {
    // The whole batch is ONE JSON parameter and one statement text whatever its size: no
    // per-value parameters to serialise, and PostgreSQL parses and plans the same statement.
    try {
      await this.db.query(UPSERT, [json]);
      for (const p of waiters) p.resolve();
    } catch (err) {
      // While PostgreSQL is unreachable (a restart, a failover) keep the batch and keep trying:
      // giving up would lose IVR records and make queue runs run again. Other errors get 5 tries.
      const outage = isDatabaseUnavailable(err) && !this.stopping;
      if (outage || attempt < 5) {
        if (attempt === 1 || attempt % 10 === 0) this.logger.warn({ err, attempt, rows: waiters.length }, 'writing executions failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt)));
        return this.write(json, waiters, attempt + 1);
      }
      this.logger.error({ err, count: waiters.length }, 'writing executions failed');
      for (const p of waiters) p.reject(err);
    }
  }
}
