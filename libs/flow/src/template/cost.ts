import { protectClosingBraces } from './close-brace';

/**
 * What parsing a template will cost, found by one linear pass before the parser runs. The
 * Handlebars parser (jison) spends a few microseconds per token and copies its whole stack on
 * every reduction, so its time grows with tokens × nesting (64 KB of nested blocks took seconds).
 * This pass follows the lexer's modes exactly (text, `\{{` escapes, mustaches, comments, string
 * and `[segment]` literals, whose ends are found as the lexer's regular expressions find them)
 * and counts tokens from above; where the lexer would fail, counting stops, as parsing does.
 */
export interface TemplateCost {
  /**
   * Parsing work: each token counts 1 plus 1/16 per level of nesting it sits in (rounded up), so
   * that units stay proportional to the parser's time: at most about 3.5 µs each, measured.
   */
  work: number;
  /** Tokens the parser reads (never fewer than it really reads). */
  tokens: number;
  /** Deepest nesting of blocks, `{{else}}` links and `( )` sub-expressions. */
  depth: number;
  /** 0-based offset where `depth` was first reached. */
  deepestAt: number;
  /** 0-based offset of a raw block `{{{{`, which flows do not support (its content is not checked). */
  rawAt?: number;
}

const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TILDE = 0x7e;

