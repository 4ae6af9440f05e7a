import { truncateBody, truncateOutput } from './redact';

describe('truncateBody', () => {
  it('cuts text and JSON-measured objects past the limit, and keeps them under it', () => {
    expect(truncateBody('abcdef', 4)).toEqual({ body: 'abcd', truncated: true });
    expect(truncateBody('abc', 4)).toEqual({ body: 'abc', truncated: false });
    const obj = { list: Array.from({ length: 50 }, (_, i) => i) };
    expect(truncateBody(obj, 20)).toEqual({ body: JSON.stringify(obj).slice(0, 20), truncated: true });
    expect(truncateBody(obj, 10_000)).toEqual({ body: obj, truncated: false });
  });

  it('skips measuring only when the received text is too small to reach the limit once re-serialised', () => {
    // Numbers are what grows: 1e20 is 4 bytes on the wire and 21 characters as JSON.
    const raw = '[1e20,1e20,1e20]';
    const parsed = JSON.parse(raw) as unknown;
    const asJson = JSON.stringify(parsed);
    expect(asJson.length).toBeGreaterThan(raw.length * 4);
    expect(asJson.length).toBeLessThanOrEqual(raw.length * 6);
    // A limit between the wire size and the JSON size: still measured, so still cut.
    expect(truncateBody(parsed, asJson.length - 1, Buffer.byteLength(raw))).toMatchObject({ truncated: true });
    // Small enough for certain: kept as it is.
    expect(truncateBody(parsed, raw.length * 6, Buffer.byteLength(raw))).toEqual({ body: parsed, truncated: false });
  });
});

describe('truncateOutput (logic nodes in step records)', () => {
  it('keeps small outputs as they are and cuts big ones to JSON text of the limit', () => {
    const small = { vars: { a: 'x', n: 1, list: [1, 2] } };
    expect(truncateOutput(small, 100)).toBe(small);
    const big = { v1: 'x'.repeat(50), v2: { deep: ['y'.repeat(80)] } };
    expect(truncateOutput(big, 100)).toBe(JSON.stringify(big).slice(0, 100));
    expect(truncateOutput('z'.repeat(10), 5)).toBe('zzzzz');
    expect(truncateOutput(7, 1)).toBe(7);
  });
});
