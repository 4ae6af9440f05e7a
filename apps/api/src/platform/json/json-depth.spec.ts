import { cpuYardstickMs } from '../../../../../libs/flow/src/testing/cpu-reference';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('jsonTooDeep', () => {
  it('accepts nesting up to the limit and refuses one level more, for strings and buffers', () => {
    const ok = `{"a":${nested(MAX_JSON_DEPTH - 1)}}`;
    const deep = `{"a":${nested(MAX_JSON_DEPTH)}}`;
    expect(jsonTooDeep(ok)).toBe(false);
    expect(jsonTooDeep(deep)).toBe(true);
    expect(jsonTooDeep(Buffer.from(ok))).toBe(false);
    expect(jsonTooDeep(Buffer.from(deep))).toBe(true);
    expect(jsonTooDeep(`{"a":${'{"b":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ a: '['.repeat(10_000), b: '\\"[[[[', c: '"{{{{' });
    expect(jsonTooDeep(inString)).toBe(false);
    expect(jsonTooDeep(Buffer.from(inString))).toBe(false);
    // Multi-byte UTF-8 never holds an ASCII byte, so the buffer scan sees the same structure.
    const unicode = JSON.stringify({ a: '😀['.repeat(500), b: nested(3) });
    expect(jsonTooDeep(Buffer.from(unicode))).toBe(false);
  });

  it('counts siblings at their own depth, not cumulatively', () => {
    const wide = JSON.stringify(Array.from({ length: 5_000 }, () => [[[1]]]));
    expect(jsonTooDeep(wide)).toBe(false);
  });

  it('refuses 5,000 and 200,000 levels quickly', () => {
    const deep = nested(200_000);
    const started = process.cpuUsage();
    expect(jsonTooDeep(deep)).toBe(true);
    expect(jsonTooDeep(Buffer.from(`{"call":{"x":${nested(5_000)}}}`))).toBe(true);
    const used = process.cpuUsage(started);
    // CPU time against this machine's yardstick: a wall clock on a busy CI host also counts other processes.
    expect((used.user + used.system) / 1000).toBeLessThan(Math.max(200, 5 * cpuYardstickMs()));
  });
});
