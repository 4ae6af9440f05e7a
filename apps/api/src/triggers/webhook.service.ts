import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { RunInput } from '@callflow/engine';
import type { Request } from 'express';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { webhookTrigger, type WebhookAuth } from '@callflow/flow';
import type { ApiKeyPrincipal } from '../access/principal';
import { FlowRunner } from '../runs/flow-runner.service';
import { PublishedFlowsService, type PublishedVersionRef } from '../flows/published-flows.service';
import { findOutOfRange } from '../platform/json/json-fields';
import { outOfRangeProblem } from '../platform/validation/validation';
import { addRespondHeaders } from './respond-answer-headers';
import { isFlowKey, keyAllowsFlow, SyncFlows } from './sync-flows.service';
import { WebhookSecretAuth, webhookQuery } from './webhook-auth.service';

/** An HTTP answer for the controller to send: a text body with its content type, or JSON. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text?: string;
  json?: unknown;
  /** A passthrough answer's bytes. */
  bytes?: Buffer;
}

interface WebhookConfig {
  methods: string[];
  allowedOrigins: string[];
  deadlineMs: number;
  auth?: WebhookAuth;
}

/** Credentials never reach the flow (nor the stored execution input). */
const HIDDEN_REQUEST_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);
/** The flows a preflight is about, and whether the caller showed an API key that may call the flow. */
interface PreflightFlows {
  flows: PublishedVersionRef[];
  authenticated: boolean;
}

/** The one answer to a preflight refused without an API key (see WebhookService.preflight). */
const PREFLIGHT_REFUSED = 'CORS preflight refused: no published webhook flow with this key allows this origin';

/**
 * Always allowed, whatever the browser asks: XiVO's third-party integration (seed 004) requires at
 * least `Origin, X-Requested-With, Content-Type, Accept`; the API key headers too.
 */
const PREFLIGHT_HEADERS = ['Origin', 'X-Requested-With', 'Content-Type', 'Accept', 'Authorization', 'X-Api-Key'];
const PREFLIGHT_KNOWN = new Set(PREFLIGHT_HEADERS.map((h) => h.toLowerCase()));

/** The headers a preflight allows: ours, then what the (allowed) origin asks for; only well-formed names are echoed. */
function preflightHeaders(requested: string | string[] | undefined): string {
  const asked = (Array.isArray(requested) ? requested.join(',') : (requested ?? ''))
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/.test(h) && !PREFLIGHT_KNOWN.has(h));
  return [...PREFLIGHT_HEADERS, ...new Set(asked)].slice(0, 30).join(', ');
}

/**
 * `GET|POST /hooks/:flowKey` (BRIX365 / XiVO style): the flow sees `request` {method, query,
 * headers, body} and its first respond node shapes the answer (status, headers, body). With no
 * respond before the trigger's `deadlineMs` the caller gets 202 {executionId} (the run goes on);
 * a run that fails before answering gets 502 with the error code. CORS follows the trigger's
 * `allowedOrigins`; preflight is answered without an API key.
 */
@Injectable()
export class WebhookService {
  constructor(
    private readonly flows: SyncFlows,
    private readonly published: PublishedFlowsService,
    private readonly runner: FlowRunner,
    private readonly apiKeys: ApiKeysService,
    private readonly secretAuth: WebhookSecretAuth,
  ) {}

  /** `principal` is absent when the caller presented no API key: then the flow's own secret must authenticate it. */
  async invoke(principal: ApiKeyPrincipal | undefined, flowKey: string, req: Request): Promise<HttpAnswer> {
    const query = webhookQuery(req.originalUrl);
    const flow = principal
      ? await this.flows.resolve(principal, flowKey, webhookTrigger.type)
      : await this.secretAuth.resolve(flowKey, req, query);
    const cfg = flow.triggerConfig as unknown as WebhookConfig;
    const cors = corsHeaders(cfg.allowedOrigins, req.headers.origin);
    const method = req.method.toUpperCase();
    if (!cfg.methods.includes(method)) {
      const message = `flow "${flowKey}" accepts ${cfg.methods.join(' and ')}, not ${method}`;
      return {
        status: 405,
        headers: { ...cors, allow: cfg.methods.join(', ') },
        json: { statusCode: 405, error: 'Method Not Allowed', message },
      };
    }
    // JSON.parse reads a number beyond ±1.8e308 as Infinity, which the run's record would keep as null.
    const big = typeof req.body === 'object' ? findOutOfRange(req.body) : undefined;
    if (big !== undefined) {
      const message = outOfRangeProblem(`body.${big}`.replace('.[', '['));
      return { status: 400, headers: cors, json: { statusCode: 400, error: 'Bad Request', message } };
    }
    const seen = { query: plain(query, cfg.auth), headers: requestHeaders(req, cfg.auth) };
    const input: RunInput = { request: { method, ...seen, body: plainBody(req.body) } };
    const { executionId, outcome } = await this.runner.startSync({ flow, input, trigger: 'webhook' }, cfg.deadlineMs);
    const headers: Record<string, string> = { ...cors, 'x-execution-id': executionId };
    if (outcome.kind === 'respond') {
      const { respond } = outcome;
      addRespondHeaders(headers, respond);
      return { status: respond.status, headers, text: respond.raw, ...(respond.bytes ? { bytes: respond.bytes } : {}) };
    }
    if (outcome.kind === 'done' && outcome.result.status !== 'succeeded') {
      const code = outcome.result.error?.code ?? 'INTERNAL';
      const reason = outcome.result.error?.message ?? 'unknown error';
      const message = `the flow failed before it answered (${code}): ${reason}`;
      return {
        status: 502,
        headers,
        json: { statusCode: 502, error: 'Bad Gateway', message, details: { executionId, code } },
      };
    }
    return { status: 202, headers, json: { executionId } };
  }

