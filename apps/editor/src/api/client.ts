/**
 * The one typed API client. Every call goes through `request`: bearer token, JSON in and out,
 * and any non-2xx answer becomes an ApiError carrying the server's message (README.md, "API overview": the error
 * shape). A 401 first renews the session from the refresh cookie and tries once more; when that
 * fails the session ends, which sends the app back to the login page.
 */
import type {
  Connection,
  ExecutionDetail,
  ExecutionFilters,
  ExecutionSummary,
  FlowDefinition,
  FlowDetail,
  FlowSummary,
  FlowTemplate,
  FlowVersion,
  FlowVersionDetail,
  LatestRun,
  LoginResponse,
  Page,
  PublishResponse,
  RunInput,
  SoapDescription,
  StepRecord,
  TestRunResult,
  ValidationIssue,
  WebhookSecretStatus,
} from './types';
import type {
  ApiKey,
  AuditEntry,
  ConnectionDetail,
  ConnectionTestResult,
  ManagedUser,
  Me,
  PermissionInfo,
  Role,
} from './access-types';
import type {
  CreatedApiKey,
  ExecutionRef,
  FlowValidation,
  IssuedWebhookSecret,
  MePatch,
  SoapClientOptionsInput,
} from '@callflow/flow';
import { session } from './session';
import { t } from '../i18n/i18n';
import { defaultMessage } from './default-message';

export const API_BASE = '/api/v1';

/** A failed API call: the HTTP status and the server's `{error, message, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly error?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Validator issues the server attached (`details.errors`), if any. */
  get issues(): ValidationIssue[] {
    const d = this.details as { errors?: unknown } | unknown[] | undefined;
    const list = Array.isArray(d) ? d : Array.isArray(d?.errors) ? d.errors : [];
    return list.filter(
      (i): i is ValidationIssue => !!i && typeof i === 'object' && typeof (i as ValidationIssue).message === 'string',
    );
  }
}

/** A readable sentence for any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not end the session on 401 (the login call itself). */
  noAuthRedirect?: boolean;
  /** The auth routes: the refresh token travels in the HttpOnly cookie, not in the body. */
  cookieSession?: boolean;
  /** The Accept header (default JSON). */
  accept?: string;
}

/** Asks the auth routes for the cookie session (apps/api/src/auth/session-cookie.ts, SESSION_HEADER). */
const SESSION_HEADER = 'x-callflow-session';

function qs(query?: Query): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  // eslint-disable-next-line house/no-ui-literal -- not shown: the Authorization header's scheme
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.cookieSession) headers[SESSION_HEADER] = 'cookie';
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  try {
    const init: RequestInit = { method, headers, body, signal: opts.signal, credentials: 'same-origin' };
    return await fetch(`${API_BASE}${path}${qs(opts.query)}`, init);
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, t('shell.api.unreachable'), 'network');
  }
}

/** Sends the request, renewing an expired access token once; throws ApiError on a non-2xx answer. */
async function open(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const token = session.token;
  let res = await send(method, path, opts, token);
  // An expired (or revoked) access token: renew it once from the cookie (unless another call of
  // this tab already has) and try again; the guard refused before doing anything, so a retry is safe.
  if (res.status === 401 && token && !opts.noAuthRedirect && (session.token !== token || (await renewSession()))) {
    res = await send(method, path, opts, session.token);
  }
  if (!res.ok) {
    const e = (parsed(await res.text()) ?? {}) as { message?: unknown; error?: unknown; details?: unknown };
    const message = Array.isArray(e.message)
      ? e.message.join('; ')
      : typeof e.message === 'string' && e.message
        ? e.message
        : defaultMessage(res.status);
    if (res.status === 401 && !opts.noAuthRedirect) session.expire(message);
    throw new ApiError(res.status, message, typeof e.error === 'string' ? e.error : undefined, e.details);
  }
  return res;
}

function parsed(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A GET whose body the caller reads as it streams (server-sent events), authenticated as `request`'s. */
export function openStream(path: string, accept: string, signal: AbortSignal): Promise<Response> {
  return open('GET', path, { accept, signal });
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await open(method, path, opts);
  return parsed(await res.text()) as T;
}

/** A streamed answer (JSON lines): `onLine` gets each line as it arrives; resolves at the end. */
async function streamLines(
  method: string,
  path: string,
  opts: RequestOptions,
  onLine: (line: Record<string, unknown>) => void,
): Promise<void> {
  const res = await open(method, path, opts);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) onLine(JSON.parse(line) as Record<string, unknown>);
    }
    if (done) return;
  }
}

let renewing: Promise<boolean> | null = null;

/**
 * A new access token from the refresh cookie (POST /auth/refresh). A refresh token is single-use
 * (reusing one ends the session), so one refresh runs at a time in this tab and, through a Web
 * Lock, across the tabs sharing the cookie. Resolves false when there is no session to renew.
 */
