import { createActor } from 'xstate';
import type { ConnectionResolver, RunHooks, RunInput, RunLimits, RunResult } from '../types';
import type { CompiledFlow } from './compile';
import { FINAL_STATES } from './compile';
import type { EngineServices } from './executor';
import { RunState } from './run-state';

export interface RunOptions {
  hooks?: RunHooks;
  /** Cancels the run (the in-flight request is aborted; the run ends as failed with RUN_ABORTED). */
  signal?: AbortSignal;
  /** The connections this run may use (e.g. the tenant's), instead of the engine-wide resolver. */
  connections?: ConnectionResolver;
}

/** Runs a compiled flow to its end and returns its status, the respond output and every step. */
export function runFlow(flow: CompiledFlow, input: RunInput, services: EngineServices, limits: RunLimits, opts: RunOptions = {}): Promise<RunResult> {
  const runServices = opts.connections ? { ...services, connections: opts.connections } : services;
  const run = new RunState(flow, input, runServices, limits, opts.hooks ?? {});
  const timer = setTimeout(() => run.abort('deadline'), limits.deadlineMs);
  const onCancel = () => run.abort('cancelled');
  opts.signal?.addEventListener('abort', onCancel, { once: true });

  return new Promise<RunResult>((resolve) => {
    const actor = createActor(flow.machine, { input: { run } });
    const finish = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCancel);
      const snapshot = actor.getSnapshot();
      const failed = snapshot.value === FINAL_STATES.FAILED || snapshot.status === 'error' || run.failure !== undefined;
      const result: RunResult = {
        status: failed ? (run.failure?.code === 'RUN_DEADLINE' ? 'timeout' : 'failed') : 'succeeded',
        steps: run.steps,
        startedAt: new Date(run.startedAt).toISOString(),
        durationMs: Date.now() - run.startedAt,
      };
      if (run.respond) {
        result.respond = run.respond;
        result.output = run.respond.body;
      }
      if (failed) result.error = run.failure ?? { code: 'INTERNAL', message: 'the run failed' };
      actor.stop();
      resolve(result);
    };
    actor.subscribe({ complete: finish, error: finish });
    actor.start();
  });
}