  /**
   * CORS preflight. Browsers send no credentials, so the flow is found by key: in the API key's
   * tenant when the URL carries a valid `?token=`, else among every tenant's published webhooks
   * with that key (the actual request is still checked against its own tenant's flow). Without
   * that key, every refusal (no such flow, a malformed key, no Origin, an origin the flow does not
   * allow) is the same 404: a preflight does not tell strangers which flow keys exist.
   */
  async preflight(flowKey: string, req: Request): Promise<HttpAnswer> {
    const { flows, authenticated } = await this.preflightFlows(flowKey, req);
    const configs = flows.map((f) => f.triggerConfig as unknown as WebhookConfig);
    const origin = req.headers.origin;
    const allowed = origin ? configs.filter((c) => originAllowed(c.allowedOrigins, origin)) : [];
    if (allowed.length === 0 || !origin) {
      if (!authenticated) throw new NotFoundException(PREFLIGHT_REFUSED);
      if (flows.length === 0) throw new NotFoundException(`flow "${flowKey}" not found`);
      if (!origin) return { status: 204, headers: { allow: [...methodsOf(configs), 'OPTIONS'].join(', ') } };
      throw new ForbiddenException(`origin ${origin} may not call flow "${flowKey}"`);
    }
    return {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        // XiVO (seed 004): "POST, OPTIONS (at least)"; the preflight itself is an OPTIONS.
        'access-control-allow-methods': [...methodsOf(allowed), 'OPTIONS'].join(', '),
        'access-control-allow-headers': preflightHeaders(req.headers['access-control-request-headers']),
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Headers',
      },
    };
  }

  /** The flows a preflight may be about, and whether the caller showed an API key that may call this one. */
  private async preflightFlows(flowKey: string, req: Request): Promise<PreflightFlows> {
    if (!isFlowKey(flowKey)) return { flows: [], authenticated: false };
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    const principal = token ? await this.apiKeys.verify(token) : null;
    if (principal && keyAllowsFlow(principal, flowKey)) {
      const found = await this.published.byKey(principal.tenantId, flowKey);
      const hook = found.state === 'published' && found.flow.triggerType === webhookTrigger.type;
      return { flows: hook ? [found.flow] : [], authenticated: true };
    }
    return { flows: await this.published.webhooksByKeyAnyTenant(flowKey), authenticated: false };
  }
}

/** `Access-Control-Allow-Origin` for an allowed origin (and `Vary: Origin`); nothing otherwise. */
function corsHeaders(allowedOrigins: string[], origin: string | undefined): Record<string, string> {
  if (!origin || !originAllowed(allowedOrigins, origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'x-execution-id', vary: 'Origin' };
}

function originAllowed(allowedOrigins: string[], origin: string): boolean {
  const o = origin.replace(/\/$/, '').toLowerCase();
  return allowedOrigins.some((a) => a === '*' || a.replace(/\/$/, '').toLowerCase() === o);
}

function methodsOf(configs: WebhookConfig[]): string[] {
  return [...new Set(configs.flatMap((c) => c.methods))];
}

/** The request headers without credentials (nor the flow secret's header). */
function requestHeaders(req: Request, auth: WebhookAuth | undefined): Record<string, string | string[]> {
  const secretHeader = auth?.in === 'header' ? auth.name.toLowerCase() : undefined;
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HIDDEN_REQUEST_HEADERS.has(name) && name !== secretHeader) out[name] = value;
  }
  return out;
}

/** The query (webhookQuery: `+` stays a plus) without the API key (`?token=`) nor the flow secret. */
function plain(query: Record<string, string | string[]>, auth: WebhookAuth | undefined): Record<string, unknown> {
  const { token: _token, ...rest } = query;
  if (auth?.in === 'query') delete rest[auth.name];
  return rest;
}

/** Parsed bodies (JSON, form, text) as they are; form bodies become plain objects; none is null. */
function plainBody(body: unknown): unknown {
  if (body === undefined) return null;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.getPrototypeOf(body) === null)
    return { ...body };
  return body;
}
