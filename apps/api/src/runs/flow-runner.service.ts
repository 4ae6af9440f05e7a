import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { FlowEngine, RunCancel, toEngineError, type RespondOutput, type RunInput, type RunResult } from '@callflow/engine';
import type { ExecutionTrigger } from '../executions/execution.entity';
import { ConnectionsResolverFactory, type TenantConnections } from '../connections/connections-resolver.factory';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { MetricsService } from '../metrics/metrics.service';
import { finishedRow, pendingRow, type RunIdentity } from './execution-row';
import type { PublishedFlow } from './published-flows.service';
import { uuidv7 } from '../common/uuid7';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** Resolves after the I/O callbacks already due (the answer's write among them). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  /**
   * Queue runs: a `running` row is written first, and a run aborted by shutdown is not recorded
   * (its job is retried elsewhere instead).
   */
  durable?: boolean;
  onRespond?(respond: RespondOutput): void;
}

export interface StartedRun {
  executionId: string;
  /** The run's result; never rejects. */
  result: Promise<RunResult>;
  /**
   * Durable (queue) runs: resolves true once the final row is written, false when the run was
   * abandoned at shutdown; rejects when the write failed. Other runs: true once the row is queued
   * (written within the writer's flush interval, and at shutdown).
   */
  recorded: Promise<boolean>;
}

/** How a synchronous trigger's wait ended: a respond node answered, the run ended first, or the deadline passed. */
export type SyncOutcome = { kind: 'respond'; respond: RespondOutput } | { kind: 'done'; result: RunResult } | { kind: 'deadline' };

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
  /** Aborts the runs still in flight at the end of the grace period (a RunCancel: one listener per run, added and removed at no cost). */
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

  /** Starts a run; the caller decides what to wait for. */
  start(req: RunRequest): StartedRun {
    return this.launch(req).run;
  }

  /** Starts a run; `writePending` records a `running` row before the final one (a sync run past its deadline). */
  private launch(req: RunRequest): { run: StartedRun; writePending(startedAt: Date): void } {
    const { flow } = req;
    const id = identityOf(req, req.executionId ?? uuidv7());
    // The final row of a run nothing else wrote a row for is a plain insert (no upsert).
    let fresh = !req.durable && req.executionId === undefined;
    const writePending = (startedAt: Date) => {
      fresh = false;
      this.writer.record(pendingRow(id, 'running', startedAt)).catch(() => undefined);
    };
    if (req.durable) writePending(new Date());
    // The tenant's connections only; the result is scrubbed of their secrets before it is recorded.
    const connections = this.connections.forTenant(flow.tenantId);
    const result = this.execute(req, connections);
    // One async function records the run and leaves `inflight` (fewer promises than then/finally/catch chains: one per IVR call).
    this.inflight++;
    const recorded = (async () => {
      try {
        const r = await result;
        // The caller's answer goes out first: without this turn the row was encoded (and metrics
        // observed) between the respond node and the IVR's answer, ~7 % of its throughput at 10
        // connections. The writer batches every 25 ms anyway.
        if (!req.durable) await nextTurn();
        this.observe(id, flow, r);
        if (req.durable && this.shutdown.aborted && r.error?.code === 'RUN_ABORTED') return false;
        const row = finishedRow(id, connections.scrub(r));
        // A queue run frees its slot once its row is durable; other runs only queue theirs (nothing waits on it).
        if (req.durable) await this.writer.record(row, { urgent: true, fresh });
        else this.writer.enqueue(row, { fresh });
        return true;
      } finally {
        if (--this.inflight === 0) this.idle?.();
      }
    })();
    recorded.catch(() => undefined);
    return { run: { executionId: id.executionId, result, recorded }, writePending };
  }

  /**
   * Starts a run for a synchronous trigger and waits for its first respond, its end, or
   * `deadlineMs`, whichever comes first. The run goes on after the answer and is recorded when it
   * ends; past the deadline a `running` row is written at once so the execution id is visible.
   */
  async startSync(req: Omit<RunRequest, 'onRespond' | 'durable'>, deadlineMs: number): Promise<{ executionId: string; outcome: SyncOutcome }> {
    const startedAt = new Date();
    let settle!: (o: SyncOutcome) => void;
    const outcome = new Promise<SyncOutcome>((resolve) => (settle = resolve));
    const { run, writePending } = this.launch({ ...req, onRespond: (respond) => settle({ kind: 'respond', respond }) });
    const timer = setTimeout(() => settle({ kind: 'deadline' }), deadlineMs);
    void run.result.then((result) => settle({ kind: 'done', result }));
    const o = await outcome;
    clearTimeout(timer);
    if (o.kind === 'deadline') writePending(startedAt);
    return { executionId: run.executionId, outcome: o };
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

  private execute(req: RunRequest, connections: TenantConnections): Promise<RunResult> {
    try {
      const compiled = this.engine.compile(req.flow.definition, req.flow.versionId);
      return this.engine.run(compiled, req.input, { hooks: req.onRespond ? { onRespond: req.onRespond } : {}, signal: this.shutdown, connections });
    } catch (err) {
      // A published version should always compile; if it does not, the run fails like any other.
      const e = toEngineError(err);
      return Promise.resolve({ status: 'failed', error: { code: e.code, message: e.message }, steps: [], startedAt: new Date().toISOString(), durationMs: 0 });
    }
  }

  private observe(id: RunIdentity, flow: PublishedFlow, r: RunResult): void {
    this.metrics.observeRun(flow.key, id.trigger, r);
    // A successful run logs at debug only: not even the log object is built at other levels (one per IVR call).
    if (r.status === 'succeeded' && !this.debug) return;
    const log = { executionId: id.executionId, flow: flow.key, version: flow.version, trigger: id.trigger, status: r.status, durationMs: r.durationMs };
    if (r.status === 'succeeded') this.logger.debug(log, 'run finished');
    else this.logger.warn({ ...log, code: r.error?.code, nodeId: r.error?.nodeId, message: r.error?.message }, 'run did not succeed');
  }
}

function identityOf(req: Pick<RunRequest, 'flow' | 'input' | 'trigger' | 'eventId' | 'retryOf'>, executionId: string): RunIdentity {
  const { flow } = req;
  return { executionId, tenantId: flow.tenantId, flowId: flow.flowId, flowVersion: flow.version, trigger: req.trigger, input: req.input, eventId: req.eventId, retryOf: req.retryOf };
}
