import { EngineError } from '../errors';
import { Escaped } from './escape';

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new EngineError('TEMPLATE_RENDER', `formatDate: unknown time zone "${tz}"`, { helper: 'formatDate' });
    }
    // Time zone names are few; the bound only guards against templates built from data.
    if (formatters.size >= 500) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

function fieldsAt(ms: number, tz: string | undefined): Fields {
  const d = new Date(ms);
  if (!tz) {
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const f: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatterFor(tz).formatToParts(d)) {
    if (Object.prototype.hasOwnProperty.call(f, p.type)) f[p.type as keyof Fields] = Number(p.value);
  }
  return f;
}

const ISO_LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const ISO_SPACE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/;

/**
 * Epoch milliseconds of a Date, an ISO string or epoch seconds/ms (numbers under 1e11 are seconds); NaN when unusable.
 */
export function toEpochMs(value: unknown): number {
  if (value instanceof Escaped) value = value.text;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return NaN;
    if (/^-?\d+(\.\d+)?$/.test(s)) return toEpochMs(Number(s));
    // A date-time without a zone is UTC here, never the server's local time.
    const local = ISO_LOCAL.exec(s);
    if (local) return Date.parse(`${local[1]}T${local[2]}Z`);
    return Date.parse(s.replace(ISO_SPACE, '$1T$2'));
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    return new Date(ms).getTime();
  }
  return NaN;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetOf(ms: number, f: Fields): string {
  const wall = new Date(0);
  wall.setUTCFullYear(f.year, f.month - 1, f.day);
  wall.setUTCHours(f.hour, f.minute, f.second, new Date(ms).getUTCMilliseconds());
  const minutes = Math.round((wall.getTime() - ms) / 60000);
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const TOKENS = /\[([^\]]*)\]|YYYY|SSS|MM|DD|HH|mm|ss/g;

/**
 * Formats a date: `format` is "iso" (default), "unix", "unixMs" or tokens YYYY MM DD HH mm ss SSS
 * (text in [brackets] is literal); UTC unless `tz` names an IANA time zone. Invalid dates give ''.
 */
export function formatDate(value: unknown, format = 'iso', tz?: string): string {
  const ms = toEpochMs(value);
  if (tz === '') tz = undefined;
  if (tz) formatterFor(tz); // an unknown zone is a template error even for unix formats
  if (Number.isNaN(ms)) return '';
  if (format === 'unix') return String(Math.floor(ms / 1000));
  if (format === 'unixMs') return String(ms);
  const millis = new Date(ms).getUTCMilliseconds();
  const f = fieldsAt(ms, tz);
  if (format === 'iso') {
    if (!tz) return new Date(ms).toISOString();
    const date = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
    return `${date}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}.${pad(millis, 3)}${offsetOf(ms, f)}`;
  }
  return format.replace(TOKENS, (token, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    switch (token) {
      case 'YYYY':
        return pad(f.year, 4);
      case 'MM':
        return pad(f.month);
      case 'DD':
        return pad(f.day);
      case 'HH':
        return pad(f.hour);
      case 'mm':
        return pad(f.minute);
      case 'ss':
        return pad(f.second);
      default:
        return pad(millis, 3);
    }
  });
}
