import { RE2JS } from 're2js';

/** Longest `matches` pattern (a templated one is rendered from run data, so it is bounded too). */
export const MAX_MATCH_PATTERN_CHARS = 2000;

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
  try {
    return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    throw new Error(`${message} (patterns use RE2 syntax: no lookarounds or backreferences)`);
  }
}
