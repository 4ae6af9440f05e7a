import { TtlCache } from './ttl-cache';

/** A load whose calls are counted and whose promises the test settles by hand. */
function controlledLoad<V>() {
  const pending: { resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  const load = jest.fn(() => new Promise<V>((resolve, reject) => pending.push({ resolve, reject })));
  return { load, pending };
}

/** `key` loaded once, to `value`; the controlled load for what comes next (its first call was that load). */
async function loadedOnce(cache: TtlCache<string>, key: string, value: string) {
  const ctl = controlledLoad<string>();
  const first = cache.get(key, ctl.load);
  ctl.pending[0]!.resolve(value);
  await first;
  return ctl;
}

const flush = () => new Promise((r) => jest.requireActual<typeof import('timers')>('timers').setImmediate(r));

describe('TtlCache', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    jest.setSystemTime(1_000_000);
  });
  afterEach(() => jest.useRealTimers());

  it('serves a value within its TTL from one load, shared by concurrent misses', async () => {
    const cache = new TtlCache<string>(1_000);
    const { load, pending } = controlledLoad<string>();
    const a = cache.get('k', load);
    const b = cache.get('k', load);
    pending[0]!.resolve('v1');
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
    jest.advanceTimersByTime(999);
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('without staleMs, a call past the TTL waits for a new load', async () => {
    const cache = new TtlCache<string>(1_000);
    const { load, pending } = await loadedOnce(cache, 'k', 'v1');
    jest.advanceTimersByTime(1_000);
    const second = cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    pending[1]!.resolve('v2');
    expect(await second).toBe('v2');
  });

  it('with staleMs, a call past the TTL gets the old value at once while one background load replaces it', async () => {
    const cache = new TtlCache<string>(1_000, { staleMs: 60_000 });
    const { load, pending } = await loadedOnce(cache, 'k', 'v1');
    jest.advanceTimersByTime(1_500);
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(2); // one refresh for both calls
    pending[1]!.resolve('v2');
    await flush();
    expect(await cache.get('k', load)).toBe('v2');
    expect(load).toHaveBeenCalledTimes(2); // fresh again for a TTL
  });

  it('a failed refresh keeps serving the old value and is tried again a second later', async () => {
    const cache = new TtlCache<string>(1_000, { staleMs: 60_000 });
    const { load, pending } = await loadedOnce(cache, 'k', 'v1');
    jest.advanceTimersByTime(1_500);
    expect(await cache.get('k', load)).toBe('v1');
    pending[1]!.reject(new Error('database restarting'));
    await flush();
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(2); // not hammering a database that is down
    jest.advanceTimersByTime(1_000);
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(3);
    pending[2]!.resolve('v2');
    await flush();
    expect(await cache.get('k', load)).toBe('v2');
  });

  it('past TTL + staleMs a call waits for a new load, and a failed load is not kept', async () => {
    const cache = new TtlCache<string>(1_000, { staleMs: 5_000 });
    const { load, pending } = await loadedOnce(cache, 'k', 'v1');
    jest.advanceTimersByTime(6_000);
    const late = cache.get('k', load);
    pending[1]!.reject(new Error('down'));
    await expect(late).rejects.toThrow('down');
    const again = cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(3);
    pending[2]!.resolve('v3');
    expect(await again).toBe('v3');
  });

  it('delete and deletePrefix drop entries (a refresh in flight for a dropped entry does not restore it)', async () => {
    const cache = new TtlCache<string>(1_000, { staleMs: 60_000 });
    const { load, pending } = controlledLoad<string>();
    const a = cache.get('t1:a', load);
    const b = cache.get('t1:b', load);
    pending[0]!.resolve('a1');
    pending[1]!.resolve('b1');
    await Promise.all([a, b]);
    jest.advanceTimersByTime(1_500);
    expect(await cache.get('t1:a', load)).toBe('a1'); // starts refresh #3
    cache.delete('t1:a');
    pending[2]!.resolve('a-refreshed');
    await flush();
    const reloaded = cache.get('t1:a', load);
    pending[3]!.resolve('a2');
    expect(await reloaded).toBe('a2');
    cache.deletePrefix('t1:');
    const b2 = cache.get('t1:b', load);
    pending[4]!.resolve('b2');
    expect(await b2).toBe('b2');
  });

  it('evicts the oldest entry past its size bound', async () => {
    const cache = new TtlCache<number>(60_000, { max: 2 });
    let n = 0;
    const load = jest.fn(async () => ++n);
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('b', load)).toBe(2);
    expect(await cache.get('a', load)).toBe(4); // loaded again
  });
});
