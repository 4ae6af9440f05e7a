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

describe('compileMatchPattern: compile cost', () => {
  it('refuses a pattern whose repetitions make it too large, before compiling it (1.1 s before)', () => {
    const t0 = process.cpuUsage();
    expect(() => compileMatchPattern('.{1,1000}'.repeat(200))).toThrow(/too large to compile: \d+ units, at most 1000/);
    const used = process.cpuUsage(t0);
    expect((used.user + used.system) / 1000).toBeLessThan(50);
  });

  it('compiles the largest pattern it accepts in a few ms', () => {
    const largest = `^${'[a-z]{1,9}'.repeat(45)}$`;
    expect(patternSize(largest)).toBeLessThanOrEqual(MAX_MATCH_PATTERN_SIZE);
    compileMatchPattern(largest);
    const t0 = process.cpuUsage();
    expect(compileMatchPattern(largest).test('abc')).toBe(false);
    const used = process.cpuUsage(t0);
    expect((used.user + used.system) / 1000).toBeLessThan(100); // ~2 ms here
  });
});
