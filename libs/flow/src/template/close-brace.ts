import type { AST } from '@handlebars/parser';

/** Stands in for a literal `}` right after a `{{…}}` close while parsing (same length: positions stay right). */
const SENTINEL = '\uE000';

/**
 * `{"call":{{json call}}}` is the natural way to write a JSON body, but Handlebars lexes the
 * final `}}}` as a triple-stash close and fails. A `}` that directly follows the close of a
 * double-stash mustache is swapped for a sentinel before parsing and restored in the content
 * afterwards. Returns the source unchanged when nothing needs it (or the sentinel is in use).
 */
export function protectClosingBraces(source: string): string {
  if (!source.includes('}}}') || source.includes(SENTINEL)) return source;
  let out = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const open = source.indexOf('{{', i);
    if (open < 0) break;
    if (open > 0 && source[open - 1] === '\\') {
      // `\{{` is an escaped, literal mustache.
      out += source.slice(i, open + 2);
      i = open + 2;
      continue;
    }
    const close = findClose(source, open);
    if (close < 0) break;
    out += source.slice(i, close);
    i = close;
    if (source[close + 2] === '}' && source[open + 2] !== '{') {
      out += '}}' + SENTINEL;
      i = close + 3;
    }
  }
  return out + source.slice(i);
}

/** Index of the `}}` that closes the mustache opened at `open` (skipping string literals and comments). */
export function findClose(s: string, open: number): number {
  if (s.startsWith('{{!--', open)) {
    const end = s.indexOf('--}}', open + 5);
    return end < 0 ? -1 : end + 2;
  }
  if (s[open + 2] === '{') {
    const end = s.indexOf('}}}', open + 3);
    return end < 0 ? -1 : end + 1;
  }
  let quote: string | undefined;
  for (let j = open + 2; j < s.length - 1; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}' && s[j + 1] === '}') return j;
  }
  return -1;
}

/** Puts the protected braces back into the parsed content. */
export function restoreClosingBraces(program: AST.Program): void {
  for (const stmt of program.body) {
    if (stmt.type === 'ContentStatement') {
      const c = stmt as unknown as { value: string; original: unknown };
      if (c.value.includes(SENTINEL)) c.value = c.value.split(SENTINEL).join('}');
      if (typeof c.original === 'string' && c.original.includes(SENTINEL))
        c.original = c.original.split(SENTINEL).join('}');
    } else if (stmt.type === 'BlockStatement') {
      const b = stmt as AST.BlockStatement;
      if (b.program) restoreClosingBraces(b.program);
      if (b.inverse) restoreClosingBraces(b.inverse);
    }
  }
}
