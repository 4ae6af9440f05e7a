/**
 * What compiling a pattern with RE2 costs, estimated in one pass over its text: the size of the
 * program it becomes (as re2js's parser counts it: a literal character is 1, `x{n,m}` is m copies
 * of x, a group or an alternation adds a little), plus the text of its character classes and
 * Unicode classes, which cost once however often they are copied. About 1–2 µs per unit,
 * measured; a repetition multiplies: `.{1,1000}` 200 times (1,800 characters) took 1.1 s.
 */
export function patternSize(pattern: string): number {
  return new SizeScanner(pattern).run();
}

interface Frame {
  /** Size of the finished items of the current alternative, and of the earlier alternatives. */
  size: number;
  alternatives: number;
  /** Size of the last item (what a quantifier applies to); undefined when there is none. */
  last?: number;
  capture: boolean;
}

const REPEAT = /\{(\d{1,9})(,(\d{0,9}))?\}/y;
const FLAGS = /\?[a-zA-Z-]{0,16}([:)])/y;
const NAMED = /\?P?<[A-Za-z0-9_]{0,64}>/y;

class SizeScanner {
  private i = 0;
  /** Class text: built once, then shared by its copies. */
  private classes = 0;
  private readonly stack: Frame[] = [{ size: 0, alternatives: 0, capture: false }];

  constructor(private readonly s: string) {}

  run(): number {
    const { s } = this;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === '\\') this.escape();
      else if (c === '[') {
        const end = this.classEnd();
        this.classes += end - this.i;
        this.item(end);
      } else if (c === '(') this.open();
      else if (c === ')') this.close();
      else if (c === '|') this.alternative();
      else if (c === '*' || c === '+' || c === '?') this.quantify(c === '*' ? 2 : 1, 1, 1);
      else if (c === '{' && this.repeat()) continue;
      else this.item(this.i + (s.codePointAt(this.i)! > 0xffff ? 2 : 1));
    }
    while (this.stack.length > 1) this.close();
    return this.finish(this.stack[0]!) + this.classes;
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  /** An item of size 1 that ends at `end`. */
  private item(end: number, size = 1): void {
    const f = this.top();
    if (f.last !== undefined) f.size += f.last;
    f.last = size;
    this.i = end;
  }

  private finish(f: Frame): number {
    const size = f.size + (f.last ?? 0) + f.alternatives;
    return Math.max(1, size);
  }

  private escape(): void {
    const { s } = this;
    const next = s[this.i + 1];
    if (next === 'Q') {
      // \Q…\E: literal text; a quantifier after it applies to its last character.
      const end = s.indexOf('\\E', this.i + 2);
      const stop = end < 0 ? s.length : end;
      const n = stop - (this.i + 2);
      const next = end < 0 ? s.length : end + 2;
      if (n === 0)
        this.i = next; // empty: no item, like a flags group
      else {
        if (n > 1) this.item(this.i, n - 1);
        this.item(next);
      }
      return;
    }
    if ((next === 'p' || next === 'P' || next === 'x') && s[this.i + 2] === '{') {
      const end = s.indexOf('}', this.i + 3);
      const stop = end < 0 ? s.length : end + 1;
      if (next !== 'x') this.classes += stop - this.i;
      this.item(stop);
      return;
    }
    if (next === 'p' || next === 'P') {
      this.classes += 3;
      return this.item(Math.min(s.length, this.i + 3));
    }
    if (next === 'x') return this.item(Math.min(s.length, this.i + 4));
    this.item(Math.min(s.length, this.i + 2));
  }

  /** End of a `[…]` class (escapes and `[:name:]` inside); the rest of the text when unclosed. */
  private classEnd(): number {
    const { s } = this;
    let j = this.i + 1;
    if (s[j] === '^') j++;
    if (s[j] === ']') j++;
    while (j < s.length) {
      const c = s[j];
      if (c === '\\') j += 2;
      else if (c === '[' && s[j + 1] === ':') {
        const end = s.indexOf(':]', j + 2);
        j = end < 0 ? j + 1 : end + 2;
      } else if (c === ']') return j + 1;
      else j++;
    }
    return s.length;
  }

  private open(): void {
    const { s } = this;
    let capture = true;
    let j = this.i + 1;
    if (s[j] === '?') {
      // (?flags) sets flags and is no group; (?flags:…), (?P<name>…), (?<name>…) are groups; else
      // RE2 refuses the pattern while parsing, before compiling anything, so its content is counted.
      FLAGS.lastIndex = j;
      const flags = FLAGS.exec(s);
      NAMED.lastIndex = j;
      const named = flags ? null : NAMED.exec(s);
      if (flags?.[1] === ')') {
        this.i = j + flags[0].length; // no item: a quantifier after it applies to the item before
        return;
      }
      if (flags) {
        capture = false;
        j += flags[0].length;
      } else if (named) j += named[0].length;
    }
    const f = this.top();
    if (f.last !== undefined) f.size += f.last;
    f.last = undefined;
    this.stack.push({ size: 0, alternatives: 0, capture });
    this.i = j;
  }

  private close(): void {
    if (this.stack.length === 1) {
      this.item(this.i + 1); // an unmatched ")" is a syntax error; count it and go on
      return;
    }
    const f = this.stack.pop()!;
    const size = this.finish(f) + (f.capture ? 2 : 0);
    const parent = this.top();
    parent.last = size;
    this.i++;
  }

  private alternative(): void {
    const f = this.top();
    f.size += f.last ?? 0;
    f.last = undefined;
    f.alternatives++;
    this.i++;
  }

  /** A quantifier on the last item: `add + times × item` (a missing item is a syntax error: size 1). */
  private quantify(add: number, times: number, length: number): void {
    const f = this.top();
    const sub = f.last ?? 1;
    f.last = Math.max(1, add + times * sub);
    this.i += length;
    if (this.s[this.i] === '?') this.i++; // non-greedy
  }

  /** `{n}`, `{n,}`, `{n,m}` (else `{` is a literal). */
  private repeat(): boolean {
    REPEAT.lastIndex = this.i;
    const m = REPEAT.exec(this.s);
    if (!m) return false;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    const length = m[0].length;
    if (max === -1) {
      if (min === 0) this.quantify(2, 1, length);
      else this.quantify(1, min, length);
    } else {
      const f = this.top();
      const sub = f.last ?? 1;
      f.last = Math.max(1, max * sub + Math.max(0, max - min));
      this.i += length;
      if (this.s[this.i] === '?') this.i++;
    }
    return true;
  }
}
