import { httpNode, parseRawHeaders, type HttpConfig } from '@callflow/flow';
import { EngineError, toEngineError } from '../errors';
import type { OutboundResponse } from '../outbound/outbound.types';
import { defineExecutor, type NodeResult, type NodeRunContext } from '../runtime/executor';
import { compileTemplate, renderJson, type CompiledTemplate } from '../template';
import type { RenderedRequest } from '../types';
import { toWellFormed } from '../template/escape';
import { omitEmptyMembers } from '../template/omit-empty';
import { parseBody, renderWithConnection, retryDelayMs, sleepWithin } from './request-support';
import { derivedCredentials, mergeCredentials } from '../outbound/applied-credentials';
import { keepBytes } from './response-bytes';

const BODY_CONTENT_TYPES = {
  json: 'application/json',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  form: 'application/x-www-form-urlencoded',
} as const;

interface Row {
  name: string;
  value: CompiledTemplate;
}

/** A form field; a JSON one is rendered, parsed (and its empty members left out) before encoding. */
interface FormRow extends Row {
  json: boolean;
  omitEmpty: boolean;
}

/** Everything compiled once per flow version. */
interface PreparedHttp {
  config: HttpConfig;
  url: CompiledTemplate;
  query: Row[];
  headers: Row[];
  body?: CompiledTemplate;
  form?: FormRow[];
  omitEmpty: boolean;
}

function prepare(config: HttpConfig): PreparedHttp {
  const rows = (list: { name: string; value: string }[], ctx: 'text' | 'header') =>
    list.map((r) => ({ name: r.name, value: compileTemplate(r.value, ctx) }));
  const headers = rows(config.headers, 'header');
  if (config.rawHeaders)
    for (const h of parseRawHeaders(config.rawHeaders))
      headers.push({ name: h.name, value: compileTemplate(h.value, 'header') });
  const b = config.body;
  const omitEmpty = b.type === 'json' && b.omitEmpty === true;
  const url = compileTemplate(config.url, 'url');
  const p: PreparedHttp = { config, url, query: rows(config.query, 'text'), headers, omitEmpty };
  if (b.type === 'json' || b.type === 'xml' || b.type === 'text') p.body = compileTemplate(b.template, b.type);
  if (b.type === 'form') {
    p.form = b.fields.map((f) => ({
      name: f.name,
      value: compileTemplate(f.value, f.json ? 'json' : 'text'),
      json: f.json === true,
      omitEmpty: f.omitEmpty === true,
    }));
  }
  return p;
}

/** A query name or value percent-encoded (lone surrogates become U+FFFD instead of throwing). */
const queryPart = (text: string): string => encodeURIComponent(toWellFormed(text));

