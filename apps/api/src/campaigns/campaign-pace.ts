/**
 * How fast a campaign's runs finish, from the counts this process reads: every read records
 * (time, finished runs) per key; the rate is the increase over the readings of the last WINDOW_MS
 * (at least MIN_SPAN_MS apart), and the estimated end the runs left at that rate. Nothing is
 * stored: a process that has read a campaign once has no rate until its next reading a second later
 * (streams read every second). Readings a process no longer makes are dropped.
 */

const WINDOW_MS = 20_000;
const MIN_SPAN_MS = 1_000;
/** Readings closer than this to the previous one replace it (many readers of one campaign). */
const MIN_GAP_MS = 200;
/** Keys not read for this long are forgotten (checked every SWEEP_EVERY reads). */
const IDLE_MS = 2 * WINDOW_MS;
const SWEEP_EVERY = 256;

interface Reading {
  t: number;
  finished: number;
}

export interface Pace {
  ratePerSecond: number | null;
  estimatedEndAt: Date | null;
}

export class PaceMeter {
  private readonly series = new Map<string, Reading[]>();
  private reads = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records that `finished` runs of `key` are done and `remaining` are not; returns the pace.
   * A fall in `finished` (failed runs retried: they are no longer finished) starts over.
   */
  read(key: string, finished: number, remaining: number, paused: boolean): Pace {
    const t = this.now();
    if (++this.reads % SWEEP_EVERY === 0) this.sweep(t);
    let list = this.series.get(key);
    if (!list || (list.length > 0 && list[list.length - 1]!.finished > finished)) {
      list = [];
      this.series.set(key, list);
    }
    const last = list[list.length - 1];
    if (last && t - last.t < MIN_GAP_MS && list.length > 1) list[list.length - 1] = { t, finished };
    else list.push({ t, finished });
    // Keep one reading at or before the window's start, as the base of the increase.
    while (list.length > 2 && list[1]!.t <= t - WINDOW_MS) list.shift();
    const first = list[0]!;
    const span = t - first.t;
    if (span < MIN_SPAN_MS) return { ratePerSecond: null, estimatedEndAt: null };
    const rate = ((finished - first.finished) * 1000) / span;
    const ratePerSecond = Math.round(rate * 100) / 100;
    const estimatedEndAt =
      paused || remaining <= 0 || rate <= 0 ? null : new Date(t + Math.ceil((remaining / rate) * 1000));
    return { ratePerSecond, estimatedEndAt };
  }

  private sweep(t: number): void {
    for (const [key, list] of this.series) {
      const last = list[list.length - 1];
      if (!last || t - last.t > IDLE_MS) this.series.delete(key);
    }
  }
}
