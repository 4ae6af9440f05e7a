/**
 * What the HTTP API answers about a flow's run statistics (types only): `GET /flows/:id/stats`.
 * `Time` as in ./flows.ts.
 *
 * Counted as runs finish (test runs are not), from rollups kept per minute, quarter hour and hour; durations
 * in ms. Percentiles come from merged histograms of log-scale buckets (four per doubling): a
 * reported value is within 9.1 % (or 10 µs) of the exact nearest-rank percentile of the runs counted.
 */

/** The window a stats answer covers: the last hour (1-minute points), day (15-minute) or week (2-hour). */
export type StatsRange = 'hour' | 'day' | 'week';

/** Duration percentiles in ms; null when nothing was counted. */
export interface DurationPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Runs of one point of the series (or of the whole window). */
export interface RunCounts {
  runs: number;
  /** Runs that failed or timed out. */
  errors: number;
  /** IVR calls answered with the trigger's fallback (the deadline passed, or the run failed before answering). */
  fallbacks: number;
  /** Synchronous runs (IVR, webhook) whose trigger deadline passed before they answered. */
  deadlineMisses: number;
}

/** One point of the series: the runs that finished in `[at, at + bucketSeconds)`. */
export interface FlowStatsPoint<Time = string> extends RunCounts, DurationPercentiles {
  at: Time;
}

/** The window as a whole. */
export interface FlowStatsTotals extends RunCounts, DurationPercentiles {
  /** errors / runs; null without runs. */
  errorRate: number | null;
  /** Longest run counted, in ms. */
  maxMs: number | null;
}

/**
 * One node over the window: its steps on the run's main path (steps inside a batch node's chunks
 * are not counted, most of them are not recorded). `errors`: steps that failed, handled by an
 * error edge or not.
 */
export interface NodeStats extends DurationPercentiles {
  nodeId: string;
  /** From the flow's draft; null for a node the draft no longer has. */
  name: string | null;
  type: string | null;
  runs: number;
  errors: number;
  errorRate: number | null;
  maxMs: number | null;
}

/** GET /flows/:id/stats?range=hour|day|week. */
export interface FlowStats<Time = string> {
  flowId: string;
  range: StatsRange;
  /** The draft's trigger type (`trigger.ivr` …): the editor shows fallbacks and deadline misses for IVR flows. */
  triggerType: string | null;
  /** The window: `[from, to)`, `to` the end of the current bucket. */
  from: Time;
  to: Time;
  bucketSeconds: number;
  totals: FlowStatsTotals;
  /** Every bucket of the window, oldest first, zero-filled. */
  series: FlowStatsPoint<Time>[];
  /** Nodes that ran in the window, slowest (p95) first. */
  nodes: NodeStats[];
}
