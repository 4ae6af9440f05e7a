import type { ClaimedJob } from '../queue/job-finish';

/**
 * Standby jobs held per run in flight of a limited flow. With one, a run started from a standby job
 * often ended (a 10 ms CRM) before the statement reserving its replacement had returned (one statement
 * at a time, gathering 2 ms, a few ms each on a busy host), and its slot then waited for a hand-over.
 */
const STANDBY_PER_RUN = 2;
const NONE: ReadonlyMap<string, number> = new Map();

/**
 * This worker's standby jobs (queue/job-ownership.ts) and its runs in flight per limited flow: which
 * standby job starts when a run of its flow ends, how many to reserve with the next finishing
 * statement, and which to hand back (stranded: no run of their flow left here to replace).
 */
export class StandbyJobs {
  private readonly byFlow = new Map<string, ClaimedJob[]>();
  /** Runs in flight per limited flow id. */
  private readonly runs = new Map<string, number>();

  /** A run of limited flow `flowId` started here. */
  started(flowId: string): void {
    this.runs.set(flowId, (this.runs.get(flowId) ?? 0) + 1);
  }

  /** A run of limited flow `flowId` left: with none of it left, its standby jobs are returned (to hand back). */
  ended(flowId: string): ClaimedJob[] {
    const n = this.runs.get(flowId)! - 1;
    if (n > 0) {
      this.runs.set(flowId, n);
      return [];
    }
    this.runs.delete(flowId);
    const stranded = this.byFlow.get(flowId) ?? [];
    this.byFlow.delete(flowId);
    return stranded;
  }

  /** The standby job to start in place of an ended run of `flowId`, if any. */
  take(flowId: string): ClaimedJob | undefined {
    return this.byFlow.get(flowId)?.shift();
  }

  /** Keeps `job` for the next run of its flow to end; false (hand it back) when none is in flight here. */
  keep(job: ClaimedJob): boolean {
    const flowId = job.data.flowId;
    if ((this.runs.get(flowId) ?? 0) === 0) return false;
    this.byFlow.set(flowId, [...(this.byFlow.get(flowId) ?? []), job]);
    return true;
  }

  /**
   * Standby jobs to reserve per limited flow: STANDBY_PER_RUN per run of it in flight or about to start
   * (a slot the statement hands over, `handedOver`), less those held. Runs that ended but are still
   * counted here until their statement returns (`finished`) are left out.
   */
  wants(handedOver: ReadonlyMap<string, number>, finished: ReadonlyMap<string, number> = NONE): Map<string, number> {
    const wants = new Map<string, number>();
    for (const flowId of new Set([...this.runs.keys(), ...handedOver.keys()])) {
      const runs = (this.runs.get(flowId) ?? 0) - (finished.get(flowId) ?? 0) + (handedOver.get(flowId) ?? 0);
      const want = Math.max(0, runs) * STANDBY_PER_RUN - (this.byFlow.get(flowId)?.length ?? 0);
      if (want > 0) wants.set(flowId, want);
    }
    return wants;
  }

  /** Every standby job held. */
  all(): ClaimedJob[] {
    return [...this.byFlow.values()].flat();
  }

  /** Forgets the standby jobs `ids` (no longer ours), or all of them. */
  drop(ids?: ReadonlySet<string>): void {
    if (!ids) return this.byFlow.clear();
    for (const [flowId, jobs] of this.byFlow)
      this.byFlow.set(
        flowId,
        jobs.filter((j) => !ids.has(j.id)),
      );
  }
}
