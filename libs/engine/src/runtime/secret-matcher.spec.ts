import { encodedForms, SECRET_RUN, SecretMatcher, urlHoldsSecret } from './secret-matcher';

const TOKEN = 'tok_9fQ2xLmZ7pR4vW8kY3nB6cD1';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('SecretMatcher', () => {
  const m = SecretMatcher.of([TOKEN]);

  it.each([
    ['itself', `x ${TOKEN} y`],
    ['upper-cased', `x ${TOKEN.toUpperCase()} y`],
    ['lower-cased', TOKEN.toLowerCase()],
    ['percent-encoded', encodeURIComponent(`a=${TOKEN}/&`)],
    ['base64 of "Bearer " + it (alignment 1)', b64(`Bearer ${TOKEN}`)],
    ['base64 with one byte before (alignment 1)', b64(`x${TOKEN}`)],
    ['base64 with two bytes before (alignment 2)', b64(`xy${TOKEN}`)],
    ['base64 with three bytes before (alignment 0)', b64(`xyz${TOKEN}`)],
    ['base64url', b64url(`??${TOKEN}??`)],
    ['hex', Buffer.from(TOKEN).toString('hex')],
    ['hex, upper case', Buffer.from(`ab${TOKEN}`).toString('hex').toUpperCase()],
    ['a piece of 12', TOKEN.substring(0, 12)],
    ['a piece of 8', TOKEN.substring(12, 20)],
    ['a piece of 10 in base64', b64(`Bearer ${TOKEN}`.substring(9, 19))],
  ])('finds and masks it %s', (_what, text) => {
    expect(m.finds(text)).toBe(true);
    const masked = m.mask(text);
    expect(masked).toContain('[redacted]');
    expect(m.finds(masked)).toBe(false);
  });

  it('masks the two pieces of a split secret, and the whole secret as one mask', () => {
    expect(m.mask(`${TOKEN.substring(0, 12)}|${TOKEN.substring(12)}`)).toBe('[redacted]|[redacted]');
    expect(m.mask(`Bearer ${TOKEN}.`)).toBe('Bearer [redacted].');
    expect(m.mask(`"${TOKEN}","${TOKEN}"`)).toBe('"[redacted]","[redacted]"');
  });

  it('leaves pieces shorter than the run, and ordinary text, as they are (the documented limit)', () => {
    const pieces = TOKEN.match(new RegExp(`.{1,${SECRET_RUN - 1}}`, 'g'))!.join('|');
    expect(m.mask(pieces)).toBe(pieces);
    const text = 'The customer 0049 301234 called about order 8812, Bearer of good news.';
    expect(m.mask(text)).toBe(text);
    expect(m.finds('')).toBe(false);
  });

  it('finds short secrets (3 to 7 characters) whole only, in their textual forms', () => {
    const s = SecretMatcher.of(['p&ss!', 'abc']);
    expect(s.mask('x p&ss! y P&SS! z p%26ss! w p&amp;ss!')).toBe('x [redacted] y [redacted] z [redacted] w [redacted]');
    expect(s.mask('xabcx ab')).toBe('x[redacted]x ab');
    expect(SecretMatcher.of(['ab']).empty).toBe(true);
  });

  it('covers JSON escapes and double percent-encoding', () => {
    const odd = 'pa"ss\\wörd/+=1234';
    const s = SecretMatcher.of([odd]);
    const json = JSON.stringify({ p: odd });
    const texts = [json, JSON.stringify(json), encodeURIComponent(encodeURIComponent(odd))];
    for (const text of texts) {
      expect([text, s.finds(text)]).toEqual([text, true]);
    }
  });

  it('lists textual and derived forms, derived ones only when long enough to mean something', () => {
    const forms = encodedForms('abc');
    expect(forms).toContain('abc');
    expect(forms.every((f) => f.length >= 3)).toBe(true);
    expect(forms).not.toContain('YWJj'); // base64 of 3 bytes: too short to look for
    const expected = [TOKEN, b64(TOKEN).slice(0, 37), Buffer.from(TOKEN).toString('hex')];
    expect(encodedForms(TOKEN)).toEqual(expect.arrayContaining(expected));
  });

  it('costs time linear in the body (a 4× body: about 4× the time, not 16×)', () => {
    // A ratio within one run, not an absolute time: it holds on a loaded machine (bench/ has the figures).
    const secrets = [TOKEN, 'another-secret-value-42', 'key-query-7731', 'x'.repeat(40)];
    const matcher = SecretMatcher.of(secrets);
    const rows = Array.from({ length: 1200 }, (_, i) => ({ id: i, name: `Customer ${i}`, phone: `+3906${i}` }));
    const body = JSON.stringify(rows);
    const big = JSON.stringify([rows, rows, rows, rows]);
    expect(body.length).toBeGreaterThan(50_000);
    const median = (text: string) => {
      const times: number[] = [];
      for (let round = 0; round < 9; round++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < 5; i++) matcher.mask(text);
        times.push(Number(process.hrtime.bigint() - started));
      }
      return times.sort((x, y) => x - y)[4]!;
    };
    for (let i = 0; i < 20; i++) matcher.mask(big);
    const ratio = median(big) / median(body);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(8);
  });
});

describe('urlHoldsSecret', () => {
  const m = SecretMatcher.of(['key-query-7731']);
  it.each([
    'https://b.example/login?return_to=https%3A%2F%2Fcrm%2Fx%3FapiKey%3Dkey-query-7731',
    'https://b.example/r?u=https%253A%252F%252Fcrm%252Fx%253FapiKey%253Dkey-query-7731',
    `https://b.example/r/${b64('https://crm/x?apiKey=key-query-7731')}`,
    'https://b.example/reflect/api/KEY-QUERY-7731/customers',
  ])('finds the key in %s', (url) => expect(urlHoldsSecret(url, m)).toBe(true));

  it('passes URLs without it, malformed escapes included', () => {
    expect(urlHoldsSecret('https://b.example/login?return_to=%2Fhome%ZZ', m)).toBe(false);
  });
});
