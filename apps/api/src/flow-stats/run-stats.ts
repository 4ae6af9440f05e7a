import type { ExecutionStatus, ExecutionTrigger, StepRecord } from '@callflow/flow';
import { addDuration, mergeInto } from './duration-histogram';

/** How a synchronous run's caller was answered (FlowRunner.startSync knows; the execution row does not say). */
export interface RunAnswer {
  /** An IVR call answered with the trigger's fallback. */
  fallback: boolean;
  /** The trigger's deadline passed before the run answered. */
  deadlineMissed: boolean;
}

/** What a finished run adds to its flow's rollups (a few numbers, taken when its row is queued). */
export interface RunStat {
  tenantId: string;
  flowId: string;
  /** When it finished (ms since the epoch): the minute and hour it counts in. */
  at: number;
  ms: number;
  error: boolean;
  fallback: boolean;
  deadlineMissed: boolean;
  /** Main-path steps: node id, duration, failed. */
  steps: { nodeId: string; ms: number; failed: boolean }[];
}

/** The parts of a finished execution row stats read. */
interface FinishedRun {
  tenantId: string;
  flowId: string | null;
  triggerType: ExecutionTrigger;
  status: ExecutionStatus;
  steps: StepRecord[] | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

/**
 * A final row's stat; undefined for rows not counted: unfinished ones, test runs (they would
 * blur what callers see) and runs of no saved flow.
 */
export function runStatOf(row: FinishedRun, answer?: RunAnswer): RunStat | undefined {
  if (row.status === 'queued' || row.status === 'running' || row.triggerType === 'test' || !row.flowId) return;
  const steps: RunStat['steps'] = [];
  // Chunk steps of a batch node are left out: only some chunks' steps are recorded.
  for (const s of row.steps ?? [])
    if (s.chunk === undefined) steps.push({ nodeId: s.nodeId, ms: s.durationMs, failed: s.status === 'failed' });
  const ms = row.durationMs ?? 0;
  return {
    tenantId: row.tenantId,
    flowId: row.flowId,
    at: row.finishedAt ? row.finishedAt.getTime() : row.startedAt.getTime() + ms,
    ms,
    error: row.status !== 'succeeded',
    fallback: answer?.fallback ?? false,
    deadlineMissed: answer?.deadlineMissed ?? false,
    steps,
  };
}

/** One rollup row being built: a (span, tenant, flow, start, node) and its counts. */
interface Cell {
  key: string;
  span: number;
  tenantId: string;
  flowId: string;
  start: number;
  nodeId: string;
  runs: number;
  errors: number;
  fallbacks: number;
  misses: number;
  totalMs: number;
  maxMs: number;
  hist: number[];
}

/** The spans rollups are kept at, in minutes: per minute (hour and day views) and per hour (week). */
export const SPANS = [1, 60] as const;

/**
 * Stats of finished runs summed per rollup row in memory, so a batch of thousands of runs is one
 * upsert of a few rows per flow. `take()` hands the rows over (sorted: every writer locks rollup
 * rows in one order, so two never wait on each other in a circle); `putBack()` returns them after
 * a failed write, merged with what came since.
 */
export class RunStatCells {
  private cells = new Map<string, Cell>();

  get size(): number {
    return this.cells.size;
  }

  add(stat: RunStat): void {
    for (const span of SPANS) {
      const start = stat.at - (stat.at % (span * 60_000));
      this.count(span, stat, start, '', stat.ms, stat.error, stat.fallback, stat.deadlineMissed);
      for (const s of stat.steps) this.count(span, stat, start, s.nodeId, s.ms, s.failed, false, false);
    }
  }

  take(): RollupRows {
    const cells = [...this.cells.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.cells = new Map();
    return new RollupRows(cells);
  }

  putBack(rows: RollupRows): void {
    for (const c of rows.cells) {
      const kept = this.cells.get(c.key);
      if (!kept) this.cells.set(c.key, c);
      else {
        kept.runs += c.runs;
        kept.errors += c.errors;
        kept.fallbacks += c.fallbacks;
        kept.misses += c.misses;
        kept.totalMs += c.totalMs;
        kept.maxMs = Math.max(kept.maxMs, c.maxMs);
        mergeInto(kept.hist, c.hist);
      }
    }
  }

  private count(
    span: number,
    stat: RunStat,
    start: number,
    nodeId: string,
    ms: number,
    error: boolean,
    fallback: boolean,
    miss: boolean,
  ): void {
    const key = `${span}|${stat.tenantId}|${stat.flowId}|${start}|${nodeId}`;
    let c = this.cells.get(key);
    if (!c) {
      const { tenantId, flowId } = stat;
      const zero = { runs: 0, errors: 0, fallbacks: 0, misses: 0, totalMs: 0, maxMs: 0 };
      c = { key, span, tenantId, flowId, start, nodeId, ...zero, hist: [] };
      this.cells.set(key, c);
    }
    c.runs++;
    if (error) c.errors++;
    if (fallback) c.fallbacks++;
    if (miss) c.misses++;
    c.totalMs += ms;
    if (ms > c.maxMs) c.maxMs = ms;
    addDuration(c.hist, ms);
  }
}

/** Rows taken for one upsert, with the statement's parameters. */
export class RollupRows {
  constructor(readonly cells: readonly Cell[]) {}

  /** UPSERT_ROLLUPS's parameters: one array per column. */
  params(): unknown[] {
    const c = this.cells;
    return [
      c.map((x) => x.tenantId),
      c.map((x) => x.flowId),
      c.map((x) => x.span),
      c.map((x) => new Date(x.start).toISOString()),
      c.map((x) => x.nodeId),
      c.map((x) => x.runs),
      c.map((x) => x.errors),
      c.map((x) => x.fallbacks),
      c.map((x) => x.misses),
      c.map((x) => x.totalMs),
      c.map((x) => x.maxMs),
      c.map((x) => `{${x.hist.join(',')}}`),
    ];
  }
}

/**
 * Adds rollup rows to flow_stats: counts summed, the histograms element by element (of any
 * lengths). One statement, rows in key order (see RunStatCells).
 */
export const UPSERT_ROLLUPS = `INSERT INTO flow_stats AS s (tenant_id, flow_id, span, at, node_id, runs, errors,
    fallbacks, deadline_misses, total_ms, max_ms, hist)
  SELECT x.tenant_id, x.flow_id, x.span, x.at, x.node_id, x.runs, x.errors, x.fallbacks, x.misses, x.total_ms,
    x.max_ms, x.hist::int[]
  FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::timestamptz[], $5::text[], $6::int[], $7::int[], $8::int[],
    $9::int[], $10::float8[], $11::float8[], $12::text[])
    AS x(tenant_id, flow_id, span, at, node_id, runs, errors, fallbacks, misses, total_ms, max_ms, hist)
  ON CONFLICT ON CONSTRAINT flow_stats_pkey DO UPDATE SET
    runs = s.runs + EXCLUDED.runs,
    errors = s.errors + EXCLUDED.errors,
    fallbacks = s.fallbacks + EXCLUDED.fallbacks,
    deadline_misses = s.deadline_misses + EXCLUDED.deadline_misses,
    total_ms = s.total_ms + EXCLUDED.total_ms,
    max_ms = GREATEST(s.max_ms, EXCLUDED.max_ms),
    hist = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(s.hist, EXCLUDED.hist) WITH ORDINALITY AS u(a, b, i)
      ORDER BY i)`;
