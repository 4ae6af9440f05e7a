import type { ConnectionResolver, RunHooks, RunInput, RunLimits, RunResult } from '../types';
import { toEngineError } from '../errors';
import type { CompiledFlow } from './compile';
import { FINAL_STATES, NODE_FAILED } from './compile';
import type { EngineServices } from './executor';
import { isoTime } from './iso-time';
import type { CancelSignal } from './run-cancel';
import { RunState } from './run-state';

export interface RunOptions {
  hooks?: RunHooks;
  /**
   * Cancels the run (the in-flight request is aborted; the run ends as failed with RUN_ABORTED). An AbortSignal or a
   * RunCancel.
   */
  signal?: CancelSignal;
  /** The connections this run may use (e.g. the tenant's), instead of the engine-wide resolver. */
  connections?: ConnectionResolver;
}

/**
 * Logic nodes run back to back without waiting: after this long without a wait (heavy templates,
 * hundreds of nodes) the run lets the event loop serve other requests (health checks, IVR calls)
 * before it goes on. A normal run never reaches it (its nodes take microseconds).
 */
const YIELD_AFTER_MS = 8;

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs a compiled flow to its end and returns its status, the respond output and every step:
 * executes the node each state's entry names, then follows the machine's transition for the
 * handle the node left by (see compileFlow), until a final state. Never rejects.
 */
export async function runFlow(
  flow: CompiledFlow,
  input: RunInput,
  services: EngineServices,
  limits: RunLimits,
  opts: RunOptions = {},
): Promise<RunResult> {
  const runServices = opts.connections ? { ...services, connections: opts.connections } : services;
  const run = new RunState(flow, input, runServices, limits, opts.hooks ?? {});
  const timer = setTimeout(() => run.abort('deadline'), limits.deadlineMs);
  const onCancel = () => run.abort('cancelled');
  opts.signal?.addEventListener('abort', onCancel, { once: true });

  let state: string = FINAL_STATES.FAILED;
  try {
    let step = flow.start();
    // When the run last let other callbacks in (see YIELD_AFTER_MS).
    let slice = performance.now();
    while (step.execute !== null) {
      let outcome: string;
      let waited = false;
      try {
        const result = run.execute(step.execute);
        waited = result instanceof Promise;
        outcome = (result instanceof Promise ? await result : result).handle;
      } catch {
        outcome = NODE_FAILED; // RunState recorded the failure
      }
      const now = performance.now();
      if (waited) slice = now;
      else if (now - slice >= YIELD_AFTER_MS) {
        await yieldTurn();
        slice = performance.now();
      }
      step = flow.next(step.state, outcome);
    }
    state = step.state;
  } catch (err) {
    // Only a bug can land here (the machine or the run loop itself).
    const e = toEngineError(err);
    run.failure ??= { code: e.code, message: e.message };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
  }

  const failed = state !== FINAL_STATES.COMPLETED || run.failure !== undefined;
  const result: RunResult = {
    status: failed ? (run.failure?.code === 'RUN_DEADLINE' ? 'timeout' : 'failed') : 'succeeded',
    steps: run.steps,
    startedAt: isoTime(run.startedAt),
    durationMs: Date.now() - run.startedAt,
  };
  if (run.respond) {
    result.respond = run.respond;
    result.output = run.respond.body;
  }
  if (failed) result.error = run.failure ?? { code: 'INTERNAL', message: 'the run failed' };
  else if (run.handled) result.handledError = run.handled;
  return result;
}
