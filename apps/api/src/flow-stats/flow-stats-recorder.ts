import { RunStatCells, UPSERT_ROLLUPS, type FinishedRun, type RunAnswer } from './run-stats';

/** How long finished runs' stats are summed in memory before one upsert (the charts lag by this much). */
const EVERY_MS = 1_000;

/**
 * Keeps flow_stats as runs finish. The execution writer hands it each finished run as it queues the
 * run's row (after the caller's answer); stats are summed in memory and upserted once a second (a
 * few rows per flow whatever the run rate). A failed upsert keeps its rows for the next one, so an
 * outage delays the stats without losing them (a process that dies loses its last second, as it
 * loses the rows it had not written). A run is counted once, unless an upsert's commit is lost after
 * it succeeded (then twice: nothing tells).
 */
export class FlowStatsRecorder {
  private readonly cells = new RunStatCells();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly query: (sql: string, params: unknown[]) => Promise<unknown>,
    private readonly onError: (err: unknown, rows: number) => void,
  ) {}

  /** Counts a finished run (unfinished rows, test runs and runs of no saved flow are not counted). */
  add(row: FinishedRun, answer?: RunAnswer): void {
    this.cells.add(row, answer);
    if (this.cells.size > 0) this.schedule();
  }

  /** Upserts everything summed so far (shutdown, tests). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.cells.size === 0) return;
    const rows = this.cells.take();
    this.writing = this.query(UPSERT_ROLLUPS, rows.params()).then(
      () => undefined,
      (err: unknown) => {
        this.cells.putBack(rows);
        this.onError(err, rows.cells.length);
        this.schedule();
      },
    );
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Shutdown flushes explicitly: the timer keeps no process alive. */
  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), EVERY_MS).unref();
  }
}
