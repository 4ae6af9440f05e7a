import type { ClaimedJob } from '../queue/job-finish';
import { StandbyJobs } from './standby-jobs';

const job = (id: string, flowId = 'f'): ClaimedJob =>
  ({
    id,
    data: { flowId, maxConcurrentRuns: 20 },
    retryCount: 0,
    retryLimit: 3,
    standby: true,
  }) as unknown as ClaimedJob;
const want = (s: StandbyJobs, handedOver: [string, number][] = [], finished: [string, number][] = []) =>
  Object.fromEntries(s.wants(new Map(handedOver), new Map(finished)));

describe('StandbyJobs.wants', () => {
  it('asks for two per run in flight, less those held', () => {
    const s = new StandbyJobs();
    for (let i = 0; i < 20; i++) s.started('f');
    expect(want(s)).toEqual({ f: 40 });
    for (let i = 0; i < 15; i++) expect(s.keep(job(`j${i}`))).toBe(true);
    expect(want(s)).toEqual({ f: 25 });
  });

  it('leaves out the runs that finished (counted until their statement returns), adds the slots handed over', () => {
    const s = new StandbyJobs();
    // 20 runs; 8 finished, 4 of them replaced by a standby job started in their place (24 counted).
    for (let i = 0; i < 24; i++) s.started('f');
    expect(want(s, [['f', 4]], [['f', 8]])).toEqual({ f: 40 });
    expect(want(s, [], [['f', 24]])).toEqual({});
  });

  it('asks nothing for a flow with no run here, and hands back what its last run leaves', () => {
    const s = new StandbyJobs();
    s.started('f');
    s.keep(job('a'));
    s.keep(job('b'));
    expect(s.keep(job('c', 'g'))).toBe(false);
    expect(want(s)).toEqual({});
    expect(s.ended('f').map((j) => j.id)).toEqual(['a', 'b']);
    expect(s.take('f')).toBeUndefined();
  });
});