/** Renders URL, query, headers and body into the request to send. */
function render(p: PreparedHttp, ctx: NodeRunContext): { url: URL; headers: Record<string, string>; body?: string } {
  const scope = ctx.scope;
  const rendered = p.url.render(scope).trim();
  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    throw new EngineError('URL_INVALID', `the URL "${rendered.slice(0, 200)}" is not a valid absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EngineError('URL_INVALID', `only http and https URLs are allowed, not ${url.protocol}`);
  if (p.query.length > 0) {
    // Appended as written (RFC 3986: a space is %20, never '+', which many servers read as a plus);
    // searchParams would also re-encode the query the URL template already wrote.
    let search = url.search;
    for (const q of p.query) search += `${search ? '&' : '?'}${queryPart(q.name)}=${queryPart(q.value.render(scope))}`;
    url.search = search;
  }

  const headers: Record<string, string> = {};
  for (const h of p.headers) headers[h.name.toLowerCase()] = h.value.render(scope);

  let body: string | undefined;
  const type = p.config.body.type;
  if (type === 'json') body = jsonText(p.body!, scope, p.omitEmpty);
  else if (p.body) body = p.body.render(scope);
  else if (p.form) {
    const form = new URLSearchParams();
    for (const f of p.form) form.append(f.name, f.json ? formJson(f, scope) : f.value.render(scope));
    body = form.toString();
  }
  if (type !== 'none' && headers['content-type'] === undefined) {
    const b = p.config.body;
    headers['content-type'] = ((b.type === 'xml' || b.type === 'text') && b.contentType) || BODY_CONTENT_TYPES[type];
  }
  return { url, headers, body };
}

/** A JSON template rendered and checked; with `omitEmpty`, sent compact without its empty members. */
function jsonText(t: CompiledTemplate, scope: object, omitEmpty: boolean): string {
  const { text, value } = renderJson(t, scope);
  return omitEmpty ? JSON.stringify(omitEmptyMembers(value)) : text;
}

/** A JSON form field: rendered, checked, and sent compact (the encoded field is what the other side stores). */
function formJson(f: FormRow, scope: object): string {
  try {
    const { value } = renderJson(f.value, scope);
    return JSON.stringify(f.omitEmpty ? omitEmptyMembers(value) : value);
  } catch (err) {
    if (err instanceof EngineError && err.code === 'JSON_BODY_INVALID') {
      throw new EngineError(err.code, `form field "${f.name}": ${err.message}`, err.details);
    }
    throw err;
  }
}

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

async function execute(p: PreparedHttp, ctx: NodeRunContext): Promise<NodeResult> {
  const { config } = p;
  // Without a connection nothing is awaited before the request (each await is a microtask turn per call).
  const { connection, rendered: req } = config.connectionId
    ? await renderWithConnection(config.connectionId, ctx, () => render(p, ctx))
    : { connection: undefined, rendered: render(p, ctx) };
  // Checks the target's origin against the connection's, then adds its credentials (and says which).
  const applied = connection?.authorize ? ((await connection.authorize(req, ctx.signal)) ?? undefined) : undefined;
  // Hashes the templates made of the connection's secrets are credentials of this request too.
  const derived = connection?.secretBag?.derived;
  let credentials = derived ? mergeCredentials(applied, derivedCredentials(derived)) : applied;

  // The rendered URL object is sent as it is (parsed once; authorize may have changed it, never during a request).
  const recorded: RenderedRequest = { method: config.method, url: req.url.toString(), headers: req.headers };
  if (req.body !== undefined) recorded.body = req.body;

  let attempts = 0;
  let refreshed = false;
  let res: OutboundResponse | undefined;
  let failure: EngineError | undefined;
  for (;;) {
    attempts++;
    ctx.countOutbound();
    const remaining = ctx.deadlineAt - Date.now();
    if (remaining <= 0) throw new EngineError('RUN_DEADLINE', 'the run passed its deadline');
    res = undefined;
    failure = undefined;
    try {
      res = await ctx.services.outbound.request({
        method: config.method,
        url: req.url,
        headers: req.headers,
        body: req.body,
        timeoutMs: Math.min(config.timeoutMs, remaining),
        signal: ctx.signal,
        maxResponseBytes:
          config.responseType === 'binary' ? ctx.limits.maxBinaryResponseBytes : ctx.limits.maxResponseBytes,
        followRedirects: config.followRedirects,
        credentials,
      });
    } catch (err) {
      failure = toEngineError(err);
      if (failure.category === 'limit' || failure.code === 'RUN_ABORTED') throw failure;
    }
    // A 401 from a token-based connection: refresh once, outside the retry budget.
    if (res?.status === 401 && connection?.onUnauthorized && !refreshed) {
      refreshed = true;
      if (await connection.onUnauthorized()) {
        // The refreshed token is a secret too.
        ctx.addSecrets(connection.secrets);
        // The new token is what the redirect checks must keep from other origins.
        const renewed = (await connection.authorize?.(req, ctx.signal)) ?? undefined;
        credentials = derived ? mergeCredentials(renewed, derivedCredentials(derived)) : renewed;
        attempts--;
        continue;
      }
    }
    const retryable = failure ? failure.retryable : isRetryableStatus(res!.status);
    if (!retryable || attempts >= config.retry.attempts) break;
    const delay = retryDelayMs(config.retry.backoffMs, attempts, res?.headers['retry-after']);
    // Never wait past the run's deadline: give up with what we have instead.
    if (!(await sleepWithin(delay, ctx.deadlineAt, ctx.signal))) break;
  }

  if (!res) {
    const e = failure!;
    return {
      handle: 'error',
      attempts,
      request: recorded,
      error: { code: e.code, message: e.message },
      output: { error: { code: e.code, message: e.message } },
    };
  }
  const response = { status: res.status, headers: res.headers, body: parseBody(res, config.responseType) };
  const responseBytes = res.body.length;
  const binary = config.responseType === 'binary';
  const contentType = res.headers['content-type'] || 'application/octet-stream';
  const kept = binary ? { bytes: res.body, contentType } : undefined;
  if (res.status >= 200 && res.status < 300) {
    if (kept) keepBytes(response, kept);
    return { handle: 'success', attempts, request: recorded, response, responseBytes, output: response };
  }
  const error = { code: 'HTTP_STATUS' as const, message: `HTTP ${res.status} from ${req.url.host}` };
  const output = { ...response, error };
  if (kept) keepBytes(output, kept);
  return { handle: 'error', attempts, request: recorded, response, responseBytes, error, output };
}

/** `http`: renders and sends a request; 2xx → `success`, anything else → `error` with the response. */
export const httpExecutor = defineExecutor(httpNode, {
  prepare(node) {
    const p = prepare(node.config);
    return { run: (ctx) => execute(p, ctx) };
  },
});
