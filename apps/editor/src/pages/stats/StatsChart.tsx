/**
 * One time-series chart of the stats page, drawn by uPlot (~23 kB gzipped, canvas; loaded with this
 * page only). Colours are the theme's CSS variables, read when drawn: the chart is drawn again when
 * the theme changes, and when its box is resized.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDate, t, useLocale } from '../../i18n/i18n';
import { useTheme } from '../../ui/theme';
import { markedPoints, timeTicks, valueTicks, type AxisKind } from './chart-axes';

export interface ChartLine {
  label: string;
  values: readonly (number | null)[];
  /** A CSS variable (`--accent`). */
  color: string;
  /** Dashes tell lines apart without their colour. */
  dash?: number[];
  bars?: boolean;
}

const HEIGHT = 190;
/** Least room between tick labels (px): uPlot picks fewer ticks, so labels never touch at 1024 px. */
const X_SPACE = 90;
const Y_SPACE = 36;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function StatsChart({
  title,
  label,
  xs,
  lines,
  format,
  axis,
  testId,
}: {
  title: string;
  /** What a screen reader hears for the drawing. */
  label: string;
  /** Bucket starts, in seconds. */
  xs: readonly number[];
  lines: readonly ChartLine[];
  format(v: number): string;
  /** What the y axis counts (its tick labels). */
  axis: AxisKind;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  const locale = useLocale();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssVar('--muted');
    const grid = cssVar('--border');
    const axisOpts = { stroke: axisColor, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height: HEIGHT,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...axisOpts, space: X_SPACE, values: (_u, splits, _i, _space, step) => timeTicks(splits, step) },
        {
          ...axisOpts,
          space: Y_SPACE,
          // Wide enough for the longest label (~7 px a character at the axis font).
          size: (_u, values) => Math.min(110, 18 + 7 * Math.max(3, ...(values ?? []).map((v) => v.length))),
          values: (u, splits, _i, _space, step) => valueTicks(axis, splits, step, u.scales.y?.max ?? 0),
        },
      ],
      series: [
        { label: t('stats.time'), value: (_u, v) => (v === null || v === undefined ? '—' : formatDate(v * 1000)) },
        ...lines.map((l): uPlot.Series => ({
          label: l.label,
          stroke: cssVar(l.color),
          width: l.bars ? 0 : 2,
          dash: l.dash,
          fill: l.bars ? cssVar(l.color) : undefined,
          paths: l.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
          // Markers where a line would not show: a series of few points, or points alone between gaps.
          points: l.bars ? { show: false } : { show: false, size: 6, filter: markedPoints(l.values) },
          value: (_u, v) => (v === null || v === undefined ? '—' : format(v)),
        })),
      ],
    };
    const data = [xs as number[], ...lines.map((l) => l.values as (number | null)[])] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const resized = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
  }, [xs, lines, format, axis, theme, locale]);

  return (
    <figure className="stats-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={label} />
    </figure>
  );
}
