/**
 * Shapes of the HTTP API as the editor reads them (README.md, "API overview"): libs/flow's
 * (libs/flow/src/api/), the types the API's views declare. Only what the editor derives from them
 * is declared here (the session's user, a test run shown on the canvas, the runs list's filters).
 */
import type {
  ConnectionDetail,
  ExecutionStatus,
  ExecutionTrigger,
  FlowDefinition,
  FlowTemplateSummary,
  TestRunResult as TestRunResultView,
  ValidationIssue,
} from '@callflow/flow';

export type { ExecutionStatus, ExecutionTrigger, FlowDefinition, ValidationIssue };
export type { Page, PublishResult as PublishResponse, RunInput, StepRecord } from '@callflow/flow';
export type { TokenPair as LoginResponse } from '@callflow/flow';

export type {
  FlowDetail,
  FlowSummary,
  FlowVersionDetail,
  FlowVersionSummary as FlowVersion,
  LatestRun,
} from '@callflow/flow';

/** A template of GET /flow-templates (its definition where an implementation includes it). */
export interface FlowTemplate extends FlowTemplateSummary {
  definition?: FlowDefinition;
}

/**
 * A run shown on the canvas: POST /flows/test-run's answer, or a past execution's steps (without
 * an id, answer or error then).
 */
export type TestRunResult = Omit<TestRunResultView, 'id' | 'respond' | 'error'> &
  Partial<Pick<TestRunResultView, 'id' | 'respond' | 'error'>>;

export type { ExecutionDetail, ExecutionSummary } from '@callflow/flow';

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
