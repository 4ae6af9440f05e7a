import { EngineError, toEngineError, type StepError } from '../errors';
import type { RespondOutput, RunHooks, RunInput, RunLimits, StepRecord, TemplateScope } from '../types';
import { TEMPLATE_WORK } from '../template/budget';
import type { CompiledFlow, CompiledNode } from './compile';
import type { EngineServices, NodeResult, NodeRunContext } from './executor';
import { isoTime } from './iso-time';
import { Redactor, truncateBody, truncateOutput } from './redact';
import { RunCancel } from './run-cancel';

/** Node types whose step records carry their output (requests carry request/response instead). */
const LOGIC_OUTPUT = new Set(['set', 'condition', 'respond']);

/**
 * Builds the template scope from a run's input; only known parts are copied. The run's template
 * work budget rides on it (under a symbol: no template reads it).
 */
function scopeFrom(input: RunInput, now: string, templateWork: number): TemplateScope {
  const scope: TemplateScope = { nodes: Object.create(null), vars: Object.create(null), now, [TEMPLATE_WORK]: templateWork };
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
  respond?: RespondOutput;
  private outboundCalls = 0;
  /** Rejects the request node in flight (see raceDeadline). */
  private racing: ((err: Error) => void) | undefined;

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
        if (++this.outboundCalls > limits.maxOutboundCalls) throw new EngineError('MAX_OUTBOUND_CALLS', `the run made more than ${limits.maxOutboundCalls} outbound calls`);
      },
      addSecrets: (values) => this.redactor.add(values),
    };
  }

  /**
   * Runs one node, records its step, and returns its result. Throws (or rejects) to fail the run.
   * A logic node's result comes back synchronously: no promise and no microtask turn per node.
   */
  execute(nodeId: string): NodeResult | Promise<NodeResult> {
    const node = this.flow.nodes.get(nodeId)!;
    const started = Date.now();
    const t0 = performance.now();
    let result: NodeResult | Promise<NodeResult>;
    try {
      this.checkLimits();
      result = node.prepared.run(this.ctx);
    } catch (err) {
      return this.settle(node, started, t0, this.caught(node, started, t0, err));
    }
    if (!(result instanceof Promise)) return this.settle(node, started, t0, result);
    // Only nodes that wait on the network can outlive the deadline; logic nodes finish at once.
    const pending = node.parsed.spec.category === 'request' ? this.raceDeadline(result) : result;
    return pending.then(
      (r) => this.settle(node, started, t0, r),
      (err: unknown) => this.settle(node, started, t0, this.caught(node, started, t0, err)),
    );
  }

  /** A node that threw: the run ends (limits, bugs, no error edge), or the node leaves by `error`. */
  private caught(node: CompiledNode, started: number, t0: number, err: unknown): NodeResult {
    const nodeId = node.parsed.node.id;
    const e = this.cancel.aborted || this.timedOutAtDeadline(err) ? this.deadlineError() : toEngineError(err);
    // Limits and our own bugs end the run; other failures follow the node's `error` edge if it has one.
    if (e.category === 'limit' || e.category === 'bug' || !node.hasErrorHandle) {
      const error = { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
      this.record(node.parsed.node, started, t0, { handle: 'error', error });
      this.failure = { ...error, nodeId };
      throw e;
    }
    return { handle: 'error', error: { code: e.code, message: e.message }, output: { error: { code: e.code, message: e.message } } };
  }

  /** Records a node's result and applies it (outputs, vars, the first respond); throws when it ends the run. */
  private settle(node: CompiledNode, started: number, t0: number, result: NodeResult): NodeResult {
    const def = node.parsed.node;
    const nodeId = def.id;
    if ((result.error?.code === 'RUN_ABORTED' && this.cancel.aborted) || this.timedOutAtDeadline(result.error)) {
      const e = this.deadlineError();
      this.record(def, started, t0, { ...result, error: { code: e.code, message: e.message } });
      this.failure = { code: e.code, message: e.message, nodeId };
      throw e;
    }
    if (result.output !== undefined) this.scope.nodes[def.name] = result.output;
    if (result.vars) for (const [k, v] of Object.entries(result.vars)) this.scope.vars[k] = v;
    this.record(def, started, t0, result);
    if (result.respond && !this.respond) {
      this.respond = result.respond;
      this.safeHook(() => this.hooks.onRespond?.(result.respond!));
    }
    if (result.handle === 'error' && !node.parsed.next.has('error')) {
      this.failure = { ...(result.error ?? { code: 'INTERNAL', message: 'node failed' }), nodeId };
    }
    return result;
  }

  /** Aborts whatever is in flight (deadline or cancellation). */
  abort(reason: 'deadline' | 'cancelled'): void {
    if (this.cancel.aborted) return;
    this.cancel.abort(reason);
    this.racing?.(this.deadlineError());
  }

  /**
   * A request's own timeout is capped at the time left in the run, so it can fire a moment
   * before the run's deadline timer: that is the deadline, not a remote timeout.
   */
  private timedOutAtDeadline(err: unknown): boolean {
    return (err as { code?: string } | undefined)?.code === 'HTTP_TIMEOUT' && Date.now() >= this.deadlineAt - 2;
  }

  private checkLimits(): void {
    if (this.cancel.aborted || Date.now() >= this.deadlineAt) throw this.deadlineError();
    if (this.steps.length >= this.limits.maxSteps) throw new EngineError('MAX_STEPS', `the run exceeded ${this.limits.maxSteps} steps`);
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
  private raceDeadline<T>(p: Promise<T>): Promise<T> {
    if (this.cancel.aborted) return Promise.reject(this.deadlineError());
    return new Promise<T>((resolve, reject) => {
      this.racing = reject;
      p.then(
        (v) => ((this.racing = undefined), resolve(v)),
        (e: unknown) => ((this.racing = undefined), reject(e)),
      );
    });
  }

  private record(def: { id: string; name: string; type: string }, started: number, t0: number, r: Partial<NodeResult>): void {
    const step: StepRecord = {
      seq: this.steps.length + 1,
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
    if (r.output !== undefined && LOGIC_OUTPUT.has(def.type)) {
      step.output = this.redactor.value(truncateOutput(r.output, this.limits.maxRecordedBodyChars));
    }
    if (r.error) step.error = { code: r.error.code, message: this.redactor.text(r.error.message), ...(r.error.details ? { details: this.redactor.value(r.error.details) as Record<string, unknown> } : {}) };
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
