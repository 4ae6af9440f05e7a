/**
 * Finds a run's known secret values in text, in the forms a template or an upstream can turn them
 * into, so that records, answers and redirect targets can be checked without taint tracking:
 * - the value itself, percent-encoded (once and twice, and as a form field), JSON-escaped (once
 *   and twice), XML-escaped;
 * - its bytes in base64 at each of the three alignments (standard and URL alphabet) and in hex;
 * - ASCII case folded (`{{upper}}`, `%2f` vs `%2F`, hex in either case);
 * - and any run of RUN or more characters of one of those (`{{substring}}` pieces).
 * Pieces shorter than RUN, or re-encodings outside the list (`replace`, base64 of base64) are not
 * found: see docs/security.md. Matching is one pass per string with a rolling hash over a window.
 */

/** Secrets shorter than this are not looked for (they would mask ordinary text). */
export const MIN_SECRET_LENGTH = 3;
/** A run of this many characters of a secret (or of one of its encoded forms) is a match. */
export const SECRET_RUN = 8;
const MASK = '[redacted]';

const B = 31;
const FILTER_BITS = 16;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/** ASCII upper case to lower case, for the code units below 128. */
const FOLD = new Uint8Array(128);
for (let c = 0; c < 128; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;

/** ASCII upper case to lower case; every other code unit as it is (lengths never change). */
function fold(c: number): number {
  return c < 128 ? FOLD[c]! : c;
}

function foldText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(fold(s.charCodeAt(i)));
  return out;
}

// Hashes are int32 (arithmetic mod 2^32): every product in the scan loop stays exact below 2^53
// before `| 0` wraps it, so it needs no Math.imul (a call, which jest's sandbox, another realm,
// makes 15× slower); what leaves the window is subtracted through a table.

/** B^(width-1) mod 2^32. */
function topPower(width: number): number {
  let p = 1;
  for (let i = 1; i < width; i++) p = Math.imul(p, B);
  return p;
}

function hashOf(s: string, from: number, width: number): number {
  let h = 0;
  for (let i = from; i < from + width; i++) h = (h * B + fold(s.charCodeAt(i))) | 0;
  return h;
}

/** The base64 characters that depend on `bytes` only, with 0, 1 or 2 bytes before them. */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

