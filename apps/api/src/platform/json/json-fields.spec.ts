import { findOutOfRange, holdsUnstorable } from './json-fields';

describe('numbers JSON cannot hold', () => {
  const parsed = (text: string) => JSON.parse(text) as unknown;

  it('finds a number read as Infinity, with its path, at any depth', () => {
    expect(findOutOfRange(parsed('{"a": 1, "b": {"c": [0, 1e400]}}'))).toBe('b.c[1]');
    expect(findOutOfRange(parsed('[{"x": -1e309}]'))).toBe('[0].x');
    expect(findOutOfRange(parsed('1e400'))).toBe('(value)');
    // The largest doubles and the smallest are fine (underflow to 0 loses nothing that matters).
    expect(findOutOfRange(parsed('{"max": 1.7976931348623157e308, "tiny": 1e-400, "s": "1e400"}'))).toBeUndefined();
  });

  it('counts them among what cannot be stored, with U+0000 and lone surrogates', () => {
    expect(holdsUnstorable(parsed('{"a": [1e400]}'))).toBe(true);
    expect(holdsUnstorable(parsed('{"a": "x\\u0000"}'))).toBe(true);
    expect(holdsUnstorable(parsed('{"a": "\\ud800"}'))).toBe(true);
    expect(holdsUnstorable(parsed('{"a": [1, "ok", {"b": null, "c": true}]}'))).toBe(false);
  });
});
