/**
 * The predictable parts of a password (what a guesser enumerates before anything random): runs of
 * the alphabet or digits (`abcdef`, `13579`, `zyx`), keyboard walks on the layouts our users type
 * on (`qwerty`, `zaq12wsx`, `1qaz2wsx`, `asdf`, `йцукен`), characters repeated three times or
 * more, years, and words of the user's own context (email, tenant). The policy refuses a password
 * when these cover nearly all of it (`abcdefghijk1`, `1234567890ab`, `tenantc12345`).
 */

/** What covered a character (the policy names them in its message). */
export type PatternKind = 'sequence' | 'keyboard' | 'repeat' | 'year' | 'email-name' | 'email-domain' | 'tenant';

/** A word of the user's context and what it is. */
export interface ContextWord {
  word: string;
  kind: 'email-name' | 'email-domain' | 'tenant';
}

/**
 * Keyboard layouts, one string per row, unshifted then shifted. A key's position is its index plus
 * the row's stagger against the digit row (in key widths); two keys are neighbours on the same row
 * when one apart, on adjacent rows when less than one apart (`q` touches `1`, `2`, `a`, `w`; `a` touches `z`).
 */
const LAYOUTS: { stagger: number[]; rows: [string, string][] }[] = [
  // US / UK QWERTY (also what Italian and Vietnamese keyboards put on the letters)
  {
    stagger: [0, 1.5, 1.75, 2.25],
    rows: [
      ['`1234567890-=', '~!@#$%^&*()_+'],
      ['qwertyuiop[]\\', 'QWERTYUIOP{}|'],
      ["asdfghjkl;'", 'ASDFGHJKL:"'],
      ['zxcvbnm,./', 'ZXCVBNM<>?'],
    ],
  },
  // German QWERTZ (ISO: an extra key left of Y)
  {
    stagger: [0, 1.5, 1.75, 1.25],
    rows: [
      ['^1234567890ß´', '°!"§$%&/()=?`'],
      ['qwertzuiopü+', 'QWERTZUIOPÜ*'],
      ['asdfghjklöä#', "ASDFGHJKLÖÄ'"],
      ['<yxcvbnm,.-', '>YXCVBNM;:_'],
    ],
  },
  // French AZERTY (digits are shifted there; ISO: an extra key left of W)
  {
    stagger: [0, 1.5, 1.75, 1.25],
    rows: [
      ['²&é"\'(-è_çà)=', '²1234567890°+'],
      ['azertyuiop^$', 'AZERTYUIOP¨£'],
      ['qsdfghjklmù*', 'QSDFGHJKLM%µ'],
      ['<wxcvbn,;:!', '>WXCVBN?./§'],
    ],
  },
  // Russian ЙЦУКЕН
  {
    stagger: [0, 1.5, 1.75, 2.25],
    rows: [
      ['ё1234567890-=', 'Ё!"№;%:?*()_+'],
      ['йцукенгшщзхъ\\', 'ЙЦУКЕНГШЩЗХЪ/'],
      ['фывапролджэ', 'ФЫВАПРОЛДЖЭ'],
      ['ячсмитьбю.', 'ЯЧСМИТЬБЮ,'],
    ],
  },
];

type KeyPos = { row: number; x: number };
/** One map per layout: character → its key's position. */
const KEYMAPS: Map<string, KeyPos>[] = LAYOUTS.map(({ rows, stagger }) => {
  const map = new Map<string, KeyPos>();
  rows.forEach((pair, row) => {
    for (const keys of pair) [...keys].forEach((c, i) => map.has(c) || map.set(c, { row, x: i + stagger[row]! }));
  });
  return map;
});

function neighbours(a: KeyPos | undefined, b: KeyPos | undefined): boolean {
  if (!a || !b) return false;
  if (a.row === b.row) return Math.abs(a.x - b.x) === 1;
  return Math.abs(a.row - b.row) === 1 && Math.abs(a.x - b.x) < 1;
}

/** Shortest keyboard walk counted (three neighbouring keys happen by chance in random strings). */
const MIN_WALK = 4;

function markWalks(chars: string[], mark: (from: number, to: number, kind: PatternKind) => void): void {
  for (const map of KEYMAPS) {
    let start = 0;
    for (let i = 1; i <= chars.length; i++) {
      if (i < chars.length && neighbours(map.get(chars[i - 1]!), map.get(chars[i]!))) continue;
      if (i - start >= MIN_WALK) mark(start, i, 'keyboard');
      start = i;
    }
  }
}

