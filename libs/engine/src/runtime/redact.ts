import type { RenderedRequest, StepResponse } from '../types';
import { MIN_SECRET_LENGTH, SecretMatcher } from './secret-matcher';

const MASK = '[redacted]';
/** How deep secrets are looked for; what is deeper is replaced (it could hide one, and would overflow the stack). */
export const MAX_SCRUB_DEPTH = 200;
export const TOO_DEEP = `[redacted: nested deeper than ${MAX_SCRUB_DEPTH} levels]`;
/** Header names whose values are credentials whatever the connection says. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
]);
/** Query parameters that carry credentials by convention (Gcalls, BRIX365 `token=`, RetailCRM `apiKey=`). */
const SECRET_PARAMS =
  /^(token|access_token|api_?key|apikey|key|secret|client_secret|password|passwd|pwd|signature|sig|auth)$/i;

/**
 * Scrubs known secret values (in their encoded forms and pieces: see SecretMatcher) and
 * credential-bearing headers/params from what a step records.
 */
export class Redactor {
  private readonly secrets: string[] = [];
  private matcher: SecretMatcher | undefined;

  add(values: readonly string[]): void {
    let changed = false;
    for (const v of values) {
      if (v && v.length >= MIN_SECRET_LENGTH && !this.secrets.includes(v)) {
        this.secrets.push(v);
        changed = true;
      }
    }
    // Built on first use, and again after a refreshed token was added.
    if (changed) this.matcher = undefined;
  }

  text(s: string): string {
    if (this.secrets.length === 0) return s;
    this.matcher ??= SecretMatcher.of(this.secrets);
    return this.matcher.mask(s);
  }

  url(raw: string): string {
    // Nothing to mask in a URL without userinfo or query (the common case: skip parsing it).
    if (!raw.includes('?') && !raw.includes('@')) return this.text(raw);
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return this.text(raw);
    }
    if (u.password) u.password = 'redacted';
    let changed = false;
    for (const key of [...u.searchParams.keys()]) {
      if (SECRET_PARAMS.test(key)) {
        u.searchParams.set(key, MASK);
        changed = true;
      }
    }
    return this.text(changed || u.password ? u.toString() : raw);
  }

  headers(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of Object.keys(h)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? MASK : this.text(h[k]!);
    return out;
  }

  request(req: RenderedRequest): RenderedRequest {
    const out: RenderedRequest = { ...req, url: this.url(req.url), headers: this.headers(req.headers) };
    if (req.body !== undefined) out.body = this.text(req.body);
    if (req.args !== undefined) out.args = this.value(req.args);
    return out;
  }

  response(res: StepResponse): StepResponse {
    const out: StepResponse = { ...res };
    if (res.headers) out.headers = this.headers(res.headers);
    if (res.body !== undefined) out.body = this.value(res.body);
    return out;
  }

  /** Deep copy with secret substrings masked (strings only; structure kept; past MAX_SCRUB_DEPTH: a marker). */
  value(v: unknown, depth = 0): unknown {
    if (this.secrets.length === 0) return v;
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_SCRUB_DEPTH) return TOO_DEEP;
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const value = this.value(x, depth + 1);
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

/**
 * JSON.stringify(JSON.parse(text)) is at most this many times text's bytes: only numbers grow
 * (`1e20` is 4 bytes, 21 characters as JSON); strings, whitespace and escapes only shrink.
 */
const JSON_GROWTH = 6;

/**
 * Cuts a recorded body past `max` characters (objects measured as JSON). `receivedBytes`: the size
 * of the text the body was parsed from, when known; a body parsed from so little text that it
 * cannot reach `max` is kept without serialising it to measure (one JSON.stringify per call saved).
 */
export function truncateBody(
  body: unknown,
  max: number,
  receivedBytes?: number,
): { body: unknown; truncated: boolean } {
  if (body === undefined || body === null) return { body, truncated: false };
  if (typeof body === 'string')
    return body.length > max ? { body: body.slice(0, max), truncated: true } : { body, truncated: false };
  if (typeof body !== 'object') return { body, truncated: false };
  if (receivedBytes !== undefined && receivedBytes * JSON_GROWTH <= max) return { body, truncated: false };
  const json = JSON.stringify(body);
  return json.length > max ? { body: json.slice(0, max), truncated: true } : { body, truncated: false };
}

/**
 * A logic node's output as recorded: kept as it is when small, else its JSON cut to `max`
 * characters. A set node may hold megabytes (a var per node, each up to a render's bound, or a
 * whole response body); recording all of them made one run's row tens of megabytes.
 */
export function truncateOutput(output: unknown, max: number): unknown {
  if (textSize(output, max, 0) <= max) return output;
  return truncateBody(output, max).body;
}

/** The characters of the strings (and keys) in `v`, counted until past `limit` (then a value past it). */
function textSize(v: unknown, limit: number, depth: number): number {
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object' || depth > 64) return 8;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && n <= limit; i++) n += 1 + textSize(v[i], limit - n, depth + 1);
    return n;
  }
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    n += k.length + 4 + textSize((v as Record<string, unknown>)[k], limit - n, depth + 1);
    if (n > limit) break;
  }
  return n;
}
