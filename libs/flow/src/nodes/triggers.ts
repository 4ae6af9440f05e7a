import { z } from 'zod';
import { defineNodeSpec, type TriggerCall } from '../node-spec';
import type { RunInput } from '../api/executions';

const none = () => [];
const next = () => ['next'];
const noConfig = () => ({});
/** The roots an event-started run fills. */
const EVENT_ROOTS = ['call', 'contact', 'campaign', 'event'] as const;
/** An IVR's answer deadline when its config sets none. */
const IVR_DEADLINE_MS = 3000;
/** A webhook's answer deadline when its config sets none. */
const WEBHOOK_DEADLINE_MS = 10_000;
const stringList = z.array(z.string().min(1).max(128)).max(1000);

/** The parts of `input` named in `roots`, in that order (absent parts left out). */
function partsOf(input: RunInput, roots: readonly (keyof RunInput)[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const root of roots) if (input[root] !== undefined) body[root] = input[root];
  return body;
}

const IVR_PARTS = ['call', 'contact', 'campaign', 'ivr', 'event'] as const;

/** POST /events with one event of `type`: its id and time from the input's `event`, or made up. */
function eventCall(type: string): TriggerCall {
  return {
    path: '/events',
    methods: ['POST'],
    shape:
      `{"id": "<unique per event>", "type": "${type}", "call": {…}, ` +
      `"contact": {…}, "campaign": {…}, "at": "<ISO time>"}`,
    request: (_config, input) => {
      const { id, at } = (input.event ?? {}) as { id?: unknown; at?: unknown };
      const body: Record<string, unknown> = { id: typeof id === 'string' ? id : 'evt-1', type };
      Object.assign(body, partsOf(input, ['call', 'contact', 'campaign']));
      if (typeof at === 'string') body.at = at;
      return { method: 'POST', body };
    },
  };
}

/** Most runs a flow may have at once, across every worker process. */
export const MAX_CONCURRENT_RUNS_LIMIT = 1000;
const concurrencyMessage =
  `max concurrent runs must be a whole number from 1 to ` +
  `${MAX_CONCURRENT_RUNS_LIMIT} (leave it empty for no limit)`;
/** Async triggers: at most this many runs of the flow at once, across all workers (absent = no limit). */
const maxConcurrentRuns = z
  .number({ error: concurrencyMessage })
  .int({ error: concurrencyMessage })
  .min(1, { error: concurrencyMessage })
  .max(MAX_CONCURRENT_RUNS_LIMIT, { error: concurrencyMessage })
  .optional();
/** The summary's "≤ N at once" suffix when a limit is set. */
const atOnce = (c: { maxConcurrentRuns?: number }) =>
  c.maxConcurrentRuns ? `, \u2264 ${c.maxConcurrentRuns} at once` : '';

/** IVR mid-call lookup: synchronous, answers within `deadlineMs` or with `fallback`. */
export const ivrTrigger = defineNodeSpec({
  type: 'trigger.ivr',
  category: 'trigger',
  label: 'IVR',
  shortLabel: 'IVR',
  baseName: 'ivr',
  description: 'An IVR calls mid-call and waits for the answer (or the fallback at the deadline).',
  trigger: {
    call: {
      path: '/ivr/{flowKey}',
      methods: ['POST'],
      shape: '{"call": {…}, "contact": {…}, "campaign": {…}, "ivr": {…}, "event": {…}} (each optional)',
      request: (_config, input) => ({ method: 'POST', body: partsOf(input, IVR_PARTS) }),
    },
    mode: 'sync',
    inputRoots: IVR_PARTS,
    deadlineMs: IVR_DEADLINE_MS,
    waiter: 'The IVR',
    late: 'the fallback',
    unanswered: 'the IVR will always get the fallback',
    // Under an IVR (3 s to answer by default) a 10 s default timeout would always lose the caller.
    requestTimeoutMs: 2000,
  },
  configSchema: z.strictObject({
    deadlineMs: z.number().int().min(50).max(30_000).default(IVR_DEADLINE_MS),
    fallback: z.record(z.string(), z.unknown()).default({}),
  }),
  initialConfig: () => ({ deadlineMs: IVR_DEADLINE_MS, fallback: {} }),
  recordsOutput: false,
  handles: next,
  templates: none,
  summary: (c) => `answers within ${c.deadlineMs} ms`,
});

export const CALL_DIRECTIONS = ['in', 'out'] as const;
export const CALL_DISPOSITIONS = [
  'answered',
  'no_answer',
  'busy',
  'failed',
  'cancelled',
  'voicemail',
  'abandoned',
] as const;