/** Alphabets whose code points follow each other: a run steps through one of them. */
const ALPHABETS = [/[0-9]/, /[a-z]/, /[а-я]/];
const alphabetOf = (c: string) => ALPHABETS.findIndex((re) => re.test(c));

/** Runs stepping by ±1 (`abc`, `987`) from 3 characters, by ±2 (`13579`, `aceg`) from 4. */
function markSequences(lower: string[], mark: (from: number, to: number, kind: PatternKind) => void): void {
  for (const step of [1, -1, 2, -2]) {
    const min = Math.abs(step) === 1 ? 3 : 4;
    let start = 0;
    for (let i = 1; i <= lower.length; i++) {
      const a = lower[i - 1]!;
      const b = lower[i];
      const ok =
        b !== undefined &&
        alphabetOf(a) >= 0 &&
        alphabetOf(a) === alphabetOf(b) &&
        b.codePointAt(0)! - a.codePointAt(0)! === step;
      if (ok) continue;
      if (i - start >= min) mark(start, i, 'sequence');
      start = i;
    }
  }
}

function markRepeats(lower: string[], mark: (from: number, to: number, kind: PatternKind) => void): void {
  let start = 0;
  for (let i = 1; i <= lower.length; i++) {
    if (i < lower.length && lower[i] === lower[start]) continue;
    if (i - start >= 3) mark(start, i, 'repeat');
    start = i;
  }
}

function markYears(lower: string[], mark: (from: number, to: number, kind: PatternKind) => void): void {
  const s = lower.join('');
  // Indexes below are code-point indexes: the pattern only matches ASCII digits, one unit each,
  // so convert through the prefix length in code points.
  for (const m of s.matchAll(/(?<!\d)(?:19|20)\d\d(?!\d)/g)) {
    const from = [...s.slice(0, m.index)].length;
    mark(from, from + 4, 'year');
  }
}

/** The letters and digits of `chars` (lower-case, leetspeak undone when asked), with where each came from. */
function projection(lower: string[], unleet: Record<string, string> | null): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  lower.forEach((c, i) => {
    const d = unleet?.[c] ?? c;
    if (/[\p{L}\p{N}]/u.test(d)) {
      text += d;
      at.push(i);
    }
  });
  return { text, at };
}

/** Marks every occurrence of the context words, compared on letters and digits (`Tenant-B` matches `tenantb`). */
function markContext(
  lower: string[],
  words: readonly ContextWord[],
  unleet: Record<string, string>,
  mark: (from: number, to: number, kind: PatternKind) => void,
): void {
  if (words.length === 0) return;
  for (const p of [projection(lower, null), projection(lower, unleet)]) {
    for (const { word, kind } of words) {
      for (let i = p.text.indexOf(word); i >= 0; i = p.text.indexOf(word, i + 1)) {
        mark(p.at[i]!, p.at[i + word.length - 1]! + 1, kind);
      }
    }
  }
}

/** How much of a password is predictable: the characters left over, and what covered the rest. */
export interface Coverage {
  /** Characters (code points) no pattern covers. */
  remaining: number;
  /** Characters each kind of pattern covered (a character may count for several). */
  byKind: Map<PatternKind, number>;
  /** Per character: covered by some pattern. */
  covered: boolean[];
}

/** Finds the predictable parts of `chars` (the password's code points, lower-cased). */
export function predictableCoverage(
  lower: string[],
  context: readonly ContextWord[],
  unleet: Record<string, string>,
): Coverage {
  const covered = new Array<boolean>(lower.length).fill(false);
  const byKind = new Map<PatternKind, number>();
  const mark = (from: number, to: number, kind: PatternKind) => {
    for (let i = from; i < to; i++) covered[i] = true;
    byKind.set(kind, (byKind.get(kind) ?? 0) + (to - from));
  };
  markSequences(lower, mark);
  markWalks(lower, mark);
  markRepeats(lower, mark);
  markYears(lower, mark);
  markContext(lower, context, unleet, mark);
  return { remaining: covered.filter((c) => !c).length, byKind, covered };
}

/** Removes the context words from `lower` (with what lies between their letters), for the common-word check. */
export function withoutContext(
  lower: string[],
  context: readonly ContextWord[],
  unleet: Record<string, string>,
): string {
  const covered = new Array<boolean>(lower.length).fill(false);
  markContext(lower, context, unleet, (from, to) => covered.fill(true, from, to));
  return lower.filter((_, i) => !covered[i]).join('');
}
