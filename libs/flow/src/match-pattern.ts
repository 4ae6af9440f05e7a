import { RE2JS } from 're2js';
import { patternSize } from './match-pattern-size';

export { patternSize };

/** Longest `matches` pattern (a templated one is rendered from run data, so it is bounded too). */
export const MAX_MATCH_PATTERN_CHARS = 2000;
/**
 * Most compile work of one pattern (patternSize: ~1–2 µs a unit to compile, and matching a
 * 10,000-character subject can cost ~5 ns per unit and character, so ~50 ms at worst).
 */
export const MAX_MATCH_PATTERN_SIZE = 1000;

/** A compiled `matches` pattern: `test` finds it anywhere in the text, like RegExp.prototype.test. */
export interface MatchPattern {
  test(text: string): boolean;
}

/**
 * Compiles a condition's `matches` pattern for a linear-time engine (RE2 syntax, via re2js).
 * JavaScript's backtracking RegExp let one pattern (`(a|aa)+$`, `(a*)*\1b`) freeze the server
 * for seconds to forever on a few dozen characters; RE2 runs in time proportional to the text.
 * RE2 has no lookarounds or backreferences and spells some escapes its own way (`\x{e9}`, not
 * `\u00e9`). Throws an Error whose message says what is wrong.
 */
export function compileMatchPattern(pattern: string, ignoreCase = false): MatchPattern {
  if (pattern.length > MAX_MATCH_PATTERN_CHARS) {
    throw new Error(`the pattern is longer than ${MAX_MATCH_PATTERN_CHARS} characters`);
  }
  const size = patternSize(pattern);
  if (size > MAX_MATCH_PATTERN_SIZE) {
    const why = 'its repetitions and classes expanded; `x{1,1000}` is a thousand copies of x';
    throw new Error(`the pattern is too large to compile: ${size} units, at most ${MAX_MATCH_PATTERN_SIZE} (${why})`);
  }
  try {
    return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    throw new Error(`${message} (patterns use RE2 syntax: no lookarounds or backreferences)`, { cause: err });
  }
}
