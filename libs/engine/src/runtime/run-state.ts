import { EngineError, ERROR_CODES, toEngineError, type StepError } from '../errors';
import type {
  BatchScope,
  HandledError,
  RespondOutput,
  RunHooks,
  RunInput,
  RunLimits,
  StepRecord,
  TemplateScope,
} from '../types';
import { TEMPLATE_WORK } from '../template/budget';
import { FINAL_STATES, NODE_FAILED, stateKey, type CompiledFlow, type CompiledNode } from './compile';
import type { EngineServices, NodeResult, NodeRunContext, PathResult } from './executor';
import { isoTime } from './iso-time';
import { Redactor, truncateBody, truncateOutput } from './redact';
import { RunCancel } from './run-cancel';

/**
 * A path run inside the run for one batch chunk: its own scope (copies of `nodes` and `vars`, plus
 * `batch`), its own failure and deadline race; its steps are buffered for the batch node to keep or
 * summarise. The main path has no Lane object (nothing extra per IVR call).
 */
interface Lane {
  readonly scope: TemplateScope;
  readonly ctx: NodeRunContext;
  readonly chunk: number;
  readonly steps: StepRecord[];
  failure?: StepError & { nodeId?: string };
  racing?: (err: Error) => void;
  /** The output of the last node the lane ran. */
  last?: unknown;
}

const copyOf = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.assign(Object.create(null) as Record<string, unknown>, o);

/**
 * Builds the template scope from a run's input; only known parts are copied. The run's template
 * work budget rides on it (under a symbol: no template reads it).
 */
function scopeFrom(input: RunInput, now: string, templateWork: number): TemplateScope {
  const scope: TemplateScope = {
    nodes: Object.create(null),
    vars: Object.create(null),
    now,
    [TEMPLATE_WORK]: templateWork,
  };
  if (input.call !== undefined) scope.call = input.call;
  if (input.contact !== undefined) scope.contact = input.contact;
  if (input.campaign !== undefined) scope.campaign = input.campaign;
  if (input.ivr !== undefined) scope.ivr = input.ivr;
  if (input.event !== undefined) scope.event = input.event;
  if (input.request !== undefined) scope.request = input.request;
  return scope;
}

/** The mutable state of one run, and the step runner every node actor calls. */
export class RunState {
  readonly scope: TemplateScope;
  readonly steps: StepRecord[] = [];
  readonly startedAt = Date.now();
  readonly deadlineAt: number;
  readonly cancel = new RunCancel();
  readonly redactor = new Redactor();
  readonly ctx: NodeRunContext;
  failure?: StepError & { nodeId?: string };
  /** The first failed step whose `error` edge the run followed. */
  handled?: HandledError;
  respond?: RespondOutput;
  private outboundCalls = 0;
  /** Steps run on the main path (chunk steps count apart, against maxBatchSteps). */
  private mainSteps = 0;
  private batchSteps = 0;
  private batchOutboundCalls = 0;
  /** Template work the run's batch chunks have left (set when the first chunk starts). */
  private batchTemplateWork: number | undefined;
  /** Batch chunks in flight (created by the first batch). */
  private lanes: Set<Lane> | undefined;
  /** Rejects the request node in flight (see raceDeadline). */
  racing: ((err: Error) => void) | undefined;

  constructor(
    private readonly flow: CompiledFlow,
    input: RunInput,
    services: EngineServices,
    readonly limits: RunLimits,
    private readonly hooks: RunHooks,
  ) {
    this.scope = scopeFrom(input, isoTime(this.startedAt), limits.maxTemplateWork);
    this.deadlineAt = this.startedAt + limits.deadlineMs;
    this.ctx = {
      scope: this.scope,
      services,
      limits,
      deadlineAt: this.deadlineAt,
      signal: this.cancel,
      countOutbound: () => {
        if (++this.outboundCalls > limits.maxOutboundCalls)
          throw new EngineError(
            'MAX_OUTBOUND_CALLS',
            `the run made more than ${limits.maxOutboundCalls} outbound calls`,
          );
      },
      addSecrets: (values) => this.redactor.add(values),
      runPath: (nodeId, handle, batch) => this.runPath(nodeId, handle, batch),
    };
  }

