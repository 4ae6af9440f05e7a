import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  FlowEngine,
  RunCancel,
  toEngineError,
  type RespondOutput,
  type RunInput,
  type RunResult,
} from '@callflow/engine';
import type { ExecutionTrigger } from '@callflow/flow';
import { ConnectionsResolverFactory, type TenantConnections } from '../connections/connections-resolver.factory';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { MetricsService } from '../platform/metrics/metrics.service';
import { finishedRow, pendingRow, type RunIdentity } from '../executions/execution-row';
import type { ExecutionRow } from '../executions/row-encoding';
import type { PublishedFlow } from '../flows/published-flows.service';
import type { RunAnswer } from '../flow-stats/run-stats';
import { uuidv7 } from '../platform/ids/uuid7';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';

/** How long shutdown waits for runs in flight before aborting them. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunRequest {
  flow: PublishedFlow;
  input: RunInput;
  trigger: ExecutionTrigger;
  /** Given when the execution row exists already (queued runs); generated otherwise. */
  executionId?: string;
  eventId?: string | null;
  retryOf?: string | null;
  /** The row is `running` already (a campaign run: its claim wrote it, queue/limited-fetch.ts). */
  runningRecorded?: boolean;
}

export interface StartedRun {
  executionId: string;
  /** The run's result; never rejects. */
  result: Promise<RunResult>;
  /**
   * The run's final row (secrets scrubbed), for the caller to write with its job's completion
   * (workers/job-finisher.ts); null when the run was abandoned at shutdown (its job is retried).
   */
  finished: Promise<ExecutionRow | null>;
}

/** How a synchronous trigger's wait ended: a respond node answered, the run ended first, or the deadline passed. */
export type SyncOutcome =
  { kind: 'respond'; respond: RespondOutput } | { kind: 'done'; result: RunResult } | { kind: 'deadline' };

const DEADLINE: SyncOutcome = { kind: 'deadline' };

/**
 * How a synchronous run's caller was answered, for its flow's stats: past the deadline, or an IVR
 * call answered with the trigger's fallback (at the deadline, or the run failed before a respond
 * node answered: IvrService's answers).
 */
function answerOf(trigger: ExecutionTrigger, outcome: SyncOutcome): RunAnswer {
  const fallback = outcome === DEADLINE || (outcome.kind === 'done' && outcome.result.status !== 'succeeded');
  return { deadlineMissed: outcome === DEADLINE, fallback: trigger === 'ivr' && fallback };
}

/** A finished synchronous run, recorded on the event-loop turn after its caller's answer. */
interface Finished {
  id: RunIdentity;
  flow: PublishedFlow;
  result: RunResult;
  connections: TenantConnections;
  /** No `running` row was written for it (the deadline did not pass): a plain insert. */
  fresh: boolean;
  /** How its caller was answered. */
  outcome: SyncOutcome;
}

/**
 * Runs published flow versions: compiles them once per version id (FlowEngine cache), records
 * each run with one batched write after it ends (callers are answered first), observes metrics
 * and logs with the execution id.
 */
