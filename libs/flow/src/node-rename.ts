import { getNodeSpec } from './registry';
import { nodeNameOffsets, renameAt } from './template/rename';

type Offsets = (source: string, name: string) => number[];

/** `value` with `next` at `path` (copies along the path; spread keeps an own `__proto__` key a plain key). */
function setIn(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setIn(value[head as number], rest, next);
    return copy;
  }
  const obj = value as Record<string, unknown>;
  return { ...obj, [head!]: setIn(obj[head as string], rest, next) };
}

function getIn(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k as string] : undefined;
  return v;
}

/** Every string in `value` rewritten (a config that does not validate yet: its template fields are unknown). */
function renameInStrings(value: unknown, from: string, to: string, offsets: Offsets): unknown {
  if (typeof value === 'string') return renameAt(value, offsets(value, from), from, to);
  if (Array.isArray(value)) {
    const items = value.map((v: unknown) => renameInStrings(v, from, to, offsets));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, renameInStrings(v, from, to, offsets)] as const);
    return entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]) ? Object.fromEntries(entries) : value;
  }
  return value;
}

/**
 * A node's config with the references to node `from`'s output moved to `to`, in its template fields
 * (the node type's `templates`; data such as a pinned sample response stays as it is), or in every
 * string while the config does not validate yet. The same object when nothing changed. `offsets` may
 * cache nodeNameOffsets (it is called for every template with the name).
 */
export function renameNodeReferencesInConfig<C>(
  type: string,
  config: C,
  from: string,
  to: string,
  offsets: Offsets = nodeNameOffsets,
): C {
  if (from === to) return config;
  const spec = getNodeSpec(type);
  const parsed = spec?.configSchema.safeParse(config);
  if (!spec || !parsed?.success) return renameInStrings(config, from, to, offsets) as C;
  let out: unknown = config;
  for (const field of spec.templates(parsed.data)) {
    const raw = getIn(config, field.path);
    if (typeof raw !== 'string') continue;
    const next = renameAt(raw, offsets(raw, from), from, to);
    if (next !== raw) out = setIn(out, field.path, next);
  }
  return out as C;
}
