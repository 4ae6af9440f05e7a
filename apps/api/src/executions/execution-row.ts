import type { RunInput, RunResult } from '@callflow/engine';
import type { ExecutionStatus, ExecutionTrigger } from '@callflow/flow';
import type { ExecutionRow } from './row-encoding';

/** What identifies a run before it starts (the columns that do not depend on its result). */
export interface RunIdentity {
  executionId: string;
  tenantId: string;
  /** Null for a test run of a draft (no saved flow, no version). */
  flowId: string | null;
  flowVersion: number | null;
  trigger: ExecutionTrigger;
  input: RunInput;
  eventId?: string | null;
  retryOf?: string | null;
}

/** The call id of a run's input (`call.id`), for search. */
export function callIdOf(input: RunInput): string | null {
  return scalar(input.call?.id);
}

/** The phone of a run's input: the caller, else the contact. */
export function phoneOf(input: RunInput): string | null {
  return scalar(input.call?.callerId) ?? scalar(input.contact?.phone);
}

/** The row of a run not finished yet (`queued` or `running`). */
export function pendingRow(
  run: RunIdentity,
  status: Extract<ExecutionStatus, 'queued' | 'running'>,
  startedAt: Date,
): ExecutionRow {
  return {
    id: run.executionId,
    tenantId: run.tenantId,
    flowId: run.flowId,
    flowVersion: run.flowVersion,
    triggerType: run.trigger,
    status,
    eventId: run.eventId ?? null,
    callId: callIdOf(run.input),
    phone: phoneOf(run.input),
    input: run.input,
    output: null,
    error: null,
    steps: [],
    retryOf: run.retryOf ?? null,
    startedAt,
    finishedAt: null,
    durationMs: null,
  };
}

/** The row of a finished run. */
export function finishedRow(run: RunIdentity, result: RunResult): ExecutionRow {
  const started = Date.parse(result.startedAt);
  const error = result.error
    ? {
        code: result.error.code,
        message: result.error.message,
        ...(result.error.nodeId ? { nodeId: result.error.nodeId } : {}),
      }
    : result.handledError
      ? { ...result.handledError, handled: true }
      : null;
  // Built whole rather than spread over pendingRow: one object per IVR call instead of two.
  return {
    id: run.executionId,
    tenantId: run.tenantId,
    flowId: run.flowId,
    flowVersion: run.flowVersion,
    triggerType: run.trigger,
    status: result.status,
    eventId: run.eventId ?? null,
    callId: callIdOf(run.input),
    phone: phoneOf(run.input),
    input: run.input,
    output: result.output ?? null,
    error,
    steps: result.steps,
    retryOf: run.retryOf ?? null,
    startedAt: new Date(started),
    finishedAt: new Date(started + result.durationMs),
    durationMs: result.durationMs,
  };
}

function scalar(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