  /**
   * Runs the path behind `handle` of `nodeId` as one batch chunk: from the machine's transition
   * for that handle to a final state, with the chunk's scope. Never rejects: a failure (a limit
   * too) is in the result, and the batch node decides what it means for the run.
   */
  async runPath(nodeId: string, handle: string, batch: BatchScope): Promise<PathResult> {
    const scope: TemplateScope = {
      ...this.scope,
      nodes: copyOf(this.scope.nodes),
      vars: copyOf(this.scope.vars),
      batch,
    };
    // Every chunk draws on the run's one budget for batch work (a copy per chunk would multiply it):
    // larger than the main path's, as a batch renders a whole list (26,000 calls: ~25M units).
    this.batchTemplateWork ??= this.limits.maxBatchTemplateWork;
    Object.defineProperty(scope, TEMPLATE_WORK, {
      get: () => this.batchTemplateWork,
      set: (v: number) => (this.batchTemplateWork = v),
    });
    const limits = this.limits;
    const ctx: NodeRunContext = {
      ...this.ctx,
      scope,
      countOutbound: () => {
        if (++this.batchOutboundCalls > limits.maxBatchOutboundCalls) {
          const message = `the run's batch chunks made more than ${limits.maxBatchOutboundCalls} outbound calls`;
          throw new EngineError('MAX_OUTBOUND_CALLS', message);
        }
      },
      runPath: undefined,
    };
    const lane: Lane = { scope, ctx, chunk: batch.index, steps: [] };
    (this.lanes ??= new Set()).add(lane);
    try {
      let step = this.flow.next(stateKey(nodeId), handle);
      while (step.execute !== null) {
        let outcome: string;
        try {
          const result = this.execute(step.execute, lane);
          outcome = (result instanceof Promise ? await result : result).handle;
        } catch {
          outcome = NODE_FAILED; // recorded in the lane
        }
        step = this.flow.next(step.state, outcome);
      }
      const ok = step.state === FINAL_STATES.COMPLETED && lane.failure === undefined;
      const error = lane.failure ?? (ok ? undefined : { code: 'INTERNAL' as const, message: 'the chunk failed' });
      return { ok, output: lane.last, ...(error ? { error } : {}), steps: lane.steps };
    } finally {
      this.lanes?.delete(lane);
    }
  }

  /**
   * Runs one node, records its step, and returns its result. Throws (or rejects) to fail the run.
   * A logic node's result comes back synchronously: no promise and no microtask turn per node.
   */
  execute(nodeId: string, lane?: Lane): NodeResult | Promise<NodeResult> {
    const node = this.flow.nodes.get(nodeId)!;
    const started = Date.now();
    const t0 = performance.now();
    let result: NodeResult | Promise<NodeResult>;
    try {
      this.checkLimits(lane);
      if (this.hooks.onNodeStart && !lane) this.safeHook(() => this.hooks.onNodeStart!(nodeId));
      result = node.prepared.run(lane ? lane.ctx : this.ctx);
    } catch (err) {
      return this.settle(node, started, t0, this.caught(node, started, t0, err, lane), lane);
    }
    if (!(result instanceof Promise)) return this.settle(node, started, t0, result, lane);
    // Only nodes that wait on the network can outlive the deadline; logic nodes finish at once.
    const pending = node.parsed.spec.category === 'request' ? this.raceDeadline(result, lane) : result;
    return pending.then(
      (r) => this.settle(node, started, t0, r, lane),
      (err: unknown) => this.settle(node, started, t0, this.caught(node, started, t0, err, lane), lane),
    );
  }

