import { WSSecurity } from 'soap';
import { EngineError } from '../errors';
import type { OutboundClient } from '../outbound/outbound-client';
import { compileTemplate, renderJson } from '../template';
import type { AppliedCredentials, ResolvedConnection } from '../types';
import { SecretBag, SECRETS } from '../template/secret-value';
import { exposedFields, readPath, type ConnectionSpec, type TokenPlacement } from './connection-spec';
import { OriginGate } from './origin-policy';
import { jsonTooDeep, MAX_RESPONSE_DEPTH } from '../runtime/depth-limits';
import { applyToken } from './token-placement';
import { TokenSource, type FetchedToken } from './token-source';

const TOKEN_TIMEOUT_MS = 15_000;
const TOKEN_MAX_BYTES = 1024 * 1024;

/** Types whose credentials are a fetched token (cached in a TokenSource). */
export function usesToken(spec: ConnectionSpec): boolean {
  return spec.type === 'oauth2_client_credentials' || spec.type === 'token_endpoint';
}

/** A TokenSource fetching this connection's token through the outbound client (so the outbound guard applies). */
export function createTokenSource(spec: ConnectionSpec, outbound: OutboundClient): TokenSource {
  if (spec.type === 'oauth2_client_credentials') return new TokenSource({ fetch: () => fetchOAuth2(spec, outbound) });
  if (spec.type === 'token_endpoint') return new TokenSource({ fetch: () => fetchFromEndpoint(spec, outbound) });
  throw new Error(`connection type ${spec.type} has no token`);
}

/**
 * Turns a decrypted connection into what the http and soap nodes use. For token types the token is
 * fetched (or taken from `tokens`) up front so that it is listed in `secrets` and scrubbed from
 * step records; a refreshed token is added to the same list.
 */
export async function resolveConnection(
  spec: ConnectionSpec,
  opts: { tokens?: TokenSource } = {},
): Promise<ResolvedConnection> {
  const secrets: string[] = [];
  // The values themselves: their encoded forms are found by SecretMatcher.
  const addSecret = (v: string | undefined) => {
    if (v && !secrets.includes(v)) secrets.push(v);
  };
  for (const v of Object.values(spec.secrets)) addSecret(v);
  const fields = exposedFields(spec);
  const resolved: ResolvedConnection = { fields, secrets };
  // Every credential this connection adds passes this gate with the URL it is sent to.
  const gate = new OriginGate(spec.id, spec.allowedOrigins);
  if (Object.keys(spec.secrets).length > 0) resolved.secretBag = new SecretBag(spec.secrets);
  switch (spec.type) {
    case 'none':
      break;
    case 'basic': {
      const encoded = Buffer.from(`${spec.config.username}:${spec.secrets.password ?? ''}`, 'utf8').toString('base64');
      addSecret(encoded);
      const values = spec.secrets.password ? [encoded, spec.secrets.password] : [encoded];
      const applied: AppliedCredentials = { headers: ['authorization'], query: [], values };
      resolved.authorize = async (req) => {
        gate.check(req.url);
        req.headers.authorization = `Basic ${encoded}`;
        return applied;
      };
      break;
    }
    case 'bearer': {
      const token = required(spec, 'token');
      const applied: AppliedCredentials = { headers: ['authorization'], query: [], values: [token] };
      resolved.authorize = async (req) => {
        gate.check(req.url);
        req.headers.authorization = `Bearer ${token}`;
        return applied;
      };
      break;
    }
    case 'api_key': {
      const key = required(spec, 'apiKey');
      const { placement, name, prefix } = spec.config;
      const applied: AppliedCredentials =
        placement === 'query'
          ? { headers: [], query: [name], values: [key] }
          : { headers: [name.toLowerCase()], query: [], values: [key] };
      resolved.authorize = async (req) => {
        gate.check(req.url);
        if (placement === 'query') req.url.searchParams.set(name, key);
        else req.headers[name.toLowerCase()] = `${prefix ?? ''}${key}`;
        return applied;
      };
      break;
    }
    case 'soap_ws_security': {
      const { username, passwordType, hasTimeStamp, hasNonce } = spec.config;
      const password = required(spec, 'password');
      resolved.soapSecurity = new WSSecurity(username, password, {
        passwordType,
        ...(hasTimeStamp !== undefined ? { hasTimeStamp } : {}),
        ...(hasNonce !== undefined ? { hasNonce } : {}),
      });
      // In the envelope: a 307/308 to another origin would carry it (a digest can be replayed too).
      resolved.envelope = { headers: [], query: [], body: true, values: [password] };
      // The credentials travel in the envelope (nothing is added to HTTP): the SOAP call checks its endpoint.
      resolved.checkOrigin = (url) => gate.check(url, 'its WS-Security credentials');
      break;
    }
    case 'oauth2_client_credentials':
    case 'token_endpoint': {
      const source = opts.tokens;
      if (!source) throw new Error('a token connection needs a TokenSource');
      const placement: TokenPlacement =
        spec.type === 'token_endpoint' ? spec.config.apply : { in: 'header', name: 'authorization', prefix: 'Bearer ' };
      const names = appliedBy(placement);
      // What the current token adds (rebuilt when the token changes, not per request).
      let applied: AppliedCredentials = names;
      let used: string | undefined;
      addSecret((await source.get()).token);
      resolved.authorize = async (req, signal) => {
        gate.check(req.url, 'its token');
        const t = await source.get(signal);
        addSecret(t.token);
        if (used !== t.token || applied === names) applied = { ...names, values: [t.token] };
        used = t.token;
        applyToken(req, placement, t.token);
        return applied;
      };
      resolved.onUnauthorized = async () => {
        const changed = await source.invalidate(used);
        const now = source.peek();
        if (now) addSecret(now.token);
        return changed;
      };
      break;
    }
  }
  if (resolved.authorize) resolved.checkOrigin ??= (url) => gate.check(url);
  return resolved;
}

