/**
 * Shapes of the HTTP API as the editor reads them (README.md, "API overview"). The answers of the
 * flows, executions and test-run endpoints are libs/flow's (libs/flow/src/api/), the types the
 * API's views declare; the editor adds a few optional fields other list implementations may send.
 */
import type {
  ConnectionDetail,
  ExecutionDetail as ExecutionDetailView,
  ExecutionStatus,
  ExecutionSummary as ExecutionSummaryView,
  ExecutionTrigger,
  FlowDefinition,
  FlowDetail as FlowDetailView,
  FlowSummary as FlowSummaryView,
  FlowTemplateSummary,
  FlowVersionSummary,
  Me,
  TestRunResult as TestRunResultView,
  ValidationIssue,
} from '@callflow/flow';

export type { ExecutionStatus, ExecutionTrigger, FlowDefinition, ValidationIssue };
export type { Page, PublishResult as PublishResponse, RunInput, StepRecord } from '@callflow/flow';
export type { TokenPair as LoginResponse } from '@callflow/flow';

/** What the session keeps of the signed-in user (GET /me, or the login answer's `user`). */
export type User = Pick<Me, 'id' | 'email' | 'tenantId' | 'permissions'>;

/** What a list row may carry besides the API's fields (a run status from other list implementations). */
interface ListExtras {
  lastRun?: { id?: string; status: ExecutionStatus; startedAt?: string } | null;
  lastRunStatus?: ExecutionStatus | null;
}

/** A row of GET /flows (some list implementations return the draft definition; the trigger is read from it then). */
export interface FlowSummary extends FlowSummaryView, ListExtras {
  definition?: FlowDefinition;
}

/** GET /flows/:id. */
export interface FlowDetail extends FlowDetailView, ListExtras {}

/** A row of GET /flows/:id/versions (`id`, `createdByEmail` and `definition` where an implementation adds them). */
export interface FlowVersion extends FlowVersionSummary {
  id?: string;
  createdByEmail?: string | null;
  definition?: FlowDefinition;
}

/** A template of GET /flow-templates (its definition where an implementation includes it). */
export interface FlowTemplate extends FlowTemplateSummary {
  definition?: FlowDefinition;
}

/**
 * A run shown on the canvas: POST /flows/test-run's answer, or a past execution's steps (without
 * an id, answer or error then); `durationMs` where an implementation adds it.
 */
export type TestRunResult = Omit<TestRunResultView, 'id' | 'respond' | 'error'> &
  Partial<Pick<TestRunResultView, 'id' | 'respond' | 'error'>> & { durationMs?: number };

/** A row of GET /executions (`flowName` where an implementation adds it). */
export interface ExecutionSummary extends ExecutionSummaryView {
  flowName?: string | null;
}

export interface ExecutionDetail extends ExecutionDetailView {
  flowName?: string | null;
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

export type { SoapDescription, SoapField, SoapOperationDescription, SoapShape } from '@callflow/flow';

/** What the editor reads of a row of GET /connections (pickers show its name and type). */
export type Connection = Pick<ConnectionDetail, 'id' | 'name' | 'type'>;

export type { WebhookSecretStatus } from '@callflow/flow';
