import fc from 'fast-check';
import { findJsonFault } from './json-error';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonFault', () => {
  it.each([
    ['{"a": 1}', undefined],
    [' [1, -2.5e+3, "x\\u00e9", true, false, null, {}, []] ', undefined],
    ['', [1, 1, 'expected a value, found the end of the text']],
    ['{"a": }', [1, 7, 'expected a value, found "}"']],
    ['{"a": 1,}', [1, 9, 'expected a property name in double quotes, found "}"']],
    ['[1,]', [1, 4, 'expected a value, found "]"']],
    ['[1 2]', [1, 4, 'expected "," or "]", found "2"']],
    ['{"a" 1}', [1, 6, 'expected ":" after a property name, found "1"']],
    ['{a: 1}', [1, 2, 'expected a property name in double quotes, found "a"']],
    ['{"a": "x\ny"}', [1, 9, 'control character "\\n" inside a string (it must be escaped)']],
    ['{"a": "\\x"}', [1, 8, 'invalid escape in string']],
    ['{"a": "x', [1, 9, 'unterminated string']],
    ['{"a": 01}', [1, 8, 'expected "," or "}", found "1"']],
    ['{"a": -}', [1, 7, 'invalid number']],
    ['{"a": 1}}', [1, 9, 'unexpected "}" after the JSON value']],
    ['{\n  "a": tru\n}', [2, 8, 'expected a value, found "t"']],
    ['[[[[', [1, 5, 'expected a value, found the end of the text']],
  ])('%p', (text, expected) => {
    const fault = findJsonFault(text);
    if (!expected) expect(fault).toBeUndefined();
    else expect(fault && [fault.line, fault.column, fault.reason]).toEqual(expected);
  });

  it('handles deep nesting without recursion', () => {
    expect(findJsonFault('['.repeat(100000) + ']'.repeat(100000))).toBeUndefined();
    expect(findJsonFault('['.repeat(100000))?.column).toBe(100001);
  });

  it('clips the excerpt to the faulty line and shows control characters', () => {
    const long = `{"k": "${'a'.repeat(50)}", "v": x, "w": "${'b'.repeat(50)}"}`;
    const fault = findJsonFault(`{\n"z": 1,\r\n"a": \u0001\r\n}`)!;
    expect([fault.line, fault.column, fault.excerpt]).toEqual([3, 6, '"a": \\u0001']);
    const f2 = findJsonFault(long)!;
    expect(f2.excerpt).toBe(`…${'a'.repeat(22)}", "v": x, "w": "${'b'.repeat(21)}…`);
  });

  it('agrees with JSON.parse on valid JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(findJsonFault(text)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on broken JSON', () => {
    const alphabet = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      ' ',
      '\n',
      '1',
      '0',
      '-',
      '.',
      'e',
      '+',
      'a',
      '\\',
      'u',
      't',
      'true',
      'null',
      '\u0001',
    );
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.string({ unit: alphabet, maxLength: 3 }), fc.nat({ max: 2 }))
      .map(([json, at, insert, del]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + del);
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ unit: alphabet, maxLength: 20 })), (text) => {
        const fault = findJsonFault(text);
        expect(fault === undefined).toBe(parses(text));
        if (fault) expect(fault.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });
});
