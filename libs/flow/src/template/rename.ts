import { analyzeTemplate } from './analyze';

/** Offset in `source` of a 1-based line and column, as the analyser reports them. */
function offsetOf(source: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at + column - 1;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites the references to node `from`'s output (`{{nodes.from.body}}`, in helpers' arguments and
 * blocks too, `@root.` and `../` forms included) to node `to`. Text, string literals and other paths
 * stay as they are; a template that does not parse is returned unchanged.
 */
export function renameNodeReferences(source: string, from: string, to: string): string {
  if (from === to || !source.includes(from)) return source;
  const analysis = analyzeTemplate(source);
  if (!analysis.ok) return source;
  const segment = new RegExp(`(^|[./])nodes([./])(\\[?)${escapeRegExp(from)}(\\]?)(?=$|[./])`);
  const edits: { at: number; length: number; text: string }[] = [];
  for (const ref of analysis.references) {
    if (ref.root !== 'nodes' || ref.path[0] !== from) continue;
    const at = offsetOf(source, ref.line, ref.column);
    // The analyser's position and text must match the source; otherwise leave the reference alone.
    if (at < 0 || !source.startsWith(ref.original, at)) continue;
    const text = ref.original.replace(segment, (_m, pre: string, sep: string, open: string, close: string) =>
      [pre, 'nodes', sep, open, to, close].join(''),
    );
    if (text !== ref.original) edits.push({ at, length: ref.original.length, text });
  }
  let out = source;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.length);
  return out;
}

/** A JSON value (a node's config) with renameNodeReferences applied to its strings; the same value if none changed. */
export function renameNodeReferencesIn<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return renameNodeReferences(value, from, to) as T;
  if (Array.isArray(value)) {
    const items = value.map((v: unknown) => renameNodeReferencesIn(v, from, to));
    return items.some((v, i) => v !== value[i]) ? (items as T) : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = renameNodeReferencesIn(v, from, to);
      if (out[k] !== v) changed = true;
    }
    return changed ? (out as T) : value;
  }
  return value;
}
