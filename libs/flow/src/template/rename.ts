import { analyzeTemplate } from './analyze';

/** A name as regex text: a stored name may be one nodeNameSchema refuses (`a(b`), never a pattern. */
const literal = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The quick test: no reference to node `name` is possible without this text. */
const mentions = (name: string) => new RegExp(`nodes\\]?[./]\\[?${literal(name)}(?![A-Za-z0-9_])`);

/** A path's characters end at these (outside `[…]` segments). */
const PATH_END = /[\s}()=|~"']/;

/** Offsets of the lines' starts, the lines split as Handlebars' lexer splits them (\r\n, \r or \n). */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (const m of source.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  return starts;
}

/** The end of the path that starts at `at` (a bracketed segment may hold any character but `]`). */
function pathEnd(source: string, at: number): number {
  let i = at;
  while (i < source.length) {
    if (source[i] === '[') {
      const close = source.indexOf(']', i);
      if (close < 0) return source.length;
      i = close + 1;
    } else if (PATH_END.test(source[i]!)) break;
    else i++;
  }
  return i;
}

/**
 * Offsets in `source` of node `name` in each reference to its output (`{{nodes.name.body}}`, in
 * helpers' arguments and blocks, `@root.` and `../` forms, `nodes.[name]` and `[…]` segments after it).
 * Node names are plain identifiers (nodeNameSchema). None when the template does not parse.
 */
export function nodeNameOffsets(source: string, name: string): number[] {
  if (!mentions(name).test(source)) return [];
  const analysis = analyzeTemplate(source);
  if (!analysis.ok) return [];
  const starts = lineStarts(source);
  const segment = new RegExp(`(^|[./])(\\[?nodes\\]?[./]\\[?)${literal(name)}\\]?(?=$|[./])`);
  const offsets = new Set<number>();
  for (const ref of analysis.references) {
    if (ref.root !== 'nodes' || ref.path[0] !== name) continue;
    const at = (starts[ref.line - 1] ?? NaN) + ref.column - 1;
    if (!(at >= 0)) continue;
    const m = segment.exec(source.slice(at, pathEnd(source, at)));
    if (m) offsets.add(at + m.index + m[1]!.length + m[2]!.length);
  }
  return [...offsets].sort((a, b) => a - b);
}

/** `source` with `from` at each of `offsets` (nodeNameOffsets) replaced by `to`. */
export function renameAt(source: string, offsets: readonly number[], from: string, to: string): string {
  let out = source;
  for (let i = offsets.length - 1; i >= 0; i--) {
    const at = offsets[i]!;
    if (out.startsWith(from, at)) out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

/**
 * Rewrites the references to node `from`'s output to node `to`. Text, string literals and other
 * paths stay as they are; a template that does not parse is returned unchanged.
 */
export function renameNodeReferences(source: string, from: string, to: string): string {
  return from === to ? source : renameAt(source, nodeNameOffsets(source, from), from, to);
}