/** JavaScript's `\s` (what the lexer's rules use). */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Characters that end an identifier in the lexer (`[^\s!"#%-,\.\/;->@\[-\^`\{-~]`). */
function endsId(c: number): boolean {
  return (
    isSpace(c) ||
    c === 0x21 ||
    c === 0x22 ||
    c === 0x23 ||
    (c >= 0x25 && c <= 0x2c) ||
    c === 0x2e ||
    c === 0x2f ||
    (c >= 0x3b && c <= 0x3e) ||
    c === 0x40 ||
    (c >= 0x5b && c <= 0x5e) ||
    c === 0x60 ||
    (c >= 0x7b && c <= 0x7e)
  );
}

/** The lexer's `{{else}}` / `{{^}}` (rules that open and close at once), and `{{else` opening a chain. */
const STANDALONE_ELSE = /(\^\s*|\s*else\s*)~?\}\}/y;
const ELSE_CHAIN = /\s*else\b/y;

/** Length of the match of a sticky `re` at `at`, or -1. */
function matchAt(re: RegExp, s: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(s);
  return m ? m[0].length : -1;
}

/**
 * End (exclusive) of the literal `q(\\q|[^q])*q` opened at `start`, as the regular expression
 * matches it: at the first `q` not escaped, else (backtracking) at the last escaped one; -1 when
 * there is none (the lexer fails there).
 */
function literalEnd(s: string, start: number, q: number): number {
  let lastEscaped = -1;
  for (let j = start + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === BACKSLASH && s.charCodeAt(j + 1) === q) {
      lastEscaped = j + 1;
      j++;
    } else if (c === q) return j + 1;
  }
  return lastEscaped < 0 ? -1 : lastEscaped + 1;
}

/**
 * Cost of parsing `source` (see TemplateCost). Linear in its length; never throws. Counting stops
 * once `work` passes `stopAfter` (the caller only needs to know that it is too much).
 */
export function templateCost(source: string, stopAfter = Infinity): TemplateCost {
  return new CostScanner(protectClosingBraces(source), stopAfter * 16).run();
}

class CostScanner {
  tokens = 0;
  /** Sixteenths of work units. */
  private sixteenths = 0;
  depth = 0;
  deepestAt = 0;
  rawAt?: number;
  /** Open blocks: how many `{{else}}` links each has (each nests the parser one level more). */
  private readonly blocks: number[] = [];
  private blockDepth = 0;
  private parens = 0;

  constructor(
    private readonly s: string,
    private readonly stopAfter: number,
  ) {}

  run(): TemplateCost {
    const { s } = this;
    let content = 0; // where the current content token starts
    let i = 0;
    let nul = s.indexOf('\u0000'); // the first U+0000 at or after `content` (-1: none)
    while (i < s.length && this.sixteenths <= this.stopAfter) {
      const open = s.indexOf('{{', i);
      if (open < 0) {
        this.tok(2); // the rest of the text (the lexer fails at a U+0000 in it), then the end
        break;
      }
      if (nul >= 0 && nul < content) nul = s.indexOf('\u0000', content);
      if (nul >= 0 && nul < open) {
        this.tok(2); // the text before it, then the lexer fails
        break;
      }
      this.tok(); // the content before it (an empty one is a lexer step too)
      // The lexer looks at the end of this content: `\{{` is escaped, `\\{{` is not.
      const backslash = open > content && s.charCodeAt(open - 1) === BACKSLASH;
      const escaped = backslash && !(open - 1 > content && s.charCodeAt(open - 2) === BACKSLASH);
      if (escaped) {
        // `\{{`: text up to the next `{{`, `\{{` or `\\{{` (at least two characters).
        const next = s.indexOf('{{', open + 2);
        let stop = next < 0 ? s.length : next;
        if (next >= 0 && next - 1 >= open + 2 && s.charCodeAt(next - 1) === BACKSLASH) {
          stop = next - 2 >= open + 2 && s.charCodeAt(next - 2) === BACKSLASH ? next - 2 : next - 1;
        }
        this.tok();
        content = i = stop;
        continue;
      }
      const end = this.mustache(open);
      if (end < 0) break;
      content = i = end;
    }
    const { tokens, depth, deepestAt, rawAt } = this;
    const work = Math.ceil(this.sixteenths / 16);
    return rawAt === undefined ? { work, tokens, depth, deepestAt } : { work, tokens, depth, deepestAt, rawAt };
  }

  /** Counts `n` tokens at the current nesting. */
  private tok(n = 1): void {
    this.tokens += n;
    this.sixteenths += n * (16 + this.blockDepth + this.parens);
  }

  private deeper(at: number): void {
    const d = this.blockDepth + this.parens;
    if (d > this.depth) {
      this.depth = d;
      this.deepestAt = at;
    }
  }

  /**
   * Lexes an opening `{{…` at `at` in the lexer's rule order; returns where text resumes, the
   * mustache's end when the opener also closes it, or -1 when lexing stops.
   */
  private opener(at: number): { next: number; closed: boolean } | undefined {
    const { s } = this;
    this.tok();
    let j = at + 2;
    if (s.charCodeAt(j) === OPEN_BRACE && s.charCodeAt(j + 1) === OPEN_BRACE) {
      this.rawAt = at;
      return undefined;
    }
    if (s.charCodeAt(j) === TILDE) j++;
    const c = s[j];
    if (c === '>') return { next: j + 1, closed: false };
    if (c === '#') {
      this.blocks.push(0);
      this.blockDepth++;
      this.deeper(at);
      return { next: s[j + 1] === '>' || s[j + 1] === '*' ? j + 2 : j + 1, closed: false };
    }
    if (c === '/') {
      if (this.blocks.length) this.blockDepth -= 1 + this.blocks.pop()!;
      return { next: j + 1, closed: false };
    }
    // Only `^`, `else` or white space can start what the two else rules match.
    const maybeElse = c === '^' || c === 'e' || isSpace(s.charCodeAt(j));
    const standalone = maybeElse ? matchAt(STANDALONE_ELSE, s, j) : -1;
    if (standalone >= 0) {
      this.elseLink(at);
      return { next: j + standalone, closed: true };
    }
    if (c === '^') {
      this.blocks.push(0);
      this.blockDepth++;
      this.deeper(at);
      return { next: j + 1, closed: false };
    }
    const elseChain = maybeElse ? matchAt(ELSE_CHAIN, s, j) : -1;
    if (elseChain >= 0) {
      this.elseLink(at);
      return { next: j + elseChain, closed: false };
    }
    if (c === '!') {
      if (s.startsWith('!--', j)) {
        const a = s.indexOf('--}}', j + 1);
        const b = s.indexOf('--~}}', j + 1);
        const end = a < 0 ? b : b < 0 ? a : Math.min(a, b);
        if (end < 0) return undefined;
        this.tok(); // `{{!--` is put back and read again whole
        return { next: end + (end === b ? 5 : 4), closed: true };
      }
      const end = s.indexOf('}}', j + 1);
      if (end >= 0) return { next: end + 2, closed: true };
      return { next: j, closed: false }; // a plain `{{` then `!`, which the parser refuses
    }
    if (c === '{' || c === '&') return { next: j + 1, closed: false };
    return { next: s[j] === '*' ? j + 1 : j, closed: false };
  }

  private elseLink(at: number): void {
    if (!this.blocks.length) return;
    this.blocks[this.blocks.length - 1]!++;
    this.blockDepth++;
    this.deeper(at);
  }

  /** Lexes a mustache opened at `at`; returns where text resumes, or -1 when lexing stops. */
  private mustache(at: number): number {
    const { s } = this;
    const first = this.opener(at);
    if (!first) return -1;
    if (first.closed) return first.next;
    this.parens = 0;
    let j = first.next;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      this.tok();
      // Any `{{…` inside a mustache is a token the parser refuses: it stops there.
      if (c === OPEN_BRACE && s.charCodeAt(j + 1) === OPEN_BRACE) return -1;
      if (c === CLOSE_BRACE && s.charCodeAt(j + 1) === CLOSE_BRACE) {
        // `}}}}` switches the lexer to raw content, which fails without a `{{{{` (refused above).
        if (s.charCodeAt(j + 2) === CLOSE_BRACE && s.charCodeAt(j + 3) === CLOSE_BRACE) return -1;
        return j + (s.charCodeAt(j + 2) === CLOSE_BRACE ? 3 : 2);
      }
      if (c === CLOSE_BRACE && s.charCodeAt(j + 1) === TILDE && s.startsWith('}}', j + 2)) return j + 4;
      if (c === TILDE && s.startsWith('}}', j + 1)) return j + 3;
      if (c === 0x22 || c === 0x27 || c === 0x5b) {
        const end = literalEnd(s, j, c === 0x5b ? 0x5d : c);
        if (end < 0) return -1;
        if (c === 0x5b) this.tok(); // `[` is lexed twice (it switches mode, then is read whole)
        j = end;
      } else if (c === 0x28) {
        this.parens++;
        this.deeper(j);
        j++;
      } else if (c === 0x29) {
        if (this.parens > 0) this.parens--;
        j++;
      } else if (isSpace(c)) {
        j++;
        while (j < s.length && isSpace(s.charCodeAt(j))) j++;
      } else if (!endsId(c)) {
        j++;
        while (j < s.length && !endsId(s.charCodeAt(j))) j++;
      } else j++;
    }
    return -1;
  }
}
