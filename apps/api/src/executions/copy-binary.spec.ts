import { binaryRow, contiguous } from './copy-binary';
import type { ExecutionRow } from './row-encoding';

// The tuple layout follows PostgreSQL's binary COPY format: int16 field count, then per field an
// int32 length (-1 for NULL) and the bytes. Decoded here by hand to check every field.
function fields(buf: Buffer): (Buffer | null)[] {
  const n = buf.readInt16BE(0);
  const out: (Buffer | null)[] = [];
  let o = 2;
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(o);
    o += 4;
    if (len < 0) out.push(null);
    else {
      out.push(buf.subarray(o, o + len));
      o += len;
    }
  }
  expect(o).toBe(buf.length);
  return out;
}

const uuidText = (b: Buffer) => b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
/** timestamptz: microseconds since 2000-01-01 as int64. */
const time = (b: Buffer) => new Date(Number(b.readBigInt64BE(0) / 1000n) + Date.UTC(2000, 0, 1));

function row(over: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    id: '01a2001a-d40a-7000-8932-1506ee7c2f23',
    tenantId: '2E0F2FED-7444-42D5-AEE9-623AA4F284AD',
    flowId: null,
    flowVersion: 3,
    triggerType: 'ivr',
    status: 'succeeded',
    eventId: null,
    callId: 'c-1',
    phone: '+390612345678',
    input: { call: { id: 'c-1' } },
    output: { queue: 'gold' },
    error: null,
    steps: [],
    retryOf: null,
    startedAt: new Date('2026-11-21T10:00:00.123Z'),
    finishedAt: new Date('1999-12-31T23:59:59.999Z'),
    durationMs: 41.6,
    ...over,
  };
}

describe('binaryRow', () => {
  it('writes the 17 columns in COPY_COLUMNS order with their binary forms', () => {
    const f = fields(binaryRow(row()));
    expect(f).toHaveLength(17);
    expect(uuidText(f[0]!)).toBe('01a2001a-d40a-7000-8932-1506ee7c2f23');
    expect(uuidText(f[1]!)).toBe('2e0f2fed-7444-42d5-aee9-623aa4f284ad');
    expect(f[2]).toBeNull();
    expect(f[3]!.readInt32BE(0)).toBe(3);
    expect(f.slice(4, 9).map((b) => b?.toString())).toEqual(['ivr', 'succeeded', undefined, 'c-1', '+390612345678']);
    expect(JSON.parse(f[9]!.toString())).toEqual({ call: { id: 'c-1' } });
    expect(JSON.parse(f[10]!.toString())).toEqual({ queue: 'gold' });
    expect(f[11]).toBeNull();
    expect(f[12]!.toString()).toBe('[]');
    expect(f[13]).toBeNull();
    expect(time(f[14]!).toISOString()).toBe('2026-11-21T10:00:00.123Z');
    // Before PostgreSQL's epoch: a negative count, split across the two halves correctly.
    expect(time(f[15]!).toISOString()).toBe('1999-12-31T23:59:59.999Z');
    expect(f[16]!.readInt32BE(0)).toBe(42);
  });

  it('writes UTF-8 and replaces U+0000, in text and in JSON escapes only', () => {
    const f = fields(
      binaryRow(row({ callId: 'a\u0000b ü 😀', input: { call: { id: 'x\u0000y', literal: 'a\\u0000b' } } })),
    );
    expect(f[7]!.toString('utf8')).toBe('a\uFFFDb ü 😀');
    expect(JSON.parse(f[9]!.toString('utf8'))).toEqual({ call: { id: 'x\uFFFDy', literal: 'a\\u0000b' } });
  });

  it('refuses an id that is not a uuid rather than writing garbage', () => {
    expect(() => binaryRow(row({ id: 'not-a-uuid' }))).toThrow(/not a uuid/);
    expect(() => binaryRow(row({ retryOf: '01a2001a-d40a-7000-8932-1506ee7c2fzz' }))).toThrow(/not a uuid/);
    expect(() => binaryRow(row({ flowId: '01a2001ad40a-7000-8932-1506ee7c2f23x' }))).toThrow(/not a uuid/);
  });

  it('packs rows one after the other in a slab, merged by contiguous, and gives a large row its own buffer', () => {
    const small = Array.from({ length: 5 }, (_, i) => binaryRow(row({ callId: `c-${i}` })));
    const big = binaryRow(row({ steps: [{ body: 'é'.repeat(40_000) }] as unknown as ExecutionRow['steps'] }));
    const after = binaryRow(row({ callId: 'after' }));
    const merged = contiguous([...small, big, after]);
    // The five small rows are neighbours in one slab; the big one is apart; the next small one follows the fifth.
    expect(merged.length).toBeGreaterThanOrEqual(2);
    expect(Buffer.concat(merged).equals(Buffer.concat([...small, big, after]))).toBe(true);
    expect(merged[0]!.length).toBeGreaterThanOrEqual(small.reduce((n, b) => n + b.length, 0));
    expect(big.buffer).not.toBe(small[0]!.buffer);
    expect(JSON.parse(fields(big)[12]!.toString('utf8'))[0].body).toHaveLength(40_000);
  });

  it('no row is cut at a slab end: rows of any size to the own-buffer limit, multi-byte text too, decode whole', () => {
    // Written in one pass against a 3-bytes-per-unit bound: a wrong bound would truncate the text
    // of a row that lands near a slab's end (Buffer.write stops silently at the end).
    const texts = Array.from({ length: 400 }, (_, i) => ['ü', '😀', 'a', '€'][i % 4]!.repeat((i * 37) % 1_900));
    const rows = texts.map((t) =>
      binaryRow(row({ phone: t, steps: [{ note: t }] as unknown as ExecutionRow['steps'] })),
    );
    expect(new Set(rows.map((b) => b.buffer)).size).toBeGreaterThan(3);
    rows.forEach((b, i) => {
      const f = fields(b);
      expect(f[8]!.toString('utf8')).toBe(texts[i]);
      expect(JSON.parse(f[12]!.toString('utf8'))[0].note).toBe(texts[i]);
    });
  });
});
