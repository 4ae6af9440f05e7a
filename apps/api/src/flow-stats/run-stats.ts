import type { ExecutionStatus, ExecutionTrigger, StepRecord } from '@callflow/flow';
import { addDuration, mergeInto } from './duration-histogram';

/** How a synchronous run's caller was answered (FlowRunner.startSync knows; the execution row does not say). */
export interface RunAnswer {
  /** An IVR call answered with the trigger's fallback. */
  fallback: boolean;
  /** The trigger's deadline passed before the run answered. */
  deadlineMissed: boolean;
}

/** The parts of a finished execution row stats read. */
export interface FinishedRun {
  tenantId: string;
  flowId: string | null;
  triggerType: ExecutionTrigger;
  status: ExecutionStatus;
  steps: readonly StepRecord[] | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
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

/** The cells of one (span, tenant, flow, start), by node id ('' the run). */
interface Group {
  key: string;
  span: number;
  tenantId: string;
  flowId: string;
  start: number;
  nodes: Map<string, Cell>;
}

/**
 * The spans rollups are kept at, in minutes, one per view: each view reads at most ~170 rows per
 * node (a day of minute rows took over a second to merge, measured).
 */
const SPANS = [1, 15, 60] as const;

/**
 * Finished runs summed per rollup row in memory as their rows are queued, so a batch of thousands
 * of runs is one upsert of a few rows per flow. Counted: final rows of saved flows, not test runs
 * (they would blur what callers see); of a run's steps, those of its main path (a batch node's chunk
 * steps are only partly recorded). ~0.5 µs of CPU per IVR run (measured): no object per run, a map
 * lookup per span and node (the last group is kept: runs of one flow come in bursts). `take()` hands the rows over
 * sorted (every writer locks rollup rows in one order, so two never wait on each other in a circle);
 * `putBack()` returns them after a failed write, merged with what came since.
 */
export class RunStatCells {
  private groups = new Map<string, Group>();
  private cells = 0;
  private readonly last: (Group | undefined)[] = SPANS.map(() => undefined);

  get size(): number {
    return this.cells;
  }

  add(row: FinishedRun, answer?: RunAnswer): void {
    if (row.status === 'queued' || row.status === 'running' || row.triggerType === 'test' || !row.flowId) return;
    const ms = row.durationMs ?? 0;
    const at = row.finishedAt ? row.finishedAt.getTime() : row.startedAt.getTime() + ms;
    const error = row.status !== 'succeeded';
    const fallback = answer?.fallback ?? false;
    const missed = answer?.deadlineMissed ?? false;
    for (let i = 0; i < SPANS.length; i++) {
      const span = SPANS[i]!;
      const start = at - (at % (span * 60_000));
      let g = this.last[i];
      if (!g || g.start !== start || g.flowId !== row.flowId || g.tenantId !== row.tenantId)
        g = this.last[i] = this.group(span, row.tenantId, row.flowId, start);
      this.count(g, '', ms, error, fallback, missed);
      for (const s of row.steps ?? [])
        if (s.chunk === undefined) this.count(g, s.nodeId, s.durationMs, s.status === 'failed');
    }
  }

  take(): RollupRows {
    const cells: Cell[] = [];
    for (const g of this.groups.values()) for (const c of g.nodes.values()) cells.push(c);
    cells.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.groups = new Map();
    this.cells = 0;
    this.last.fill(undefined);
    return new RollupRows(cells);
  }

  putBack(rows: RollupRows): void {
    for (const c of rows.cells) {
      const g = this.group(c.span, c.tenantId, c.flowId, c.start);
      const kept = g.nodes.get(c.nodeId);
      if (!kept) {
        g.nodes.set(c.nodeId, c);
        this.cells++;
      } else {
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

  private group(span: number, tenantId: string, flowId: string, start: number): Group {
    const key = `${span}|${tenantId}|${flowId}|${start}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { key, span, tenantId, flowId, start, nodes: new Map() }));
    return g;
  }

  private count(g: Group, nodeId: string, ms: number, error: boolean, fallback = false, miss = false): void {
    let c = g.nodes.get(nodeId);
    if (!c) {
      const { span, tenantId, flowId, start } = g;
      const zero = { runs: 0, errors: 0, fallbacks: 0, misses: 0, totalMs: 0, maxMs: 0 };
      c = { key: `${g.key}|${nodeId}`, span, tenantId, flowId, start, nodeId, ...zero, hist: [] };
      g.nodes.set(nodeId, c);
      this.cells++;
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