@Injectable()
export class FlowRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger('FlowRunner');
  /**
   * Runs in flight, counted (not kept in a Set: a long-lived collection with an entry per run kept
   * the runs alive through young-generation collections, see RunCancel); `idle` ends the
   * shutdown's wait when the count reaches 0.
   */
  private inflight = 0;
  private idle: (() => void) | undefined;
  /** Synchronous runs that ended this event-loop turn, recorded on the next (see recordLater). */
  private finished: Finished[] = [];
  /**
   * Aborts the runs still in flight at the end of the grace period (a RunCancel: one listener per run,
   * added and removed at no cost).
   */
  private readonly shutdown = new RunCancel();
  private readonly debug: boolean;
  private draining: Promise<void> | undefined;

  constructor(
    @Inject(FlowEngine) private readonly engine: FlowEngine,
    private readonly writer: ExecutionWriter,
    private readonly metrics: MetricsService,
    private readonly connections: ConnectionsResolverFactory,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  }

  /**
   * Starts a queue run: a `running` row is written first (unless its claim wrote it); the final one
   * is the caller's to write (with the job's completion, one round trip), and a run aborted by
   * shutdown has none (its job is retried elsewhere).
   */
  start(req: RunRequest): StartedRun {
    const { flow } = req;
    const id = identityOf(req, req.executionId ?? uuidv7());
    if (!req.runningRecorded) this.writer.record(pendingRow(id, 'running', new Date())).catch(() => undefined);
    const connections = this.connections.forTenant(flow.tenantId);
    const result = this.execute(flow, req.input, connections, undefined);
    this.inflight++;
    const finished = (async () => {
      try {
        const r = await result;
        this.observe(id, flow, r);
        if (this.shutdown.aborted && r.error?.code === 'RUN_ABORTED') return null;
        return finishedRow(id, connections.scrub(r));
      } finally {
        this.leave();
      }
    })();
    finished.catch(() => undefined);
    return { executionId: id.executionId, result, finished };
  }

  /**
   * Starts a run for a synchronous trigger and waits for its first respond, its end, or
   * `deadlineMs`, whichever comes first. The run goes on after the answer and is recorded when it
   * ends, on the event-loop turn after the answer (see recordLater); past the deadline a `running`
   * row is written at once so the execution id is visible.
   */
  startSync(
    req: Omit<RunRequest, 'executionId'>,
    deadlineMs: number,
  ): Promise<{ executionId: string; outcome: SyncOutcome }> {
    const { flow } = req;
    const executionId = uuidv7();
    const startedAt = Date.now();
    const connections = this.connections.forTenant(flow.tenantId);
    let fresh = true;
    this.inflight++;
    return new Promise((resolve) => {
      let answered: SyncOutcome | undefined;
      const answer = (outcome: SyncOutcome) => {
        if (answered) return;
        answered = outcome;
        clearTimeout(timer);
        if (outcome === DEADLINE) {
          fresh = false;
          this.writer
            .record(pendingRow(identityOf(req, executionId), 'running', new Date(startedAt)))
            .catch(() => undefined);
        }
        resolve({ executionId, outcome });
      };
      const timer = setTimeout(answer, deadlineMs, DEADLINE);
      // Answers carry no secret the run knows (connection secrets, tokens), as records do not;
      // free without connections.
      const onRespond = (respond: RespondOutput) => answer({ kind: 'respond', respond: connections.scrub(respond) });
      void this.execute(flow, req.input, connections, onRespond).then((result) => {
        if (!answered) answer({ kind: 'done', result: connections.scrub(result) });
        const outcome = answered!;
        this.recordLater({ id: identityOf(req, executionId), flow, result, connections, fresh, outcome });
      });
    });
  }

  /**
   * Queues a finished synchronous run for the next event-loop turn: its caller's answer goes out
   * first (encoding the row and observing metrics in between cost ~7 % of IVR throughput at 10
   * connections), and the runs that ended in one turn share one setImmediate. The writer batches
   * every 25 ms anyway.
   */
  private recordLater(f: Finished): void {
    this.finished.push(f);
    if (this.finished.length === 1) setImmediate(this.recordFinished);
  }

  private readonly recordFinished = (): void => {
    const batch = this.finished;
    this.finished = [];
    for (const f of batch) {
      try {
        this.observe(f.id, f.flow, f.result);
        this.writer.enqueue(finishedRow(f.id, f.connections.scrub(f.result)), {
          fresh: f.fresh,
          answer: answerOf(f.id.trigger, f.outcome),
        });
      } catch (err) {
        this.logger.error({ err, executionId: f.id.executionId }, 'recording a run failed');
      } finally {
        this.leave();
      }
    }
  };

  /** A run left the in-flight count (recorded, or given up at shutdown). */
  private leave(): void {
    if (--this.inflight === 0) this.idle?.();
  }

  /**
   * Shutdown: waits for runs in flight (up to a grace period), aborts the rest, then writes the
   * rows they queued while the database is still open. Idempotent.
   */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      await this.settleRuns();
      await this.writer.flushAll();
    })();
    return this.draining;
  }

  private async settleRuns(): Promise<void> {
    if (this.inflight === 0) return;
    const all = new Promise<void>((resolve) => (this.idle = resolve));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, SHUTDOWN_GRACE_MS)))]);
    clearTimeout(timer);
    if (this.inflight > 0) {
      this.logger.warn({ runs: this.inflight }, 'aborting runs still in flight at shutdown');
      this.shutdown.abort(new Error('the process is shutting down'));
      await all;
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  private execute(
    flow: PublishedFlow,
    input: RunInput,
    connections: TenantConnections,
    onRespond: ((respond: RespondOutput) => void) | undefined,
  ): Promise<RunResult> {
    try {
      const compiled = this.engine.compile(flow.definition, flow.versionId);
      return this.engine.run(compiled, input, {
        hooks: onRespond ? { onRespond } : {},
        signal: this.shutdown,
        connections,
      });
    } catch (err) {
      // A published version should always compile; if it does not, the run fails like any other.
      const e = toEngineError(err);
      return Promise.resolve({
        status: 'failed',
        error: { code: e.code, message: e.message },
        steps: [],
        startedAt: new Date().toISOString(),
        durationMs: 0,
      });
    }
  }

  private observe(id: RunIdentity, flow: PublishedFlow, r: RunResult): void {
    this.metrics.observeRun(flow.key, id.trigger, r);
    // A successful run logs at debug only: not even the log object is built at other levels (one per IVR call).
    if (r.status === 'succeeded' && !this.debug) return;
    const log = {
      executionId: id.executionId,
      flow: flow.key,
      version: flow.version,
      trigger: id.trigger,
      status: r.status,
      durationMs: r.durationMs,
    };
    if (r.status === 'succeeded') this.logger.debug(log, 'run finished');
    else
      this.logger.warn(
        { ...log, code: r.error?.code, nodeId: r.error?.nodeId, message: r.error?.message },
        'run did not succeed',
      );
  }
}

function identityOf(
  req: Pick<RunRequest, 'flow' | 'input' | 'trigger' | 'eventId' | 'retryOf'>,
  executionId: string,
): RunIdentity {
  const { flow } = req;
  return {
    executionId,
    tenantId: flow.tenantId,
    flowId: flow.flowId,
    flowVersion: flow.version,
    trigger: req.trigger,
    input: req.input,
    eventId: req.eventId,
    retryOf: req.retryOf,
  };
}
