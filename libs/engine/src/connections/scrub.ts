import { MAX_SCRUB_DEPTH, TOO_DEEP } from '../runtime/redact';
import { SecretMatcher } from '../runtime/secret-matcher';

/**
 * A deep copy of `value` with every occurrence of a secret (3+ characters) in its strings replaced
 * by `[redacted]`, also in its encoded forms and pieces of 8+ characters (see SecretMatcher);
 * structure kept. For what the step redactor does not cover: a run's respond output as recorded,
 * live answers, and tokens refreshed after the step's secrets were registered.
 */
export function scrubSecrets<T>(value: T, secrets: Iterable<string>): T {
  const list = [...new Set([...secrets].filter((s) => typeof s === 'string'))];
  const matcher = SecretMatcher.of(list);
  if (matcher.empty) return value;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return matcher.mask(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_SCRUB_DEPTH) return TOO_DEEP;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const value = walk(x, depth + 1);
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return walk(value, 0) as T;
}
