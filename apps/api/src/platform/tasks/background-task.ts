/**
 * A periodic pass run in the background: one at a time (a tick while a pass runs is skipped),
 * failures handed to `onError` (the next tick tries again), the pass in flight awaited on stop.
 */
export class BackgroundTask {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Every `everyMs`, and once after `firstAfterMs` when given (timers unref'd: they never keep the process up). */
  start(everyMs: number, firstAfterMs?: number): void {
    const tick = () => {
      this.running ??= this.pass()
        .catch(this.onError)
        .finally(() => (this.running = undefined));
    };
    this.timers = [setInterval(tick, everyMs).unref()];
    if (firstAfterMs !== undefined) this.timers.push(setTimeout(tick, firstAfterMs).unref());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running;
  }
}
