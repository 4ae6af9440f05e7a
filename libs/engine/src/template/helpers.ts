import { createHash, createHmac } from 'node:crypto';
import { TEMPLATE_HELPERS } from '@callflow/flow';
import { EngineError } from '../errors';
import { checkHelperInput, checkHelperOutput, spend, TEMPLATE_LIMITS } from './budget';
import { Escaped, escapeUrl, isTruthy, stringify, toText, toWellFormed } from './escape';
import { formatDate } from './format-date';
import { revealForHash, SecretValue, type SecretBag } from './secret-value';

/** Hash arguments of one helper call (`key=value`), a null-prototype object. */
export type HelperHash = Readonly<Record<string, unknown>>;

/** A template helper: a pure function of its positional and hash arguments. */
export type Helper = (args: readonly unknown[], hash: HelperHash) => unknown;

/** Throws the TEMPLATE_RENDER error for a bad helper argument. */
export function helperError(helper: string, message: string): never {
  // Messages may quote an argument: never a megabyte of it.
  const shown = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  throw new EngineError('TEMPLATE_RENDER', `${helper}: ${shown}`, { helper });
}

/** Own-property read: the only way templates reach into data (never the prototype chain). */
export function ownProp(target: unknown, key: string): unknown {
  if (target === null || target === undefined) return undefined;
  const t = typeof target;
  // Strings answer `length` and indexes; other primitives have no own properties.
  if (t !== 'object' && t !== 'function' && t !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(target, key) ? (target as Record<string, unknown>)[key] : undefined;
}

/**
 * A helper argument as text. Strings were charged by the compiler; an object's JSON costs its
 * length here and is bounded like a string argument.
 */
function textOf(helper: string, v: unknown): string {
  if (typeof v === 'string') return v;
  const t = toText(v);
  if (v !== null && typeof v === 'object' && !(v instanceof Escaped)) {
    checkHelperInput(helper, t.length);
    spend(t.length * TEMPLATE_LIMITS.jsonCharUnits);
  }
  return t;
}

/** A helper's text result, charged and bounded (for results whose size is only known once built). */
function result(helper: string, text: string): string {
  checkHelperOutput(helper, text.length);
  spend(text.length);
  return text;
}

const utf8 = (helper: string, v: unknown): Buffer => Buffer.from(toWellFormed(textOf(helper, v)), 'utf8');
/** What a hash helper hashes: a secret's own text (only here), else the value as text (bounded). */
const hashBytes = (helper: string, v: unknown): Buffer =>
  Buffer.from(toWellFormed(revealForHash(v) ?? textOf(helper, v)), 'utf8');
const digest = (algorithm: string) => (args: readonly unknown[]) =>
  derived(createHash(algorithm).update(hashBytes(algorithm, args[0])).digest('hex'), args[0]);

/** A hash of a secret is noted with the secret's connection (it is a credential of the request). */
function derived(out: string, ...inputs: unknown[]): string {
  for (const v of inputs) SecretValue.bagOf(v)?.noteDerived(out);
  return out;
}

const isNothing = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (v instanceof Escaped && v.text === '');

const plain = (v: unknown): unknown => (v instanceof Escaped ? v.text : v);

function toNumber(v: unknown): number {
  v = plain(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Loose, predictable equality: identical, both nothing, or primitives with the same text ("1" eq 1). */
function equals(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return isPrimitive(a) && isPrimitive(b) && String(a) === String(b);
}

/** Numbers (or numeric strings) compare as numbers, other strings by code units; anything else is incomparable. */
function compare(a: unknown, b: unknown): number | undefined {
  const x = toNumber(a);
  const y = toNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  const s = plain(a);
  const t = plain(b);
  if (typeof s === 'string' && typeof t === 'string') return s < t ? -1 : s > t ? 1 : 0;
  return undefined;
}

function hmacSha256(args: readonly unknown[], hash: HelperHash): string {
  if (args.length < 2) helperError('hmacSha256', 'needs a key and a value ({{hmacSha256 key value}})');
  if (isNothing(args[0])) helperError('hmacSha256', 'the key is empty');
  const encoding = hash.encoding === undefined ? 'hex' : toText(hash.encoding);
  if (encoding !== 'hex' && encoding !== 'base64')
    helperError('hmacSha256', `encoding must be "hex" or "base64", not "${encoding}"`);
  const key = hashBytes('hmacSha256', args[0]);
  const out = createHmac('sha256', key).update(hashBytes('hmacSha256', args[1])).digest(encoding);
  return derived(out, args[0], args[1]);
}

// Countries whose national numbers keep the leading 0 in E.164 (no trunk prefix): Italy, San Marino, Vatican.
const KEEPS_LEADING_ZERO = new Set(['39', '378', '379']);

function e164(args: readonly unknown[], hash: HelperHash): string {
  const countryArg = hash.country ?? hash.defaultCountry ?? args[1];
  let country = '';
  if (!isNothing(countryArg)) {
    country = toText(countryArg).trim().replace(/^\+/, '');
    if (!/^[1-9]\d{0,2}$/.test(country))
      helperError('e164', `country must be a calling code like "39" or "+7", not "${toText(countryArg)}"`);
  }
  let s = textOf('e164', args[0]).replace(/[\s\-.()]/g, '');
  if (s.startsWith('00')) s = '+' + s.slice(2);
  let out: string;
  if (s.startsWith('+')) out = s;
  else if (s.startsWith('0')) {
    if (!country) return '';
    out = '+' + country + (KEEPS_LEADING_ZERO.has(country) ? s : s.slice(1));
  } else if (country === '7' && /^8\d{10}$/.test(s))
    out = '+7' + s.slice(1); // Russia/Kazakhstan trunk prefix 8
  else if (country) out = '+' + country + s;
  else out = '+' + s;
  return /^\+[1-9]\d{2,14}$/.test(out) ? out : '';
}

function substring(args: readonly unknown[]): string {
  const s = textOf('substring', args[0]);
  const start = toNumber(args[1] ?? 0);
  if (Number.isNaN(start)) helperError('substring', 'start must be a number');
  if (args[2] === undefined || args[2] === null) return s.substring(start);
  const end = toNumber(args[2]);
  if (Number.isNaN(end)) helperError('substring', 'end must be a number');
  return s.substring(start, end);
}

function replace(args: readonly unknown[]): string {
  if (args.length < 3) helperError('replace', 'needs a text, what to find and its replacement');
  const s = textOf('replace', args[0]);
  const find = textOf('replace', args[1]);
  if (find === '') return s;
  const by = textOf('replace', args[2]);
  // The result's size and the pieces split/join builds are known before it runs: refused then, not after.
  const grow = by.length - find.length;
  let size = s.length;
  let count = 0;
  for (let i = s.indexOf(find); i !== -1; i = s.indexOf(find, i + find.length)) {
    count++;
    size += grow;
    if (size > TEMPLATE_LIMITS.maxHelperOutputChars) checkHelperOutput('replace', size);
  }
  spend(count * TEMPLATE_LIMITS.itemUnits);
  return result('replace', s.split(find).join(by));
}

/**
 * The texts joined, refused before joining when the total is too long. A secret among the parts
 * keeps the result a secret (only a hash helper may read it: `{{md5 (concat id secrets.key)}}`).
 */
function concat(args: readonly unknown[]): string | SecretValue {
  const parts = new Array<string>(args.length);
  let size = 0;
  let secret = false;
  let bag: SecretBag | undefined;
  for (let i = 0; i < args.length; i++) {
    const revealed = revealForHash(args[i]);
    if (revealed !== undefined) {
      secret = true;
      bag ??= SecretValue.bagOf(args[i]);
    }
    const t = revealed ?? textOf('concat', args[i]);
    parts[i] = t;
    size += t.length;
  }
  checkHelperOutput('concat', size);
  spend(size);
  return secret ? new SecretValue(parts.join(''), bag) : parts.join('');
}

/**
 * `{{json value}}`: compact JSON is as long as the value's text (bounded); pretty JSON indents
 * each line by its depth, so deep nesting multiplies it (`[[[[…]]]]`): its size is bounded from
 * the compact text before it is built.
 */
function json(args: readonly unknown[], hash: HelperHash): Escaped {
  const value = plain(args[0]) ?? null;
  const compact = stringify(value);
  checkHelperOutput('json', compact.length);
  spend(compact.length * TEMPLATE_LIMITS.jsonCharUnits);
  if (!isTruthy(hash.pretty)) return new Escaped(compact, 'json');
  checkHelperOutput('json', prettySizeBound(compact));
  const pretty = stringify(value, 2);
  checkHelperOutput('json', pretty.length);
  spend(pretty.length * TEMPLATE_LIMITS.jsonCharUnits);
  return new Escaped(pretty, 'json');
}

/** An upper bound of JSON.stringify(v, null, 2)'s length from the compact text: each line gets its depth's indent. */
function prettySizeBound(compact: string): number {
  let lines = 1;
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      lines += 2;
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 125 || c === 93) depth--;
    else if (c === 44) lines++;
  }
  // Twice the compact text covers the space after each colon and the line breaks.
  return compact.length * 2 + lines * (2 * maxDepth + 1);
}

function length(args: readonly unknown[]): number {
  const v = plain(args[0]);
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === 'object') {
    const n = Object.keys(v).length;
    spend(n * TEMPLATE_LIMITS.keyUnits);
    return n;
  }
  return 0;
}