  /** A node that threw: the run ends (limits, bugs, no error edge), or the node leaves by `error`. */
  private caught(node: CompiledNode, started: number, t0: number, err: unknown, lane?: Lane): NodeResult {
    const nodeId = node.parsed.node.id;
    const e = this.cancel.aborted || this.timedOutAtDeadline(err) ? this.deadlineError() : toEngineError(err);
    // Limits and our own bugs end the run (in a chunk: its path); other failures follow the node's `error` edge if any.
    if (e.category === 'limit' || e.category === 'bug' || !node.hasErrorHandle) {
      const error = { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
      this.record(node, started, t0, { handle: 'error', error }, lane);
      (lane ?? this).failure = { ...error, nodeId };
      throw e;
    }
    return {
      handle: 'error',
      error: { code: e.code, message: e.message },
      output: { error: { code: e.code, message: e.message } },
    };
  }

  /** Records a node's result and applies it (outputs, vars, the first respond); throws when it ends the run. */
  private settle(node: CompiledNode, started: number, t0: number, result: NodeResult, lane?: Lane): NodeResult {
    const def = node.parsed.node;
    const nodeId = def.id;
    if (result.childSteps) for (const step of result.childSteps) this.keep(step);
    // A node may report a limit (a batch whose chunk hit one): it ends the run like a thrown one.
    const limit = result.error !== undefined && ERROR_CODES[result.error.code]?.category === 'limit';
    if (limit || this.timedOutAtDeadline(result.error)) {
      const e =
        limit && !this.cancel.aborted
          ? new EngineError(result.error!.code, result.error!.message)
          : this.deadlineError();
      this.record(node, started, t0, { ...result, error: { code: e.code, message: e.message } }, lane);
      (lane ?? this).failure = { code: e.code, message: e.message, nodeId };
      throw e;
    }
    const scope = lane ? lane.scope : this.scope;
    if (result.output !== undefined) scope.nodes[def.name] = result.output;
    if (result.vars) for (const [k, v] of Object.entries(result.vars)) scope.vars[k] = v;
    if (lane) lane.last = result.output;
    this.record(node, started, t0, result, lane);
    if (result.handle === 'error' && result.error && !this.handled && node.parsed.next.has('error')) {
      const { code, message } = result.error;
      this.handled = { code, message: this.redactor.text(message), nodeId, node: def.name };
    }
    if (result.respond && !this.respond) {
      if (this.handled) result.respond.handledError = this.handled;
      this.respond = result.respond;
      this.safeHook(() => this.hooks.onRespond?.(result.respond!));
    }
    if (result.handle === 'error' && !node.parsed.next.has('error')) {
      (lane ?? this).failure = { ...(result.error ?? { code: 'INTERNAL', message: 'node failed' }), nodeId };
    }
    return result;
  }

  /** Aborts whatever is in flight (deadline or cancellation). */
  abort(reason: 'deadline' | 'cancelled'): void {
    if (this.cancel.aborted) return;
    this.cancel.abort(reason);
    this.racing?.(this.deadlineError());
    if (this.lanes) for (const lane of this.lanes) lane.racing?.(this.deadlineError());
  }

  /**
   * A request's own timeout is capped at the time left in the run, so it can fire a moment
   * before the run's deadline timer: that is the deadline, not a remote timeout.
   */
  private timedOutAtDeadline(err: unknown): boolean {
    return (err as { code?: string } | undefined)?.code === 'HTTP_TIMEOUT' && Date.now() >= this.deadlineAt - 2;
  }

  private checkLimits(lane: Lane | undefined): void {
    if (this.cancel.aborted || Date.now() >= this.deadlineAt) throw this.deadlineError();
    if (!lane) {
      if (this.mainSteps >= this.limits.maxSteps) {
        throw new EngineError('MAX_STEPS', `the run exceeded ${this.limits.maxSteps} steps`);
      }
    } else if (++this.batchSteps > this.limits.maxBatchSteps) {
      throw new EngineError('MAX_STEPS', `the run's batch chunks ran more than ${this.limits.maxBatchSteps} nodes`);
    }
  }

  private deadlineError(): EngineError {
    return this.cancel.reason === 'cancelled'
      ? new EngineError('RUN_ABORTED', 'the run was cancelled')
      : new EngineError('RUN_DEADLINE', `the run passed its ${this.limits.deadlineMs} ms deadline`);
  }

  /**
   * A node that ignores the abort signal must not keep the run alive past its deadline. Nodes run
   * one at a time, so `abort` rejects the one race in flight directly (no listener per node).
   */
  private raceDeadline<T>(p: Promise<T>, lane?: Lane): Promise<T> {
    if (this.cancel.aborted) return Promise.reject(this.deadlineError());
    const holder: { racing?: (err: Error) => void } = lane ?? this;
    return new Promise<T>((resolve, reject) => {
      holder.racing = reject;
      p.then(
        (v) => ((holder.racing = undefined), resolve(v)),
        (e: unknown) => ((holder.racing = undefined), reject(e)),
      );
    });
  }

  private record(node: CompiledNode, started: number, t0: number, r: Partial<NodeResult>, lane?: Lane): void {
    const def = node.parsed.node;
    const step: StepRecord = {
      seq: lane ? 0 : this.steps.length + 1,
      nodeId: def.id,
      name: def.name,
      type: def.type,
      status: r.error ? 'failed' : 'succeeded',
      handle: r.handle,
      startedAt: isoTime(started),
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    };
    if (r.attempts !== undefined) step.attempts = r.attempts;
    if (r.request) step.request = this.redactor.request(r.request);
    if (r.response) {
      const { body, truncated } = truncateBody(r.response.body, this.limits.maxRecordedBodyChars, r.responseBytes);
      step.response = this.redactor.response({ ...r.response, body, ...(truncated ? { truncated } : {}) });
    }
    const output = r.record ?? r.output;
    // Logic nodes' steps carry their output; request nodes' carry request/response instead (spec.recordsOutput).
    if (output !== undefined && node.parsed.spec.recordsOutput) {
      step.output = this.redactor.value(truncateOutput(output, this.limits.maxRecordedBodyChars));
    }
    if (r.error)
      step.error = {
        code: r.error.code,
        message: this.redactor.text(r.error.message),
        ...(r.error.details ? { details: this.redactor.value(r.error.details) as Record<string, unknown> } : {}),
      };
    if (lane) {
      step.chunk = lane.chunk;
      lane.steps.push(step);
      return;
    }
    this.mainSteps++;
    this.steps.push(step);
    this.safeHook(() => this.hooks.onStep?.(step));
  }

  /** Adds a chunk's step (recorded in its lane) to the run's record. */
  private keep(step: StepRecord): void {
    step.seq = this.steps.length + 1;
    this.steps.push(step);
    this.safeHook(() => this.hooks.onStep?.(step));
  }

  private safeHook(fn: () => void): void {
    try {
      fn();
    } catch {
      // A failing hook must not change the run's outcome.
    }
  }
}
