/**
 * What the HTTP API answers about runs (types only): executions, their steps and test runs. The
 * engine writes the step records (libs/engine re-exports these shapes); `Time` as in ./flows.ts.
 */
import type { z } from 'zod';
import type { runInputSchema } from '../definition';

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timeout';
export type ExecutionTrigger = 'test' | 'ivr' | 'event' | 'webhook' | 'retry';
export type RunStatus = 'succeeded' | 'failed' | 'timeout';

/** What a trigger hands to a run, every part optional (its schema: runInputSchema in ../definition.ts). */
export type RunInput = z.infer<typeof runInputSchema>;

/** The request a node sent, as rendered (secrets redacted). */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** SOAP: the operation and its rendered args. */
  operation?: string;
  args?: unknown;
}

/** What came back, for the step record (body truncated past the record limit). */
export interface StepResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  truncated?: boolean;
}

/** An error as a run reports it (the engine's StepError has a typed code and details). */
export interface RunErrorInfo {
  code: string;
  message: string;
}

/** One executed node. */
export interface StepRecord<E extends RunErrorInfo = RunErrorInfo> {
  /** 1-based order within the run. */
  seq: number;
  /** On a batch node's each path: the chunk (from 0) this step ran for (most chunks' steps are only counted). */
  chunk?: number;
  nodeId: string;
  name: string;
  type: string;
  status: 'succeeded' | 'failed';
  /** The handle the run left by (`success`, `error`, a rule handle, `next`). */
  handle?: string;
  startedAt: string;
  durationMs: number;
  attempts?: number;
  request?: RenderedRequest;
  response?: StepResponse;
  /** What the node exposed as `nodes.<name>` (for logic nodes: the set values, the matched rule). */
  output?: unknown;
  error?: E;
}

/** A row of GET /executions. */
export interface ExecutionSummary<Time = string> {
  id: string;
  /** Null for test runs of an unsaved draft. */
  flowId: string | null;
  /** The published version that ran; null for a draft test run. */
  flowVersion: number | null;
  triggerType: ExecutionTrigger;
  status: ExecutionStatus;
  eventId: string | null;
  callId: string | null;
  phone: string | null;
  startedAt: Time;
  finishedAt: Time | null;
  durationMs: number | null;
  /** Why the run failed; on a run that did not fail, the first failed step its `error` edge handled (`handled`). */
  error: (RunErrorInfo & { nodeId?: string; node?: string; handled?: boolean }) | null;
  /** The execution this one retried. */
  retryOf: string | null;
}

/** GET /executions/:id: the whole run (steps redacted by the engine). */
export interface ExecutionDetail<Time = string> extends ExecutionSummary<Time> {
  input: RunInput;
  output: unknown;
  steps: StepRecord[];
}

/** What a batch node's step records as its output: the summary, which chunks' steps were kept, the first results. */
export interface BatchStepRecord {
  total: number;
  chunks: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** The chunks (0-based) whose steps the run's record keeps. */
  recordedChunks: number[];
  /** Steps of the other chunks, left out of the record. */
  omittedSteps: number;
  firstResults: unknown[];
}

/** What starts a run and answers at once (a retry, a queued run): the execution to follow. */
export interface ExecutionRef {
  executionId: string;
}

/** GET /executions/latest-by-flow: each asked flow's newest run (flows without a run are left out). */
export interface LatestRun<Time = string> {
  flowId: string;
  id: string;
  status: ExecutionStatus;
  startedAt: Time;
}

/** The answer a respond node produced, as a test run reports it. */
export interface RespondView {
  status: number;
  headers: Record<string, string>;
  /** Parsed when JSON, else the text. */
  body: unknown;
  /** The rendered body text, as sent. */
  raw: string;
  contentType?: string;
}

/** POST /flows/test-run. */
export interface TestRunResult {
  /** The execution recorded for this run (GET /executions/:id). */
  id: string;
  status: RunStatus;
  output: unknown;
  respond: RespondView | null;
  error: (RunErrorInfo & { nodeId?: string }) | null;
  steps: StepRecord[];
}
