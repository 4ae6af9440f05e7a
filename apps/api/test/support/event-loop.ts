import type { TestApp } from '../harness';

/** What `whilePolling` saw of the server process while some work ran. */
export interface LoopUse<T> {
  result: T;
  /** /health answers received (all 200) while the work ran. */
  healthAnswers: number;
  /** The longest stretch the event loop was held, in CPU ms. */
  longestCpuMs: number;
  /** CPU this process (server and test client) used during the work, in ms. */
  cpuMs: number;
}

/**
 * Runs `work` while polling /health and a 1 ms ticker, and measures in CPU time: a ticker's CPU
 * use between two ticks is how long the loop was held. On a machine shared with other jobs
 * wall-clock times stretch with the load and make flaky tests; CPU times barely move, so the
 * security tests bound those (a regression they guard against costs 10-40x their bounds).
 */
export async function whilePolling<T>(t: TestApp, work: () => PromiseLike<T>): Promise<LoopUse<T>> {
  let done = false;
  let healthAnswers = 0;
  let longestCpuMs = 0;
  const start = process.cpuUsage();
  let last = process.cpuUsage();
  const ticker = setInterval(() => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    longestCpuMs = Math.max(longestCpuMs, (used.user + used.system) / 1000);
  }, 1);
  const poll = (async () => {
    while (!done) {
      const r = await t.http().get('/api/v1/health');
      if (r.status !== 200) throw new Error(`/health answered ${r.status} while the work ran`);
      healthAnswers++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    const result = await Promise.resolve()
      .then(work)
      .finally(() => (done = true));
    await poll;
    const used = process.cpuUsage(start);
    return { result, healthAnswers, longestCpuMs, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    clearInterval(ticker);
  }
}

/** Prints a measurement when DEBUG_HEALTH is set (to re-derive a bound on a new machine). */
export function logLoopUse(label: string, use: Omit<LoopUse<unknown>, 'result'>): void {
  if (!process.env.DEBUG_HEALTH) return;
  const { healthAnswers, longestCpuMs, cpuMs } = use;
  console.log(label, { healthAnswers, longestCpuMs: Math.round(longestCpuMs), cpuMs: Math.round(cpuMs) });
}
