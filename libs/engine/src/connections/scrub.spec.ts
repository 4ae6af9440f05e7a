import { scrubSecrets } from './scrub';

describe('scrubSecrets', () => {
  it('masks secrets in nested strings, longest first, without touching the input', () => {
    const input = { a: 'x-topsecret-y', b: [{ c: 'topsecret2' }], n: 3, d: new Date(0), ['__proto__']: 'p' } as Record<
      string,
      unknown
    >;
    const out = scrubSecrets(input, ['topsecret', 'topsecret2', 'ab']);
    expect(out.a).toBe('x-[redacted]-y');
    expect(out.b).toEqual([{ c: '[redacted]' }]);
    expect(out.n).toBe(3);
    expect(out.d).toBe(input.d);
    expect(input.a).toBe('x-topsecret-y');
  });
});

describe('scrubSecrets against re-encoded secrets (a test-run answering {{base64 …}} or {{substring …}})', () => {
  const token = 'bearer-tok-4411-QzX8';
  const auth = `Bearer ${token}`;

  it('masks base64, pieces of 8+ characters, upper case and JSON-in-JSON copies', () => {
    const answer = {
      b64: Buffer.from(auth).toString('base64'),
      split: `${auth.substring(0, 12)}|${auth.substring(12, 40)}`,
      shout: auth.toUpperCase(),
      nested: JSON.stringify(JSON.stringify({ auth })),
    };
    const out = scrubSecrets(answer, [token]);
    expect(JSON.stringify(out)).not.toMatch(/tok-4411|QzX8|TOK-4411/i);
    expect(out.b64).toContain('[redacted]');
    expect(out.split).toBe('Bearer beare|[redacted]'); // 5 characters of it stay: below the 8-character run
    expect(out.shout).toBe('BEARER [redacted]');
    expect(out.nested).toContain('[redacted]');
  });

  it('replaces what is nested deeper than it looks (a secret could hide there) and never overflows', () => {
    let deep: unknown = { auth };
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const out = scrubSecrets({ deep }, [token]) as { deep: unknown };
    let cur: unknown = out.deep;
    let levels = 0;
    while (Array.isArray(cur)) {
      cur = cur[0];
      levels++;
    }
    expect(cur).toBe('[redacted: nested deeper than 200 levels]');
    expect(levels).toBe(199);
  });
});
