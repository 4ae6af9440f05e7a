import type { AnyNodeSpec, ConfigOf, FlowNode, NodeType } from '@callflow/flow';
import type { StepError } from '../errors';
import type {
  BatchScope,
  ConnectionResolver,
  RenderedRequest,
  RunLimits,
  StepRecord,
  StepResponse,
  TemplateScope,
} from '../types';
import type { OutboundClient } from '../outbound/outbound-client';
import type { SoapService } from '../soap/soap.service';
import type { CancelSignal } from './run-cancel';

/** Long-lived services shared by all runs of an engine. */
export interface EngineServices {
  outbound: OutboundClient;
  soap: SoapService;
  connections?: ConnectionResolver;
}

/** What a node sees while it runs. */
export interface NodeRunContext {
  /** Template data: input, nodes.<name>, vars, now (and `connection` when the node sets it). */
  scope: TemplateScope;
  services: EngineServices;
  limits: RunLimits;
  /** Epoch ms at which the run's deadline passes. */
  deadlineAt: number;
  /** Aborted when the run's deadline passes or the run is cancelled. */
  signal: CancelSignal;
  /** Counts one outbound call against the run's budget; throws MAX_OUTBOUND_CALLS past it. */
  countOutbound(): void;
  /** Secrets of connections used so far in the run, scrubbed from step records. */
  addSecrets(values: string[]): void;
  /**
   * Runs the path behind `handle` of node `nodeId` once, with `batch` in its scope and its own
   * copies of `nodes` and `vars` (a batch chunk). Never rejects; set on the run's main path only.
   */
  runPath?(nodeId: string, handle: string, batch: BatchScope): Promise<PathResult>;
}

/** How a path run by `runPath` ended. */
export interface PathResult {
  /** It reached its end without an unhandled failure. */
  ok: boolean;
  /** The output of the last node it ran (undefined when that node has none). */
  output: unknown;
  error?: StepError;
  /** Its steps, not yet in the run's record (`seq` 0); the caller may keep them with NodeResult.childSteps. */
  steps: StepRecord[];
}

/** The outcome of one node. */
export interface NodeResult {
  /** The handle to leave by; `error` with no edge fails the run. */
  handle: string;
  /** Exposed as `nodes.<name>`. */
  output?: unknown;
  /** Variables to merge into `vars` (set node). */
  vars?: Record<string, unknown>;
  request?: RenderedRequest;
  response?: StepResponse;
  /**
   * The response body's size as received, in bytes: a parsed body this small need not be measured for the record (see
   * truncateBody).
   */
  responseBytes?: number;
  error?: StepError;
  attempts?: number;
  /** A respond node's answer. */
  respond?: import('../types').RespondOutput;
  /** What the step records as its output instead of `output` (a summary of a large output). */
  record?: unknown;
  /** Steps of paths the node ran (batch chunks), recorded before the node's own step. */
  childSteps?: StepRecord[];
}

/** A node compiled once per flow version (templates compiled, config parsed). */
export interface PreparedNode {
  /** Logic nodes answer synchronously (no promise, no microtask turn); request nodes return a promise. */
  run(ctx: NodeRunContext): NodeResult | Promise<NodeResult>;
}

/** The engine half of a node type: turns a node (config already parsed by its spec) into a PreparedNode. */
export interface NodeExecutor<C = any, T extends string = string> {
  type: T;
  prepare(node: Omit<FlowNode, 'type' | 'config'> & { type: T; config: C }): PreparedNode;
}

/** The executor of node type `T`, its `prepare` given `T`'s parsed config. */
export type ExecutorOf<T extends NodeType> = NodeExecutor<ConfigOf<T>, T>;

/**
 * Defines the executor of `spec`'s node type: `impl.prepare` receives the node with the config
 * typed (and already parsed, defaults applied) by the spec's schema, so it needs no casts.
 */
export function defineExecutor<S extends AnyNodeSpec>(
  spec: S,
  impl: Pick<ExecutorOf<S['type']>, 'prepare'>,
): ExecutorOf<S['type']> {
  return { type: spec.type, prepare: impl.prepare };
}
