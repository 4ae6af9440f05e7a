/**
 * Why a node or run failed. `invalid_flow`: the definition or its templates are at fault;
 * `remote`: the other system failed or refused; `limit`: a run limit was reached;
 * `bug`: an unexpected failure of ours.
 */
export type ErrorCategory = 'invalid_flow' | 'remote' | 'limit' | 'bug';

/** Stable error codes (part of the API: they appear in execution steps). */
export const ERROR_CODES = {
  TEMPLATE_RENDER: { category: 'invalid_flow', retryable: false },
  /** A render (or a run's renders) passed a work or size bound (template/budget.ts): ends the run. */
  TEMPLATE_LIMIT: { category: 'limit', retryable: false },
  JSON_BODY_INVALID: { category: 'invalid_flow', retryable: false },
  HEADER_INVALID: { category: 'invalid_flow', retryable: false },
  URL_INVALID: { category: 'invalid_flow', retryable: false },
  CONNECTION_NOT_FOUND: { category: 'invalid_flow', retryable: false },
  /** A token connection's placement (body field, `{name}` in the path) does not fit the request. */
  TOKEN_PLACEMENT: { category: 'invalid_flow', retryable: false },
  OUTBOUND_BLOCKED: { category: 'invalid_flow', retryable: false },
  /** A connection's credentials were about to go to an origin the connection does not list. */
  CONNECTION_ORIGIN_NOT_ALLOWED: { category: 'invalid_flow', retryable: false },
  HTTP_STATUS: { category: 'remote', retryable: false },
  HTTP_NETWORK: { category: 'remote', retryable: true },
  HTTP_TIMEOUT: { category: 'remote', retryable: true },
  HTTP_REDIRECTS: { category: 'remote', retryable: false },
  RESPONSE_TOO_LARGE: { category: 'remote', retryable: false },
  RESPONSE_PARSE: { category: 'remote', retryable: false },
  WSDL_LOAD: { category: 'remote', retryable: true },
  SOAP_OPERATION_NOT_FOUND: { category: 'invalid_flow', retryable: false },
  SOAP_FAULT: { category: 'remote', retryable: false },
  RUN_DEADLINE: { category: 'limit', retryable: false },
  RUN_ABORTED: { category: 'limit', retryable: false },
  MAX_STEPS: { category: 'limit', retryable: false },
  MAX_OUTBOUND_CALLS: { category: 'limit', retryable: false },
  FLOW_INVALID: { category: 'invalid_flow', retryable: false },
  BATCH_ITEMS_INVALID: { category: 'invalid_flow', retryable: false },
  BATCH_TOO_LARGE: { category: 'invalid_flow', retryable: false },
  BATCH_CHUNK_FAILED: { category: 'remote', retryable: false },
  RESPOND_SOURCE_MISSING: { category: 'invalid_flow', retryable: false },
  INTERNAL: { category: 'bug', retryable: false },
} as const satisfies Record<string, { category: ErrorCategory; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An engine failure with a stable code; `details` must never carry secrets. */
export class EngineError extends Error {
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'EngineError';
    this.category = ERROR_CODES[code].category;
    this.retryable = options?.retryable ?? ERROR_CODES[code].retryable;
  }
}

/** Any thrown value as an EngineError (unknown errors become INTERNAL with a generic message). */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  return new EngineError('INTERNAL', 'unexpected engine error', undefined, { cause: err });
}

/** The `{code, message}` pair recorded in steps. */
export interface StepError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
