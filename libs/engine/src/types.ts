import type { RenderedRequest, RunInput, StepRecord as StepRecordOf, StepResponse } from '@callflow/flow';
import type { StepError } from './errors';
import type { TEMPLATE_WORK } from './template/budget';
import type { CancelSignal } from './runtime/run-cancel';
import type { SECRETS, SecretBag } from './template/secret-value';

export type { RunInput } from '@callflow/flow';

/** The data templates see: the input, plus outputs so far, vars, the node's connection and `now`. */
export interface TemplateScope extends RunInput {
  nodes: Record<string, unknown>;
  vars: Record<string, unknown>;
  connection?: Record<string, unknown>;
  /** The node's connection secrets, only for hash helpers (`{{md5 (concat … secrets.key)}}`); never a plain token. */
  [SECRETS]?: SecretBag;
  now: string;
  /** Template work the run has left (set by the run; no template can read it). */
  [TEMPLATE_WORK]?: number;
  /** On a batch node's each path: the chunk being run. */
  batch?: BatchScope;
}

/** What the nodes of a batch node's each path see as `batch.*`. */
export interface BatchScope {
  /** This chunk's items. */
  items: unknown[];
  /** 0-based number of this chunk. */
  index: number;
  /** How many chunks the list made. */
  count: number;
  /** The batch node's chunk size. */
  size: number;
  /** How many items the whole list has. */
  total: number;
}

/** What a node sent, what came back (libs/flow/src/api/executions.ts: the API answers these as they are). */
export type { RenderedRequest, StepResponse };

export type StepStatus = StepRecord['status'];

/** One executed node (libs/flow/src/api/executions.ts), with the engine's typed error. */
export type StepRecord = StepRecordOf<StepError>;

/** The answer a respond node produced for a synchronous trigger. */
export interface RespondOutput {
  status: number;
  headers: Record<string, string>;
  /** Parsed when JSON, else the text. */
  body: unknown;
  /** The rendered body text, as sent. */
  raw: string;
  contentType?: string;
  /** A passthrough answer's bytes (sent instead of `raw`). */
  bytes?: Buffer;
  /** Set when a step failed before this respond and the run went on by its `error` edge (a fallback answer). */
  handledError?: HandledError;
}

/** A step that failed and whose `error` edge the run followed: the run may succeed, but not silently. */
export interface HandledError {
  code: StepError['code'];
  message: string;
  nodeId: string;
  /** The node's name. */
  node: string;
}

export type RunStatus = 'succeeded' | 'failed' | 'timeout';

export interface RunResult {
  status: RunStatus;
  /** The first respond node's body (parsed when JSON), if one ran. */
  output?: unknown;
  respond?: RespondOutput;
  error?: StepError & { nodeId?: string };
  /** The first step that failed and was handled by its `error` edge (set on runs that did not fail). */
  handledError?: HandledError;
  steps: StepRecord[];
  startedAt: string;
  durationMs: number;
}

/** Per-run limits (defaults in DEFAULT_LIMITS). */
export interface RunLimits {
  /** Total time for the run; in-flight requests are aborted when it passes. */
  deadlineMs: number;
  maxSteps: number;
  maxOutboundCalls: number;
  /** Largest response body a request may read (default 5 MB). */
  maxResponseBytes: number;
  /** The same for an http node that reads its response as bytes (a recording it passes through). */
  maxBinaryResponseBytes: number;
  /** Response bodies in step records are cut past this many characters. */
  maxRecordedBodyChars: number;
  /** Nodes run inside batch chunks, in all (they do not count against maxSteps). */
  maxBatchSteps: number;
  /** Outbound calls made inside batch chunks, in all (they do not count against maxOutboundCalls). */
  maxBatchOutboundCalls: number;
  /** Template work units all renders of a run may spend together (TEMPLATE_LIMIT past it; see template/budget.ts). */
  maxTemplateWork: number;
  /** Template work units all batch chunks of a run may spend together (apart from maxTemplateWork). */
  maxBatchTemplateWork: number;
}

export const DEFAULT_LIMITS: RunLimits = {
  deadlineMs: 60_000,
  maxSteps: 1000,
  maxOutboundCalls: 100,
  maxResponseBytes: 5 * 1024 * 1024,
  // A 30-minute call recorded at 128 kbit/s; larger files: answer with a redirect instead.
  maxBinaryResponseBytes: 32 * 1024 * 1024,
  maxRecordedBodyChars: 64 * 1024,
  maxBatchSteps: 10_000,
  maxBatchOutboundCalls: 10_000,
  // Four renders at their own bound: a flow of hundreds of nodes cannot multiply it.
  maxTemplateWork: 16 * 1024 * 1024,
  // About 2 s of the heaviest template work in all, in slices (the run yields between nodes).
  maxBatchTemplateWork: 256 * 1024 * 1024,
};

/** Hooks the API uses to persist and to answer early. */
export interface RunHooks {
  /** Before each node of the main path runs (not inside batch chunks). Errors thrown here are ignored. */
  onNodeStart?(nodeId: string): void;
  /** After each node finishes (succeeded or failed). Errors thrown here are ignored. */
  onStep?(step: StepRecord): void;
  /** Once, when the first respond node produced its answer. */
  onRespond?(respond: RespondOutput): void;
}

/** What a connection added to a request: removed when a redirect leads to another origin. */
export interface AppliedCredentials {
  /** Header names (lower case). */
  headers: readonly string[];
  /** Query parameter names. */
  query: readonly string[];
  /** A token was placed in the body: a redirect that would carry the body to another origin is refused. */
  body?: boolean;
  /**
   * The credential values themselves (token, key, password, Basic's base64; hashes the node's
   * templates made of secrets). On a redirect to another origin a header holding one is dropped, and
   * a Location or a kept body holding one, in any encoding SecretMatcher knows, is refused.
   */
  values?: readonly string[];
}

/** A connection as the engine sees it (issue: connections). */
export interface ResolvedConnection {
  /** Non-secret fields, exposed to templates as `connection.*`. */
  fields: Record<string, unknown>;
  /**
   * Adds credentials to an outgoing request (headers, query, body or path) and says which. May fetch a token.
   * Throws CONNECTION_ORIGIN_NOT_ALLOWED first when `req.url` is not on one of the connection's
   * allowed origins: every path that sends credentials calls it with the URL it sends to.
   */
  authorize?(req: AuthorizableRequest, signal: CancelSignal): Promise<AppliedCredentials | void>;
  /**
   * Throws CONNECTION_ORIGIN_NOT_ALLOWED unless `url`'s origin is one the connection's credentials
   * may go to (authorize does it itself; a SOAP call checks its endpoint with it before WS-Security
   * credentials go into the envelope). Absent: the connection carries no credentials.
   */
  checkOrigin?(url: URL): void;
  /** Called once after a 401, before the single retry (token refresh). Returns false if nothing changed. */
  onUnauthorized?(): Promise<boolean>;
  /** SOAP WS-Security etc. */
  soapSecurity?: unknown;
  /** What `soapSecurity` puts in the envelope (its password): kept from other origins like `authorize`'s. */
  envelope?: AppliedCredentials;
  /** Secret values to scrub from step records. */
  secrets: string[];
  /** The connection's named secrets, readable by templates only through hash helpers. */
  secretBag?: SecretBag;
}

/** The parts of a rendered request a connection may add its credentials to. */
export interface AuthorizableRequest {
  url: URL;
  headers: Record<string, string>;
  /** The rendered body (a token may be placed in a JSON or form body). */
  body?: string;
}

export interface ConnectionResolver {
  resolve(connectionId: string): Promise<ResolvedConnection | undefined>;
}
