/**
 * A parsed JSON value without the object members whose value is "" or null, at any depth (a JSON
 * body's "omit empty fields"). Array elements stay where they are (removing one would shift the
 * others); `0`, `false`, `[]` and `{}` are values, not empty. Returns the same value when nothing
 * is left out.
 */
export function omitEmptyMembers(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = omitEmptyMembers(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = src[key];
    if (v === '' || v === null) {
      changed = true;
      continue;
    }
    const w = omitEmptyMembers(v);
    if (w !== v) changed = true;
    // defineProperty: a member named __proto__ stays a member.
    Object.defineProperty(out, key, { value: w, enumerable: true, writable: true, configurable: true });
  }
  return changed ? out : value;
}
