/** Numbers of the stats views: durations, rates, and the heat levels the canvas tints nodes with. */
import type { NodeStats, StatsRange } from '../api/stats';
import { formatNumber, t } from '../i18n/i18n';
import './heat.css';

const fixed = (v: number, digits: number) =>
  formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** 0 ms, 0.04 ms, 12.3 ms, 820 ms, 2.35 s (in the language's digits); — for none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${fixed(ms, 2)} ms`;
  if (ms < 100) return `${fixed(ms, 1)} ms`;
  if (ms < 1000) return `${fixed(ms, 0)} ms`;
  return `${fixed(ms / 1000, ms < 10_000 ? 2 : 1)} s`;
}

/** 0 %, 0.4 %, 12 %; — for none. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  return `${fixed(pct, pct === 0 || pct >= 10 ? 0 : 1)} %`;
}

export const RANGES: readonly StatsRange[] = ['hour', 'day', 'week'];
export const rangeLabel = (r: StatsRange) =>
  r === 'hour' ? t('stats.range.hour') : r === 'day' ? t('stats.range.day') : t('stats.range.week');

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
