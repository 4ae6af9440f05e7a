import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('matches Date#toISOString across seconds, milliseconds and dates', () => {
    const samples = [
      0,
      1,
      9,
      10,
      99,
      100,
      999,
      1000,
      1001,
      Date.UTC(2026, 10, 21, 23, 59, 59, 999),
      Date.UTC(2026, 10, 22),
      Date.UTC(2024, 1, 29, 12, 0, 0, 5),
      253_402_300_799_999,
    ];
    for (let i = 0; i < 2000; i++) samples.push(Date.UTC(2026, 0, 1) + Math.floor(i * 7919.3));
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back to Date#toISOString outside 1970–9999 and for fractional times, and throws like it for NaN', () => {
    for (const ms of [-1, -86_400_001, 253_402_300_800_000, 1.5]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
