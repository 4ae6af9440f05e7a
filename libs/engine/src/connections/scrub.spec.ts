import { scrubSecrets } from './scrub';

describe('scrubSecrets', () => {
  it('masks secrets in nested strings, longest first, without touching the input', () => {
    const input = { a: 'x-topsecret-y', b: [{ c: 'topsecret2' }], n: 3, d: new Date(0), ['__proto__']: 'p' } as Record<string, unknown>;
    const out = scrubSecrets(input, ['topsecret', 'topsecret2', 'ab']);
    expect(out.a).toBe('x-[redacted]-y');
    expect(out.b).toEqual([{ c: '[redacted]' }]);
    expect(out.n).toBe(3);
    expect(out.d).toBe(input.d);
    expect(input.a).toBe('x-topsecret-y');
  });
});
