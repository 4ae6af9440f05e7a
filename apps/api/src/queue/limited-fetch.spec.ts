import { pickWithinLimits, type FetchCandidate } from './limited-fetch';

const job = (id: string, flow: string, max: unknown = null): FetchCandidate => ({ id, flow_id: flow, max_runs: max });

describe('pickWithinLimits', () => {
  it('takes unlimited jobs in order up to the batch size', () => {
    expect(pickWithinLimits([job('1', 'a'), job('2', 'b'), job('3', 'a')], new Map(), 2)).toEqual({
      ids: ['1', '2'],
      blocked: false,
    });
  });

  it('takes at most (limit − active) jobs of a limited flow and skips past the rest to other flows', () => {
    const candidates = [
      job('a1', 'a', 3),
      job('a2', 'a', 3),
      job('a3', 'a', 3),
      job('b1', 'b'),
      job('a4', 'a', 3),
      job('b2', 'b'),
    ];
    expect(pickWithinLimits(candidates, new Map([['a', 1]]), 10)).toEqual({
      ids: ['a1', 'a2', 'b1', 'b2'],
      blocked: true,
    });
  });

  it('takes nothing of a saturated flow; every active job of the flow counts', () => {
    expect(pickWithinLimits([job('a1', 'a', 2), job('b1', 'b', 5)], new Map([['a', 2]]), 10)).toEqual({
      ids: ['b1'],
      blocked: true,
    });
    expect(pickWithinLimits([job('a1', 'a', 2)], new Map([['a', 7]]), 10)).toEqual({ ids: [], blocked: true });
  });

  it('reads each job’s own limit (a queued run keeps its version’s limit)', () => {
    expect(pickWithinLimits([job('v1', 'a', 1), job('v2', 'a', 3)], new Map([['a', 1]]), 10)).toEqual({
      ids: ['v2'],
      blocked: true,
    });
  });

  it('treats a missing or unusable limit as none', () => {
    expect(
      pickWithinLimits([job('1', 'a', undefined), job('2', 'a', 0), job('3', 'a', 'x')], new Map([['a', 50]]), 10),
    ).toEqual({ ids: ['1', '2', '3'], blocked: false });
  });

  it('is not blocked when only the batch size stops it', () => {
    expect(pickWithinLimits([job('1', 'a', 5), job('2', 'a', 5)], new Map(), 1)).toEqual({
      ids: ['1'],
      blocked: false,
    });
  });
});