/** What placing a token adds to a request (the outbound client keeps it from other origins). */
function appliedBy(p: TokenPlacement): AppliedCredentials {
  if (p.in === 'header') return { headers: [p.name.toLowerCase()], query: [] };
  if (p.in === 'query') return { headers: [], query: [p.name] };
  return { headers: [], query: [], ...(p.in === 'body' ? { body: true } : {}) };
}

/** The token request carries the connection's secrets: its URL must be on one of the allowed origins too. */
function checkTokenUrl(spec: ConnectionSpec, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineError('URL_INVALID', `connection "${spec.id}": the token URL is not a valid absolute URL`);
  }
  new OriginGate(spec.id, spec.allowedOrigins).check(parsed, 'its token request (with its secrets)');
}

function required(spec: ConnectionSpec, name: string): string {
  const v = spec.secrets[name];
  if (!v) throw new EngineError('CONNECTION_NOT_FOUND', `connection "${spec.id}" has no ${name} set`);
  return v;
}

async function fetchOAuth2(
  spec: Extract<ConnectionSpec, { type: 'oauth2_client_credentials' }>,
  outbound: OutboundClient,
): Promise<FetchedToken> {
  const c = spec.config;
  const secret = required(spec, 'clientSecret');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (c.clientAuth === 'basic') {
    const pair = `${encodeURIComponent(c.clientId)}:${encodeURIComponent(secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', c.clientId);
    form.set('client_secret', secret);
  }
  if (c.scope) form.set('scope', c.scope);
  if (c.audience) form.set('audience', c.audience);
  checkTokenUrl(spec, c.tokenUrl);
  const json = await requestJson(outbound, 'POST', c.tokenUrl, headers, form.toString());
  return extractToken(json, 'access_token', 'expires_in');
}

async function fetchFromEndpoint(
  spec: Extract<ConnectionSpec, { type: 'token_endpoint' }>,
  outbound: OutboundClient,
): Promise<FetchedToken> {
  const c = spec.config;
  // The token request itself sends the secrets as they are ({{secrets.password}}): a raw bag.
  const secrets = new SecretBag(spec.secrets, { raw: true });
  const now = new Date().toISOString();
  const scope = { connection: exposedFields(spec), [SECRETS]: secrets, vars: {}, nodes: {}, now };
  const url = compileTemplate(c.request.url, 'url').render(scope).trim();
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const h of c.request.headers ?? [])
    headers[h.name.toLowerCase()] = compileTemplate(h.value, 'header').render(scope);
  let body: string | undefined;
  const b = c.request.body;
  if (b?.type === 'json') {
    body = renderJson(compileTemplate(b.template, 'json'), scope).text;
    headers['content-type'] ??= 'application/json';
  } else if (b?.type === 'text') {
    body = compileTemplate(b.template, 'text').render(scope);
    headers['content-type'] ??= b.contentType ?? 'text/plain; charset=utf-8';
  } else if (b?.type === 'form') {
    const form = new URLSearchParams();
    for (const f of b.fields) form.append(f.name, compileTemplate(f.value, 'text').render(scope));
    body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  checkTokenUrl(spec, url);
  const raw = await requestText(outbound, c.request.method, url, headers, body);
  let json: unknown;
  try {
    json = parseTokenJson(raw);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    if (c.tokenPath === '$' && raw.trim())
      return {
        token: raw.trim(),
        ...(c.expiresInSeconds ? { expiresAt: Date.now() + c.expiresInSeconds * 1000 } : {}),
      };
    throw new EngineError('RESPONSE_PARSE', 'the token endpoint did not answer with JSON');
  }
  return extractToken(json, c.tokenPath, c.expiresInPath, c.expiresInSeconds);
}

function extractToken(
  json: unknown,
  tokenPath: string,
  expiresInPath?: string,
  expiresInSeconds?: number,
): FetchedToken {
  const token = readPath(json, tokenPath);
  if ((typeof token !== 'string' || !token) && typeof token !== 'number')
    throw new EngineError('RESPONSE_PARSE', `the token endpoint's answer has no token at "${tokenPath}"`);
  let secs: number | undefined = expiresInSeconds;
  if (expiresInPath) {
    const v = Number(readPath(json, expiresInPath));
    if (Number.isFinite(v) && v > 0) secs = v;
  }
  return { token: String(token), ...(secs ? { expiresAt: Date.now() + secs * 1000 } : {}) };
}

async function requestJson(
  outbound: OutboundClient,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<unknown> {
  const text = await requestText(outbound, method, url, headers, body);
  try {
    return parseTokenJson(text);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('RESPONSE_PARSE', 'the token endpoint did not answer with JSON');
  }
}

/** JSON.parse of a token endpoint's answer, refused (RESPONSE_PARSE) when it nests too deep to walk. */
function parseTokenJson(text: string): unknown {
  if (jsonTooDeep(text)) {
    const message = `the token endpoint's answer nests objects and arrays deeper than ${MAX_RESPONSE_DEPTH} levels`;
    throw new EngineError('RESPONSE_PARSE', message);
  }
  return JSON.parse(text);
}

async function requestText(
  outbound: OutboundClient,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<string> {
  const res = await outbound.request({
    method,
    url,
    headers,
    body,
    timeoutMs: TOKEN_TIMEOUT_MS,
    maxResponseBytes: TOKEN_MAX_BYTES,
    followRedirects: false,
  });
  if (res.status < 200 || res.status >= 300)
    throw new EngineError('HTTP_STATUS', `the token endpoint answered HTTP ${res.status}`, { status: res.status });
  return res.body.toString('utf8');
}