function tryEncode(s: string): string | undefined {
  try {
    return encodeURIComponent(s);
  } catch {
    return undefined; // a lone surrogate
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** The texts `secret` is looked for as (each MIN_SECRET_LENGTH long at least; base64 and hex SECRET_RUN). */
export function encodedForms(secret: string): string[] {
  const textual = new Set<string>([secret]);
  const pct = tryEncode(secret);
  if (pct !== undefined) {
    textual.add(pct);
    textual.add(encodeURIComponent(pct));
    textual.add(new URLSearchParams([['x', secret]]).toString().slice(2));
  }
  const json = JSON.stringify(secret).slice(1, -1);
  textual.add(json);
  textual.add(JSON.stringify(json).slice(1, -1));
  textual.add(secret.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!));
  const bytes = Buffer.from(secret, 'utf8');
  const derived = [...base64Cores(bytes), bytes.toString('hex')].filter((f) => f.length >= SECRET_RUN);
  const out = new Set<string>();
  for (const f of [...textual, ...derived]) if (f.length >= MIN_SECRET_LENGTH) out.add(f);
  return [...out];
}

/** Windows of one width whose folded text is a match: a 64 K-bit prefilter, then the texts by hash. */
class WindowTable {
  readonly filter = new Uint8Array(1 << (FILTER_BITS - 3));
  readonly byHash = new Map<number, string[]>();
  readonly top: number;
  /** fold(c) × B^(width-1) mod 2^32 for ASCII c: what leaves the window. */
  private readonly leaving = new Int32Array(128);

  constructor(readonly width: number) {
    this.top = topPower(width);
    for (let c = 0; c < 128; c++) this.leaving[c] = Math.imul(FOLD[c]!, this.top);
  }

  add(folded: string, from: number): void {
    const h = hashOf(folded, from, this.width);
    const text = folded.slice(from, from + this.width);
    const list = this.byHash.get(h);
    if (!list) this.byHash.set(h, [text]);
    else if (!list.includes(text)) list.push(text);
    const bit = h & FILTER_MASK;
    this.filter[bit >> 3]! |= 1 << (bit & 7);
  }

  /** Calls `hit(start, end)` for every window of `s` that matches (left to right); stops when it returns true. */
  scan(s: string, hit: (start: number, end: number) => boolean | void): void {
    const w = this.width;
    const n = s.length;
    if (n < w) return;
    const { filter, leaving, top } = this;
    let h = hashOf(s, 0, w);
    for (let i = 0; ; i++) {
      const bit = h & FILTER_MASK;
      if (filter[bit >> 3]! & (1 << (bit & 7))) {
        const list = this.byHash.get(h);
        if (list && list.some((t) => sameFolded(s, i, t)) && hit(i, i + w) === true) return;
      }
      if (i + w >= n) return;
      const out = s.charCodeAt(i);
      const c = s.charCodeAt(i + w);
      h = (((h - (out < 128 ? leaving[out]! : Math.imul(out, top))) | 0) * B + (c < 128 ? FOLD[c]! : c)) | 0;
    }
  }
}

function sameFolded(s: string, from: number, folded: string): boolean {
  for (let k = 0; k < folded.length; k++) if (fold(s.charCodeAt(from + k)) !== folded.charCodeAt(k)) return false;
  return true;
}

/** A set of secrets, ready to find or mask in text. Build with SecretMatcher.of (cached by the list). */
export class SecretMatcher {
  private readonly tables: WindowTable[] = [];
  private readonly shortest: number;

  private constructor(secrets: readonly string[]) {
    const byWidth = new Map<number, WindowTable>();
    const table = (w: number) => {
      let t = byWidth.get(w);
      if (!t) byWidth.set(w, (t = new WindowTable(w)));
      return t;
    };
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of encodedForms(secret)) {
        const folded = foldText(form);
        if (folded.length < SECRET_RUN) table(folded.length).add(folded, 0);
        else for (let i = 0; i + SECRET_RUN <= folded.length; i++) table(SECRET_RUN).add(folded, i);
      }
    }
    this.tables = [...byWidth.values()];
    this.shortest = this.tables.reduce((m, t) => Math.min(m, t.width), Infinity);
  }

  private static readonly cache = new Map<string, SecretMatcher>();

  /** The matcher of these secrets (the last 64 lists are kept: a run reuses its connections' list). */
  static of(secrets: readonly string[]): SecretMatcher {
    const key = secrets.join('\u0000');
    let m = SecretMatcher.cache.get(key);
    if (m) {
      SecretMatcher.cache.delete(key);
    } else {
      m = new SecretMatcher(secrets);
      if (SecretMatcher.cache.size >= 64) SecretMatcher.cache.delete(SecretMatcher.cache.keys().next().value!);
    }
    SecretMatcher.cache.set(key, m);
    return m;
  }

  /** True when there is nothing to look for. */
  get empty(): boolean {
    return this.tables.length === 0;
  }

  /** True when `s` holds one of the secrets in one of its forms. */
  finds(s: string): boolean {
    if (s.length < this.shortest) return false;
    let found = false;
    for (const t of this.tables) {
      t.scan(s, () => (found = true));
      if (found) return true;
    }
    return false;
  }

  /** `s` with every match replaced by `[redacted]` (overlapping and adjacent matches as one). */
  mask(s: string): string {
    if (s.length < this.shortest) return s;
    let ranges: number[] | undefined;
    for (const t of this.tables) {
      t.scan(s, (start, end) => {
        (ranges ??= []).push(start, end);
      });
    }
    if (!ranges) return s;
    if (this.tables.length > 1) ranges = sortRanges(ranges);
    let out = '';
    let at = 0;
    let i = 0;
    while (i < ranges.length) {
      const start = ranges[i]!;
      let end = ranges[i + 1]!;
      i += 2;
      while (i < ranges.length && ranges[i]! <= end) {
        end = Math.max(end, ranges[i + 1]!);
        i += 2;
      }
      out += s.slice(at, start) + MASK;
      at = end;
    }
    return out + s.slice(at);
  }
}

function sortRanges(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  return pairs.flat();
}

/**
 * True when a URL holds one of the secrets, also once percent-decoded (up to four times, `+` as a
 * space): for a redirect target that reflects the URL it came from.
 */
export function urlHoldsSecret(url: string, matcher: SecretMatcher): boolean {
  let s = url;
  for (let i = 0; i < 5; i++) {
    if (matcher.finds(s)) return true;
    let next: string;
    try {
      next = decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      next = s.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    if (next === s) return false;
    s = next;
  }
  return matcher.finds(s);
}
