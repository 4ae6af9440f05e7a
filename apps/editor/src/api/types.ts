/**
 * Shapes of the HTTP API (design.md §5) as the editor reads them. Fields the server may or may
 * not send yet are optional; the UI shows "—" for what is missing rather than failing.
 */
import type { FlowDefinition, ValidationIssue } from '@callflow/flow';

export type { FlowDefinition, ValidationIssue };

export interface User {
  id: string;
  email: string;
  tenantId: string;
  permissions: string[];
}

export interface LoginResponse {
  accessToken: string;
  refreshToken?: string;
  user: User;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timeout';
export type ExecutionTrigger = 'test' | 'ivr' | 'event' | 'webhook' | 'retry';

/** A row of GET /flows. */
export interface FlowSummary {
  id: string;
  key: string;
  name: string;
  description?: string;
  revision: number;
  publishedVersion: number | null;
  latestVersion?: number;
  triggerType?: string | null;
  /** Some list implementations return the draft definition; the trigger is read from it then. */
  definition?: FlowDefinition;
  updatedAt?: string;
  updatedBy?: string | null;
  updatedByEmail?: string | null;
  createdAt?: string;
  lastRun?: { id?: string; status: ExecutionStatus; startedAt?: string } | null;
  lastRunStatus?: ExecutionStatus | null;
}

/** GET /flows/:id. */
export interface FlowDetail extends FlowSummary {
  definition: FlowDefinition;
  validation?: { valid: boolean; errors: ValidationIssue[]; warnings?: ValidationIssue[] };
}

export interface FlowVersion {
  id?: string;
  version: number;
  note?: string;
  createdAt?: string;
  createdBy?: string | null;
  createdByEmail?: string | null;
  triggerType?: string;
  definition?: FlowDefinition;
}

export interface PublishResponse {
  version: number;
  publishedVersion: number;
}

export interface FlowTemplate {
  id: string;
  name: string;
  /** The product it integrates (ICTBroadcast, Gcalls, …). */
  system?: string;
  description?: string;
  triggerType?: string;
  requires?: { connections?: { purpose: string; type: string; description: string }[] };
  definition?: FlowDefinition;
}

/** What a node sent, as rendered (secrets redacted). */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  operation?: string;
  args?: unknown;
}

export interface StepResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  truncated?: boolean;
}

export interface StepRecord {
  seq: number;
  /** On a batch node's each path: the chunk (from 0) this step ran for. */
  chunk?: number;
  nodeId: string;
  name: string;
  type: string;
  status: 'succeeded' | 'failed';
  handle?: string;
  startedAt: string;
  durationMs: number;
  attempts?: number;
  request?: RenderedRequest;
  response?: StepResponse;
  output?: unknown;
  error?: { code: string; message: string };
}

export interface RunInput {
  call?: Record<string, unknown>;
  contact?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
  ivr?: Record<string, unknown>;
  event?: Record<string, unknown>;
  request?: Record<string, unknown>;
}

export interface TestRunResult {
  id?: string;
  status: 'succeeded' | 'failed' | 'timeout';
  output?: unknown;
  respond?: { status: number; headers: Record<string, string>; body: unknown; raw?: string; contentType?: string };
  error?: { code: string; message: string; nodeId?: string };
  steps: StepRecord[];
  durationMs?: number;
}

export interface ExecutionSummary {
  id: string;
  flowId: string | null;
  flowName?: string | null;
  flowVersion: number | null;
  triggerType: ExecutionTrigger;
  status: ExecutionStatus;
  eventId?: string | null;
  callId: string | null;
  phone: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** On a run that did not fail, `handled`: a failed step whose error edge the flow took (e.g. a fallback answer). */
  error: { code: string; message: string; nodeId?: string; node?: string; handled?: boolean } | null;
  retryOf?: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
  input: RunInput;
  output: unknown;
  steps: StepRecord[];
  /** The definition that ran, when the server includes it (directly or inside a version object). */
  definition?: FlowDefinition;
  version?: { version: number; definition?: FlowDefinition } | null;
}

export interface ExecutionFilters {
  flowId?: string;
  status?: ExecutionStatus | '';
  triggerType?: ExecutionTrigger | '';
  from?: string;
  to?: string;
  callId?: string;
  phone?: string;
  cursor?: string;
  limit?: number;
}

/** SOAP describe (libs/engine/src/soap/soap.types.ts). */
export interface SoapAttributeShape {
  name: string;
  type?: string;
  required?: boolean;
}
export interface SoapShape {
  type: string;
  fields?: SoapField[];
  attributes?: SoapAttributeShape[];
  enum?: string[];
  recursive?: boolean;
  truncated?: boolean;
}
export interface SoapField extends SoapShape {
  name: string;
  array?: boolean;
}
export interface SoapOperationDescription {
  name: string;
  input: SoapShape;
  output: SoapShape;
  documentation?: string;
}
export interface SoapDescription {
  services: {
    name: string;
    ports: { name: string; address?: string; soapVersion?: '1.1' | '1.2'; operations: SoapOperationDescription[] }[];
  }[];
}

export interface Connection {
  id: string;
  name: string;
  type: string;
}

/** GET /flows/:id/webhook-secret. */
export interface WebhookSecretStatus {
  set: boolean;
  fingerprint?: string;
  createdAt?: string;
}
