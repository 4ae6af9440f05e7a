import fc from 'fast-check';
import { Client } from 'pg';
import { dollarQuoted } from '../src/queue/job-finish';

/**
 * The finishing statement inlines the runs' rows (JSON made from whatever a CRM answered) as a
 * dollar-quoted literal: PostgreSQL must read back exactly the text that was quoted, whatever it holds.
 */
describe('dollarQuoted (the finishing statement literal)', () => {
  const client = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const roundTrip = async (s: string) => {
    const { rows } = await client.query<{ v: string; n: number }>(`SELECT ${dollarQuoted(s)}::text AS v, 1 AS n`);
    return rows[0]!;
  };

  it.each([
    ['', '$f$$f$'],
    ['{"a":"b"}', '$f${"a":"b"}$f$'],
    ['price $f$ 3', '$f0$price $f$ 3$f0$'],
    ['ends in $f', '$f0$ends in $f$f0$'],
    ["quote ' and \\ backslash", "$f$quote ' and \\ backslash$f$"],
  ])('%j is quoted as %s and read back as is', async (s, quoted) => {
    expect(dollarQuoted(s)).toBe(quoted);
    expect(await roundTrip(s)).toEqual({ v: s, n: 1 });
  });

  it('reads back any text made of dollars, tag letters and quotes (fuzzed)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('$', 'f', '0', '1', "'", '\\', 'a', '"', ';', '\n', 'é'), { maxLength: 24 }),
        async (parts) => {
          const s = parts.join('');
          expect(await roundTrip(s)).toEqual({ v: s, n: 1 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