/**
 * `chunk list size` → the list cut into batches of at most `size` items; `chunk list size index`
 * → batch number `index` (0-based), `[]` past the end. Not a list → no batches. For APIs that
 * take at most N items per request (RetailCRM calls/upload: 50).
 */
function chunk(args: readonly unknown[]): unknown[] {
  const list = plain(args[0]);
  const size = toNumber(args[1]);
  if (!Number.isInteger(size) || size < 1 || size > 10_000)
    helperError('chunk', 'size must be a whole number from 1 to 10000 ({{chunk list 50}})');
  const items = Array.isArray(list) ? list : [];
  if (args[2] === undefined || args[2] === null) {
    spend(items.length * TEMPLATE_LIMITS.itemUnits);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }
  const index = toNumber(args[2]);
  if (!Number.isInteger(index) || index < 0) helperError('chunk', 'index must be a whole number from 0');
  spend(Math.min(size, items.length) * TEMPLATE_LIMITS.itemUnits);
  return items.slice(index * size, index * size + size);
}

const HELPERS: Record<(typeof TEMPLATE_HELPERS)[number], Helper> = {
  md5: digest('md5'),
  sha1: digest('sha1'),
  sha256: digest('sha256'),
  hmacSha256,
  base64: (a) => result('base64', utf8('base64', a[0]).toString('base64')),
  base64Decode: (a) =>
    result('base64Decode', Buffer.from(textOf('base64Decode', a[0]).trim(), 'base64').toString('utf8')),
  urlencode: (a) => new Escaped(result('urlencode', escapeUrl(textOf('urlencode', a[0]))), 'url'),
  json,
  lower: (a) => result('lower', textOf('lower', a[0]).toLowerCase()),
  upper: (a) => result('upper', textOf('upper', a[0]).toUpperCase()),
  trim: (a) => textOf('trim', a[0]).trim(),
  // The first argument that is not null/undefined/'' (its raw value, so numbers stay numbers).
  default: (a) => {
    for (let i = 0; i < a.length - 1; i++) if (!isNothing(a[i])) return a[i];
    return a[a.length - 1];
  },
  concat,
  e164,
  formatDate: (a, h) =>
    result(
      'formatDate',
      formatDate(
        plain(a[0]),
        a[1] === undefined ? undefined : textOf('formatDate', a[1]),
        h.tz === undefined ? undefined : textOf('formatDate', h.tz),
      ),
    ),
  substring,
  replace,
  eq: (a) => equals(a[0], a[1]),
  neq: (a) => !equals(a[0], a[1]),
  gt: (a) => (compare(a[0], a[1]) ?? 0) > 0,
  lt: (a) => (compare(a[0], a[1]) ?? 0) < 0,
  and: (a) => a.length > 0 && a.every((v) => isTruthy(v)),
  or: (a) => a.some((v) => isTruthy(v)),
  not: (a) => !isTruthy(a[0]),
  lookup: (a) => ownProp(plain(a[0]), textOf('lookup', a[1])),
  length,
  chunk,
};

/** The helper called `name`, or undefined when it is not one of TEMPLATE_HELPERS. */
export function getHelper(name: string): Helper | undefined {
  return Object.prototype.hasOwnProperty.call(HELPERS, name) ? HELPERS[name as keyof typeof HELPERS] : undefined;
}
