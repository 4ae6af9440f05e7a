/** Numbers of the stats views: durations, rates, and the heat levels the canvas tints nodes with. */
import type { NodeStats, StatsRange } from '../api/stats';
import { formatNumber, t } from '../i18n/i18n';
import { formatMs } from '../ui/components';
import './heat.css';

const fixed = (v: number, digits: number) =>
  formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * 0 ms, 0.04 ms, 12.3 ms, 820 ms, 2.35 s in the language's digits and units (the shell's duration
 * messages, as formatMs writes them elsewhere, with sub-millisecond precision); — for none.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 100) return formatMs(ms);
  const n = ms === 0 ? formatNumber(0) : fixed(ms, ms < 1 ? 2 : 1);
  return t('shell.duration.ms', { n });
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

const ms = (n: string) => t('shell.duration.ms', { n });
const sec = (n: string) => t('shell.duration.s', { n });
const num = (v: number) => formatNumber(v);
const pctOf = (n: string) => `${n} %`;

/** The four levels' legend labels, best first, in the language in force (digits, units). */
export function legendOf(mode: TintMode): readonly string[] {
  if (mode === 'p95')
    return [
      `≤ ${ms(num(100))}`,
      ms(`${num(100)}\u2013${num(500)}`),
      sec(`${num(0.5)}\u2013${num(1.5)}`),
      `> ${sec(num(1.5))}`,
    ];
  return [pctOf(num(0)), `< ${pctOf(num(1))}`, pctOf(`${num(1)}–${num(5)}`), `≥ ${pctOf(num(5))}`];
}

/** A node's level for `mode` (0 best … 3 worst); null without runs. */
export function heatLevel(mode: TintMode, node: Pick<NodeStats, 'p95' | 'errorRate'>): HeatLevel | null {
  const v = mode === 'p95' ? node.p95 : node.errorRate;
  if (v === null) return null;
  const [a, b, c] = BOUNDS[mode];
  if (mode === 'errorRate') return v <= a ? 0 : v < b ? 1 : v < c ? 2 : 3;
  return v <= a ? 0 : v <= b ? 1 : v <= c ? 2 : 3;
}
