import { PaceMeter } from './campaign-pace';

describe('PaceMeter: rate and estimated end from successive readings', () => {
  let now = 1_000_000;
  const meter = () => new PaceMeter(() => now);

  it('has no rate until two readings a second apart, then the increase per second', () => {
    const m = meter();
    expect(m.read('c', 0, 100, false)).toEqual({ ratePerSecond: null, estimatedEndAt: null });
    now += 500;
    expect(m.read('c', 10, 90, false).ratePerSecond).toBeNull();
    now += 1500;
    const p = m.read('c', 40, 60, false);
    expect(p.ratePerSecond).toBe(20);
    // 60 left at 20/s: 3 s from now.
    expect(p.estimatedEndAt!.getTime()).toBe(now + 3000);
  });

  it('measures over the last 20 s only', () => {
    const m = meter();
    m.read('c', 0, 1000, false);
    for (let i = 1; i <= 30; i++) {
      now += 1000;
      // 50/s for the first 10 s, then 10/s.
      m.read('c', i <= 10 ? i * 50 : 500 + (i - 10) * 10, 100, false);
    }
    now += 1000;
    expect(m.read('c', 710, 100, false).ratePerSecond).toBe(10);
  });

  it('gives no end when paused, done or not moving; starts over when fewer runs are finished (a retry)', () => {
    const m = meter();
    m.read('c', 100, 50, false);
    now += 2000;
    expect(m.read('c', 100, 50, false)).toEqual({ ratePerSecond: 0, estimatedEndAt: null });
    now += 2000;
    expect(m.read('c', 140, 10, true)).toMatchObject({ ratePerSecond: 10, estimatedEndAt: null });
    now += 2000;
    expect(m.read('c', 160, 0, false).estimatedEndAt).toBeNull();
    now += 1000;
    expect(m.read('c', 60, 100, false).ratePerSecond).toBeNull();
  });

  it('keeps keys apart', () => {
    const m = meter();
    m.read('a', 0, 10, false);
    m.read('b', 0, 10, false);
    now += 1000;
    expect(m.read('a', 5, 5, false).ratePerSecond).toBe(5);
    expect(m.read('b', 1, 9, false).ratePerSecond).toBe(1);
  });
});
