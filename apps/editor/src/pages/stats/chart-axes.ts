/**
 * The stats charts' axis labels in the language in force: times and dates by Intl (24 h where the
 * language uses it, day and month in its order and separators), values with as many decimals as the
 * tick spacing needs (0.025 is not 0.03), in the shell's duration units.
 */
import { currentLocale, formatNumber, t } from '../../i18n/i18n';

/** What a chart's y axis counts. */
export type AxisKind = 'count' | 'rate' | 'duration';

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(kind: 'time' | 'day'): Intl.DateTimeFormat {
  const locale = currentLocale();
  const key = `${locale}|${kind}`;
  let f = dateFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time' ? { hour: '2-digit', minute: '2-digit' } : { day: '2-digit', month: '2-digit' };
    dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  }
  return f;
}

/**
 * x tick labels (`splits` in seconds, `step` between them): the day (`06.12`) when ticks are a day
 * or more apart, else the time (`11:40`), with the day under the first tick of each day.
 */
export function timeTicks(splits: readonly number[], step: number): string[] {
  let lastDay = '';
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const day = dateFormat('day').format(d);
    if (step >= 86_400) return day;
    const time = dateFormat('time').format(d);
    const label = day === lastDay ? time : `${time}\n${day}`;
    lastDay = day;
    return label;
  });
}

/** The fraction digits that tell ticks `step` apart exactly (1 → 0, 0.5 → 1, 0.025 → 3). */
export function digitsFor(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d < 6; d++) {
    const x = step * 10 ** d;
    if (Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, x)) return d;
  }
  return 6;
}

const fixed = (v: number, digits: number) =>
  formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** y tick labels of an axis of `kind` (`max` the top of the scale, rates as fractions, durations in ms). */
export function valueTicks(kind: AxisKind, splits: readonly number[], step: number, max: number): string[] {
  if (kind === 'rate') return splits.map((v) => `${fixed(v * 100, digitsFor(step * 100))} %`);
  if (kind === 'count') return splits.map((v) => fixed(v, digitsFor(step)));
  if (max >= 1000) return splits.map((v) => t('shell.duration.s', { n: fixed(v / 1000, digitsFor(step / 1000)) }));
  return splits.map((v) => t('shell.duration.ms', { n: fixed(v, digitsFor(step)) }));
}

/**
 * The points a line draws as markers: all of them when the series has few (a line of one point is
 * invisible), else those alone between gaps; null for none.
 */
export function markedPoints(values: readonly (number | null)[], few = 5): number[] | null {
  const shown = values.flatMap((v, i) => (v === null ? [] : [i]));
  if (shown.length === 0) return null;
  if (shown.length <= few) return shown;
  const alone = shown.filter((i) => (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null);
  return alone.length > 0 ? alone : null;
}
