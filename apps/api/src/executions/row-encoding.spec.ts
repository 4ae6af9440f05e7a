import { binaryRow } from './copy-binary';
import { MAX_RECORDED_DEPTH, recordedJson, recordJson, type ExecutionRow } from './row-encoding';

/** An array nested `n` deep around `inner`, built without recursion. */
function deep(n: number, inner: unknown = 'bottom'): unknown {
  let v = inner;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** How deep a parsed JSON value nests, without recursion. */
function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    max = Math.max(max, d + 1);
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

const row = (over: Partial<ExecutionRow>): ExecutionRow => ({
  id: '01a2001a-d40a-7000-8932-1506ee7c2f23',
  tenantId: '2e0f2fed-7444-42d5-aee9-623aa4f284ad',
  flowId: null,
  flowVersion: 1,
  triggerType: 'test',
  status: 'failed',
  eventId: null,
  callId: null,
  phone: null,
  input: {},
  output: null,
  error: null,
  steps: [],
  retryOf: null,
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:00:01Z'),
  durationMs: 1000,
  ...over,
});

describe('row encoding never throws on deep values (review item 4: an execution id without a row)', () => {
  it.each([5000, 100_000])('a value %i deep is recorded cut at 64 levels, with a marker, by both encodings', (n) => {
    const steps = [{ nodeId: 'h', response: { body: deep(n) } }] as unknown as ExecutionRow['steps'];
    const r = row({ output: { deep: deep(n) }, steps });
    expect(() => JSON.stringify(r.output)).toThrow(RangeError);
    const record = JSON.parse(recordJson(r)) as { output: unknown; steps: unknown };
    expect(depthOf(record)).toBeLessThanOrEqual(MAX_RECORDED_DEPTH + 1);
    expect(JSON.stringify(record)).toContain(`[not recorded: nested deeper than ${MAX_RECORDED_DEPTH} levels]`);
    expect(binaryRow(r).length).toBeGreaterThan(100);
  });

  it('keeps values within reach as JSON.stringify writes them (Dates, undefined members, toJSON)', () => {
    const v = { at: new Date(0), skip: undefined, list: [undefined, 1], n: deep(100) };
    expect(recordedJson(v)).toBe(JSON.stringify(v));
    const over = { at: new Date(0), skip: undefined, list: [undefined, 1], n: deep(10_000) };
    const parsed = JSON.parse(recordedJson(over)) as Record<string, unknown>;
    expect(parsed.at).toBe('1970-01-01T00:00:00.000Z');
    expect(parsed.list).toEqual([null, 1]);
    expect('skip' in parsed).toBe(false);
  });
});
