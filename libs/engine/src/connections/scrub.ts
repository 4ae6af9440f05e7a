const MASK = '[redacted]';

/**
 * A deep copy of `value` with every occurrence of a secret (3+ characters) in its strings replaced
 * by `[redacted]`; structure kept. For what the step redactor does not cover: a run's respond output
 * as recorded, and tokens refreshed after the step's secrets were registered.
 */
export function scrubSecrets<T>(value: T, secrets: Iterable<string>): T {
  const list = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length >= 3))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const text = (s: string) => {
    let out = s;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object' || depth > 200) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: walk(x, depth + 1), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return walk(value, 0) as T;
}