export function renewSession(): Promise<boolean> {
  renewing ??= withRefreshLock(async () => {
    try {
      const res = await send('POST', '/auth/refresh', { body: {}, cookieSession: true }, null);
      if (!res.ok) return false;
      const pair = (await res.json()) as LoginResponse;
      session.signIn(pair.accessToken, pair.user);
      return true;
    } catch {
      return false;
    }
  }).finally(() => {
    renewing = null;
  });
  return renewing;
}

function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // request() resolves with what fn resolves with (its typing says Promise<Promise<T>>).
  return locks ? locks.request('callflow.session-refresh', fn).then((v) => v) : fn();
}

let restoring: Promise<void> | null = null;

/** At start (a reload, a new tab): the session from the refresh cookie, if there is one. */
export function restoreSession(): Promise<void> {
  restoring ??= renewSession().then(() => session.restored());
  return restoring;
}

/** Signs out on the server (revokes the session, clears the cookie), then here. */
export async function signOut(): Promise<void> {
  await send('POST', '/auth/logout', { body: {}, cookieSession: true }, null).catch(() => undefined);
  session.signOut();
}

export interface SaveFlowBody {
  name?: string;
  key?: string;
  description?: string;
  definition?: FlowDefinition;
  revision: number;
}

/** Everything the editor asks the server. */
export const api = {
  /** 409 with `details.tenants` when the password opens accounts in several tenants: pass one's `tenantId`. */
  login: (email: string, password: string, tenantId?: string) =>
    request<LoginResponse>('POST', '/auth/login', {
      body: { email, password, ...(tenantId ? { tenantId } : {}) },
      noAuthRedirect: true,
      cookieSession: true,
    }),
  me: () => request<Me>('GET', '/me'),
  /** The signed-in user's own preferences (their editor language, kept for every device). */
  updateMe: (patch: MePatch) => request<Me>('PATCH', '/me', { body: patch }),
  permissions: () => request<Page<PermissionInfo>>('GET', '/permissions'),

  flows: {
    list: (query?: { cursor?: string; limit?: number; q?: string }) =>
      request<Page<FlowSummary>>('GET', '/flows', { query }),
    get: (id: string) => request<FlowDetail>('GET', `/flows/${encodeURIComponent(id)}`),
    create: (
      body: { name: string; key?: string; description?: string } & (
        { definition: FlowDefinition } | { templateId: string; connections?: Record<string, string> }
      ),
    ) => request<FlowDetail>('POST', '/flows', { body }),
    update: (id: string, body: SaveFlowBody) =>
      request<FlowDetail>('PUT', `/flows/${encodeURIComponent(id)}`, { body }),
    remove: (id: string) => request<void>('DELETE', `/flows/${encodeURIComponent(id)}`),
    publish: (id: string, body: { note?: string; version?: number }) =>
      request<PublishResponse>('POST', `/flows/${encodeURIComponent(id)}/publish`, { body }),
    versions: (id: string) => request<Page<FlowVersion>>('GET', `/flows/${encodeURIComponent(id)}/versions`),
    version: (id: string, version: number) =>
      request<FlowVersionDetail>('GET', `/flows/${encodeURIComponent(id)}/versions/${version}`),
    export: (id: string) => request<unknown>('GET', `/flows/${encodeURIComponent(id)}/export`),
    /** An export document (`callflow.flow`), or a bare definition wrapped as one. */
    import: (document: unknown, fallbackName = t('shell.api.importedFlow')) =>
      request<FlowDetail>('POST', '/flows/import', { body: asExportDocument(document, fallbackName) }),
    validate: (definition: FlowDefinition) =>
      request<FlowValidation>('POST', '/flows/validate', { body: { definition } }),
    testRun: (
      body: { definition: FlowDefinition; input: RunInput; deadlineMs?: number; flowId?: string },
      signal?: AbortSignal,
    ) => request<TestRunResult>('POST', '/flows/test-run', { body, signal }),
    /** The same run, watched: `on` gets each node as it starts and each step; resolves with the result. */
    testRunStream: async (
      body: { definition: FlowDefinition; input: RunInput; deadlineMs?: number; flowId?: string },
      on: { node(nodeId: string): void; step(step: StepRecord): void },
      signal?: AbortSignal,
    ): Promise<TestRunResult> => {
      let result: TestRunResult | undefined;
      let failure: ApiError | undefined;
      await streamLines('POST', '/flows/test-run/stream', { body, signal }, (line) => {
        if (line.event === 'node') on.node(line.nodeId as string);
        else if (line.event === 'step') on.step(line.step as StepRecord);
        else if (line.event === 'result') result = line.result as TestRunResult;
        else if (line.event === 'error') {
          const e = line.error as { statusCode: number; message: string; error?: string; details?: unknown };
          failure = new ApiError(e.statusCode, e.message, e.error, e.details);
        }
      });
      if (failure) throw failure;
      if (!result) throw new ApiError(0, t('shell.api.testRunNoAnswer'), 'network');
      return result;
    },
    templates: () => request<Page<FlowTemplate> | FlowTemplate[]>('GET', '/flow-templates'),
    /** The flow's own webhook secret: status (never the secret), set or rotate (shown once), remove. */
    webhookSecret: {
      status: (id: string) => request<WebhookSecretStatus>('GET', `/flows/${encodeURIComponent(id)}/webhook-secret`),
      rotate: (id: string, secret?: string) =>
        request<IssuedWebhookSecret>('POST', `/flows/${encodeURIComponent(id)}/webhook-secret`, {
          body: secret ? { secret } : {},
        }),
      remove: (id: string) => request<void>('DELETE', `/flows/${encodeURIComponent(id)}/webhook-secret`),
    },
  },

  executions: {
    list: (filters: ExecutionFilters) =>
      request<Page<ExecutionSummary>>('GET', '/executions', { query: { ...filters } }),
    get: (id: string) => request<ExecutionDetail>('GET', `/executions/${encodeURIComponent(id)}`),
    /** Each given flow's newest run (flows without one are left out). */
    latestByFlow: (flowIds: string[]) =>
      request<Page<LatestRun>>('GET', '/executions/latest-by-flow', { query: { flowIds: flowIds.join(',') } }),
    /** Queues a new run of a failed or timed-out one, same input, on the published version (202). */
    retry: (id: string) => request<ExecutionRef>('POST', `/executions/${encodeURIComponent(id)}/retry`),
  },

  soap: {
    describe: (wsdlUrl: string, connectionId?: string, signal?: AbortSignal, clientOptions?: SoapClientOptionsInput) =>
      request<SoapDescription>('POST', '/soap/describe', {
        body: { wsdlUrl, ...(connectionId ? { connectionId } : {}), ...(clientOptions ? { clientOptions } : {}) },
        signal,
      }),
  },

  connections: {
    list: () => request<Page<Connection> | Connection[]>('GET', '/connections'),
    details: () => request<Page<ConnectionDetail>>('GET', '/connections'),
    get: (id: string) => request<ConnectionDetail>('GET', `/connections/${encodeURIComponent(id)}`),
    create: (body: Record<string, unknown>) => request<ConnectionDetail>('POST', '/connections', { body }),
    update: (id: string, body: Record<string, unknown>) =>
      request<ConnectionDetail>('PUT', `/connections/${encodeURIComponent(id)}`, { body }),
    remove: (id: string) => request<void>('DELETE', `/connections/${encodeURIComponent(id)}`),
    test: (id: string) => request<ConnectionTestResult>('POST', `/connections/${encodeURIComponent(id)}/test`),
  },

  roles: {
    list: () => request<Page<Role>>('GET', '/roles'),
    create: (body: { name: string; permissions: string[] }) => request<Role>('POST', '/roles', { body }),
    update: (id: string, body: { name?: string; permissions?: string[] }) =>
      request<Role>('PATCH', `/roles/${encodeURIComponent(id)}`, { body }),
    remove: (id: string) => request<void>('DELETE', `/roles/${encodeURIComponent(id)}`),
  },

  users: {
    list: () => request<Page<ManagedUser>>('GET', '/users'),
    create: (body: { email: string; password: string; roleIds?: string[]; permissions?: string[] }) =>
      request<ManagedUser>('POST', '/users', { body }),
    update: (id: string, body: { roleIds?: string[]; permissions?: string[]; active?: boolean; password?: string }) =>
      request<ManagedUser>('PATCH', `/users/${encodeURIComponent(id)}`, { body }),
    deactivate: (id: string) => request<void>('DELETE', `/users/${encodeURIComponent(id)}`),
  },

  apiKeys: {
    list: () => request<Page<ApiKey>>('GET', '/api-keys'),
    create: (body: { name: string; scopes: string[]; flowKeys?: string[] }) =>
      request<CreatedApiKey>('POST', '/api-keys', { body }),
    revoke: (id: string) => request<void>('DELETE', `/api-keys/${encodeURIComponent(id)}`),
  },

  audit: {
    list: (query: { cursor?: string; action?: string; limit?: number }) =>
      request<Page<AuditEntry>>('GET', '/audit', { query }),
  },
};

/** GET /flows/:id/export documents are sent as they are; a bare definition is wrapped in one. */
export function asExportDocument(doc: unknown, name: string): unknown {
  const d = doc as { format?: unknown; schemaVersion?: unknown; nodes?: unknown; edges?: unknown } | null;
  if (
    d &&
    typeof d === 'object' &&
    d.format === undefined &&
    typeof d.schemaVersion === 'number' &&
    Array.isArray(d.nodes)
  ) {
    return { format: 'callflow.flow', formatVersion: 1, name, definition: d };
  }
  return doc;
}

/** `{items}` or a bare array, as a list. */
export function itemsOf<T>(page: Page<T> | T[]): T[] {
  return Array.isArray(page) ? page : (page.items ?? []);
}
