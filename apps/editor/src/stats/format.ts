/** Numbers of the stats views: durations, rates, and the heat levels the canvas tints nodes with. */
import type { NodeStats, StatsRange } from '../api/stats';
import { st, type StatsMessage } from './text';
import './heat.css';

/** 0 ms, 0.04 ms, 12.3 ms, 820 ms, 2.35 s; — for none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** 0 %, 0.4 %, 12 %; — for none. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  return `${pct === 0 || pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`;
}

export const RANGES: readonly StatsRange[] = ['hour', 'day', 'week'];
export const rangeLabel = (r: StatsRange) => st(`stats.range.${r}` as StatsMessage);

export type TintMode = 'p95' | 'errorRate';
export type HeatLevel = 0 | 1 | 2 | 3;

/**
 * Fixed bounds, not relative to the flow's own nodes: a node is slow by what a caller waits (an IVR
 * deadline is 3 s by default), and a flow whose nodes are all fast shows no red.
 */
const BOUNDS: Record<TintMode, readonly [number, number, number]> = {
  p95: [100, 500, 1500],
  errorRate: [0, 0.01, 0.05],
};

/** The four levels' legend labels, best first. */
export const LEGEND: Record<TintMode, readonly string[]> = {
  p95: ['≤ 100 ms', '100–500 ms', '0.5–1.5 s', '> 1.5 s'],
  errorRate: ['0 %', '< 1 %', '1–5 %', '≥ 5 %'],
};

/** A node's level for `mode` (0 best … 3 worst); null without runs. */
export function heatLevel(mode: TintMode, node: Pick<NodeStats, 'p95' | 'errorRate'>): HeatLevel | null {
  const v = mode === 'p95' ? node.p95 : node.errorRate;
  if (v === null) return null;
  const [a, b, c] = BOUNDS[mode];
  if (mode === 'errorRate') return v <= a ? 0 : v < b ? 1 : v < c ? 2 : 3;
  return v <= a ? 0 : v <= b ? 1 : v <= c ? 2 : 3;
}