/** End of call: a PBX pushes the call's final status (async). */
export const endOfCallTrigger = defineNodeSpec({
  type: 'trigger.end_of_call',
  category: 'trigger',
  label: 'End of call',
  shortLabel: 'End of call',
  baseName: 'endOfCall',
  description: 'Runs when a call ends (event call.ended), optionally filtered.',
  trigger: { call: eventCall('call.ended'), mode: 'async', inputRoots: EVENT_ROOTS },
  initialConfig: noConfig,
  recordsOutput: false,
  configSchema: z.strictObject({
    campaignIds: stringList.optional(),
    queues: stringList.optional(),
    directions: z.array(z.enum(CALL_DIRECTIONS)).optional(),
    dispositions: z.array(z.string().min(1).max(64)).optional(),
    maxConcurrentRuns,
  }),
  handles: next,
  templates: none,
  summary: (c) => (c.dispositions?.length ? `on ${c.dispositions.join(', ')}` : 'every ended call') + atOnce(c),
});

export const CAMPAIGN_EVENTS = ['campaign.contact'] as const;

/** Campaign: a dialer pushes per-contact results; one run per contact (async). */
export const campaignTrigger = defineNodeSpec({
  type: 'trigger.campaign',
  category: 'trigger',
  label: 'Campaign',
  shortLabel: 'Campaign',
  baseName: 'campaign',
  description: 'Runs once per campaign contact event.',
  trigger: { call: eventCall(CAMPAIGN_EVENTS[0]), mode: 'async', inputRoots: EVENT_ROOTS },
  initialConfig: noConfig,
  recordsOutput: false,
  configSchema: z.strictObject({
    campaignIds: stringList.optional(),
    events: z.array(z.string().min(1).max(64)).optional(),
    maxConcurrentRuns,
  }),
  handles: next,
  templates: none,
  summary: (c) => (c.campaignIds?.length ? `campaigns ${c.campaignIds.join(', ')}` : 'every campaign') + atOnce(c),
});

/** Query parameters and headers that carry API keys or framing: a flow secret may not use them. */
const RESERVED_AUTH_QUERY = new Set(['token']);
const RESERVED_AUTH_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  'host',
  'content-type',
  'content-length',
  'origin',
]);

/**
 * Where a caller that cannot hold an API key (RetailCRM's `clientId`, a URL an agent's browser
 * sees) presents the flow's own secret: a query parameter or a header it chooses. The secret is
 * kept server-side, encrypted (POST /flows/:id/webhook-secret), never in the definition.
 */
export const webhookAuthSchema = z
  .strictObject({
    in: z.enum(['query', 'header']),
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'use letters, digits and - _ . only'),
  })
  .superRefine((a, ctx) => {
    const n = a.name.toLowerCase();
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', path: ['name'], message });
    if (a.in === 'query' && RESERVED_AUTH_QUERY.has(n)) refuse('?token= carries API keys; choose another name');
    if (a.in === 'header' && RESERVED_AUTH_HEADERS.has(n)) {
      refuse(`${a.name} is reserved (API keys, cookies or framing); choose another header`);
    }
  });
export type WebhookAuth = z.infer<typeof webhookAuthSchema>;

const secretPlace = (a: WebhookAuth) => (a.in === 'query' ? `?${a.name}=` : a.name);

/** Webhook: inbound GET/POST answered by a respond node (BRIX365 / XiVO style). */
export const webhookTrigger = defineNodeSpec({
  type: 'trigger.webhook',
  category: 'trigger',
  label: 'Webhook',
  shortLabel: 'Webhook',
  baseName: 'webhook',
  description: 'An inbound HTTP request; the respond node shapes the answer.',
  trigger: {
    call: {
      path: '/hooks/{flowKey}',
      methods: ['GET', 'POST'],
      shape: 'any JSON (or form) body, and any query parameters: the flow reads them as request.body and request.query',
      request: (config, input) => {
        const methods = (config.methods as string[] | undefined) ?? ['POST'];
        const method = methods.includes(input.request?.method ?? '') ? input.request!.method! : methods[0];
        const query: Record<string, string> = {};
        for (const [k, v] of Object.entries(input.request?.query ?? {})) query[k] = String(v);
        const body = method === 'POST' ? (input.request?.body ?? {}) : undefined;
        return { method: method === 'GET' ? 'GET' : 'POST', ...(Object.keys(query).length ? { query } : {}), body };
      },
    },
    mode: 'sync',
    inputRoots: ['request'],
    inputHint: 'a webhook run has only request.method/query/headers/body',
    deadlineMs: WEBHOOK_DEADLINE_MS,
    waiter: 'The webhook caller',
    late: '202 {executionId} (the run goes on)',
    httpAnswer: true,
  },
  initialConfig: () => ({ methods: ['POST'] }),
  recordsOutput: false,
  configSchema: z.strictObject({
    methods: z
      .array(z.enum(['GET', 'POST']))
      .min(1)
      .default(['POST']),
    allowedOrigins: z.array(z.string().min(1).max(256)).max(100).default([]),
    deadlineMs: z.number().int().min(50).max(30_000).default(WEBHOOK_DEADLINE_MS),
    /** Also accept the flow's own secret (no API key) in this query parameter or header. */
    auth: webhookAuthSchema.optional(),
  }),
  handles: next,
  templates: none,
  summary: (c) => c.methods.join(' / ') + (c.auth ? `, secret in ${secretPlace(c.auth)}` : ''),
});
