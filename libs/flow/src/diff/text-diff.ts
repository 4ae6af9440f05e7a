/**
 * A text diff for templates and other strings: by line (a multi-line template) or by word (a URL,
 * a one-line value). Myers' O((N+M)·D) algorithm after trimming the common prefix and suffix; past
 * MAX_EDITS token edits the two texts are shown as replaced whole (a bounded cost for any input).
 */

export interface TextPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export type TextDiffMode = 'line' | 'word';

/** Edits past which the diff gives up and shows the old text removed and the new one added. */
const MAX_EDITS = 2000;

/** Lines keep their `\n`; words, runs of spaces and single punctuation marks are tokens of their own. */
function tokenize(text: string, mode: TextDiffMode): string[] {
  if (!text) return [];
  if (mode === 'line') return text.split(/(?<=\n)/);
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** Line mode for text with a line break on either side, else word mode. */
export function textDiffMode(before: string, after: string): TextDiffMode {
  return before.includes('\n') || after.includes('\n') ? 'line' : 'word';
}

/** `before` → `after` as parts in reading order; adjacent parts of one kind are merged. */
export function diffText(before: string, after: string, mode: TextDiffMode = textDiffMode(before, after)): TextPart[] {
  const a = tokenize(before, mode);
  const b = tokenize(after, mode);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB)) ?? [
    ...a.slice(start, endA).map((text): TextPart => ({ kind: 'removed', text })),
    ...b.slice(start, endB).map((text): TextPart => ({ kind: 'added', text })),
  ];
  const parts: TextPart[] = [
    ...a.slice(0, start).map((text): TextPart => ({ kind: 'same', text })),
    ...middle,
    ...a.slice(endA).map((text): TextPart => ({ kind: 'same', text })),
  ];
  return merge(parts);
}

/** Whole-token edits from `a` to `b`, removals before additions at each place; null past MAX_EDITS. */
function myers(a: readonly string[], b: readonly string[]): TextPart[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v for k in [-d-1, d+1] as it was before step d.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if (d > MAX_EDITS) return null;
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b);
    }
  }
  return [];
}

function backtrack(trace: readonly Int32Array[], a: readonly string[], b: readonly string[]): TextPart[] {
  const out: TextPart[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vs = trace[d]!;
    const at = (k: number) => vs[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: 'same', text: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ kind: 'added', text: b[prevY]! });
      else out.push({ kind: 'removed', text: a[prevX]! });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Merges neighbours of one kind; within a run of edits, removals come before additions. */
function merge(parts: readonly TextPart[]): TextPart[] {
  const out: TextPart[] = [];
  let i = 0;
  while (i < parts.length) {
    if (parts[i]!.kind === 'same') {
      let text = '';
      while (i < parts.length && parts[i]!.kind === 'same') text += parts[i++]!.text;
      out.push({ kind: 'same', text });
      continue;
    }
    let removed = '';
    let added = '';
    while (i < parts.length && parts[i]!.kind !== 'same') {
      if (parts[i]!.kind === 'removed') removed += parts[i]!.text;
      else added += parts[i]!.text;
      i++;
    }
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
  }
  return out;
}
