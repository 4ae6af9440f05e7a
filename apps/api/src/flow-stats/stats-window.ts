import type {
  DurationPercentiles,
  FlowDefinition,
  FlowStats,
  FlowStatsPoint,
  NodeStats,
  StatsRange,
} from '@callflow/flow';
import { mergeInto, percentile } from './duration-histogram';

/** Per range: the rollup span read (minutes), the bucket of a point (seconds) and the points. */
const RANGES: Record<StatsRange, { span: number; bucketSeconds: number; points: number }> = {
  hour: { span: 1, bucketSeconds: 60, points: 60 },
  day: { span: 15, bucketSeconds: 15 * 60, points: 96 },
  week: { span: 60, bucketSeconds: 2 * 3600, points: 84 },
};

/** The rows a window is read as, and the points it has: `[from, to)`, `to` the end of the current bucket. */
export interface StatsWindow {
  range: StatsRange;
  span: number;
  bucketSeconds: number;
  from: Date;
  to: Date;
}

export function windowOf(range: StatsRange, now: number): StatsWindow {
  const { span, bucketSeconds, points } = RANGES[range];
  const bucketMs = bucketSeconds * 1000;
  const to = now - (now % bucketMs) + bucketMs;
  return { range, span, bucketSeconds, from: new Date(to - points * bucketMs), to: new Date(to) };
}

/** A row of FlowStatsService's query: one node ('' the run) in one bucket (seconds since the epoch / bucketSeconds). */
export interface BucketRow {
  node_id: string;
  b: string | number;
  runs: number;
  errors: number;
  fallbacks: number;
  misses: number;
  max_ms: number;
  /** Non-zero histogram buckets (1-based, as unnest's ordinality) and their counts. */
  idx: number[] | null;
  cnt: number[] | null;
}

interface Acc {
  runs: number;
  errors: number;
  fallbacks: number;
  misses: number;
  maxMs: number | null;
  hist: number[];
}

const empty = (): Acc => ({ runs: 0, errors: 0, fallbacks: 0, misses: 0, maxMs: null, hist: [] });

function add(acc: Acc, r: BucketRow, hist: number[]): void {
  acc.runs += r.runs;
  acc.errors += r.errors;
  acc.fallbacks += r.fallbacks;
  acc.misses += r.misses;
  if (r.runs > 0) acc.maxMs = Math.max(acc.maxMs ?? 0, r.max_ms);
  mergeInto(acc.hist, hist);
}

function dense(r: BucketRow): number[] {
  const hist: number[] = [];
  (r.idx ?? []).forEach((k, j) => {
    while (hist.length < k) hist.push(0);
    hist[k - 1] = r.cnt?.[j] ?? 0;
  });
  return hist;
}

const percentiles = (a: Acc): DurationPercentiles => ({
  p50: percentile(a.hist, 0.5, a.maxMs),
  p95: percentile(a.hist, 0.95, a.maxMs),
  p99: percentile(a.hist, 0.99, a.maxMs),
});

const rate = (errors: number, runs: number) => (runs > 0 ? errors / runs : null);

/**
 * The answer of GET /flows/:id/stats from the window's rows: every bucket (zero-filled), the
 * totals, and the nodes slowest first (by p95; node names and types from the draft).
 */
export function statsOf(
  flowId: string,
  definition: FlowDefinition,
  w: StatsWindow,
  rows: readonly BucketRow[],
): FlowStats<Date> {
  const first = w.from.getTime() / 1000 / w.bucketSeconds;
  const points = Math.round((w.to.getTime() - w.from.getTime()) / 1000 / w.bucketSeconds);
  const buckets = Array.from({ length: points }, empty);
  const total = empty();
  const nodes = new Map<string, Acc>();
  for (const r of rows) {
    const hist = dense(r);
    if (r.node_id === '') {
      const bucket = buckets[Number(r.b) - first];
      if (bucket) add(bucket, r, hist);
      add(total, r, hist);
    } else {
      let n = nodes.get(r.node_id);
      if (!n) nodes.set(r.node_id, (n = empty()));
      add(n, r, hist);
    }
  }
  const series: FlowStatsPoint<Date>[] = buckets.map((b, i) => ({
    at: new Date((first + i) * w.bucketSeconds * 1000),
    runs: b.runs,
    errors: b.errors,
    fallbacks: b.fallbacks,
    deadlineMisses: b.misses,
    ...percentiles(b),
  }));
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const nodeStats: NodeStats[] = [...nodes].map(([nodeId, n]) => ({
    nodeId,
    name: byId.get(nodeId)?.name ?? null,
    type: byId.get(nodeId)?.type ?? null,
    runs: n.runs,
    errors: n.errors,
    errorRate: rate(n.errors, n.runs),
    maxMs: n.maxMs,
    ...percentiles(n),
  }));
  nodeStats.sort((a, b) => (b.p95 ?? -1) - (a.p95 ?? -1) || a.nodeId.localeCompare(b.nodeId));
  return {
    flowId,
    range: w.range,
    triggerType: definition.nodes.find((n) => n.type.startsWith('trigger.'))?.type ?? null,
    from: w.from,
    to: w.to,
    bucketSeconds: w.bucketSeconds,
    totals: {
      runs: total.runs,
      errors: total.errors,
      fallbacks: total.fallbacks,
      deadlineMisses: total.misses,
      errorRate: rate(total.errors, total.runs),
      maxMs: total.maxMs,
      ...percentiles(total),
    },
    series,
    nodes: nodeStats,
  };
}
