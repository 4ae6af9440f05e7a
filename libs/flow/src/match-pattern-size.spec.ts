import fc from 'fast-check';
import { RE2JS } from 're2js';
import { compileMatchPattern, MAX_MATCH_PATTERN_SIZE } from './match-pattern';
import { patternSize } from './match-pattern-size';

/** How many instructions re2js compiled the pattern into (its internals: the program it runs). */
function instructions(pattern: string): number | undefined {
  try {
    const re = RE2JS.compile(pattern) as unknown as { re2Input: { prog: { numInst(): number } } };
    return re.re2Input.prog.numInst();
  } catch {
    return undefined; // a syntax error: refused before anything is compiled
  }
}

describe('patternSize', () => {
  it('counts characters, multiplies repetitions, adds class text once', () => {
    expect(patternSize('^[0-9]{9,13}$')).toBeLessThan(40);
    expect(patternSize('abc')).toBe(3);
    expect(patternSize('a{1000}')).toBe(1000);
    expect(patternSize('(?:ab){1,10}')).toBe(29);
    expect(patternSize('.{1,1000}'.repeat(200))).toBeGreaterThan(300_000);
    expect(patternSize('[\\p{L}\\p{N}]{1,100}')).toBe(199 + 12);
    // A flags group is no item: a quantifier after it repeats the item before, as in RE2.
    expect(patternSize('a{10}(?i){10}')).toBe(patternSize('a{10}{10}'));
    expect(patternSize('\\Qa{1000}\\E')).toBe(7);
  });

  it('is never far below the size of the program RE2 compiles (fuzzed)', () => {
    const atoms = [
      'a',
      'b',
      '.',
      '\\d',
      '\\p{L}',
      '[a-z]',
      '[^x]',
      '(',
      ')',
      '(?:',
      '(?i)',
      '(?P<n>',
      '|',
      '*',
      '+',
      '?',
      '{2}',
      '{1,5}',
      '{3,}',
      '{0,9}',
      '\\Q',
      '\\E',
      '^',
      '$',
      '\\b',
      'é',
      '{',
      '}',
      '[[:alpha:]]',
      '\\x{41}',
      '??',
      '*?',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...atoms), { maxLength: 30 }), (parts) => {
        const pattern = parts.join('');
        const compiled = instructions(pattern);
        if (compiled !== undefined) expect(compiled - 3).toBeLessThanOrEqual(1.5 * patternSize(pattern));
      }),
      { numRuns: 3000 },
    );
  });
});

// Cost is asserted through what drives it (whether RE2 compiles at all, and the size of the program it
// compiles), not through a CPU clock: a clock read on a shared CI host measured 140 ms for ~2 ms of work.
describe('compileMatchPattern: compile cost', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses a pattern whose repetitions make it too large, before compiling it (1.1 s before)', () => {
    const compile = jest.spyOn(RE2JS, 'compile');
    expect(() => compileMatchPattern('.{1,1000}'.repeat(200))).toThrow(/too large to compile: \d+ units, at most 1000/);
    expect(compile).not.toHaveBeenCalled();
  });

  it('compiles the largest pattern it accepts into a program bounded by the size limit', () => {
    const largest = `^${'[a-z]{1,9}'.repeat(45)}$`;
    expect(patternSize(largest)).toBeLessThanOrEqual(MAX_MATCH_PATTERN_SIZE);
    expect(compileMatchPattern(largest).test('abc')).toBe(false);
    const compiled = instructions(largest);
    expect(compiled).toBeGreaterThan(MAX_MATCH_PATTERN_SIZE / 2); // the case is near the limit, not trivial
    expect(compiled).toBeLessThanOrEqual(1.5 * MAX_MATCH_PATTERN_SIZE + 3);
  });
});
