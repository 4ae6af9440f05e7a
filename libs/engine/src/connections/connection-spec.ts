/**
 * A connection as stored, secrets decrypted (docs/security.md, outbound credentials). Built by the API from its
 * rows; turned into a ResolvedConnection by `resolveConnection`. Non-secret settings are in
 * `config`, free non-secret fields (baseUrl, account ids…) in `fields`, secrets in `secrets`.
 */
import type { ConnectionType } from '@callflow/flow';

export type { ConnectionType };

export const CONNECTION_TYPES: readonly ConnectionType[] = [
  'none',
  'basic',
  'bearer',
  'api_key',
  'oauth2_client_credentials',
  'token_endpoint',
  'soap_ws_security',
];

export interface NameValue {
  name: string;
  value: string;
}

/** The request a token_endpoint connection sends; templates see `connection.*` and `secrets.*`. */
export interface TokenRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers?: NameValue[];
  body?: { type: 'json' | 'text'; template: string; contentType?: string } | { type: 'form'; fields: NameValue[] };
}

/**
 * Where a token goes (Gcalls' parameter kinds): a header (`Authorization: Bearer {token}`), a query
 * parameter, a member/field of the JSON or form body, or `{name}` in the URL path.
 */
export type TokenPlacement =
  | { in: 'header'; name: string; prefix?: string }
  | { in: 'query'; name: string }
  | { in: 'body'; name: string }
  | { in: 'path'; name: string };

export interface ConnectionConfigs {
  none: Record<string, never>;
  basic: { username: string };
  bearer: Record<string, never>;
  api_key: { placement: 'header' | 'query'; name: string; prefix?: string };
  oauth2_client_credentials: {
    tokenUrl: string;
    clientId: string;
    scope?: string;
    audience?: string;
    clientAuth?: 'body' | 'basic';
  };
  token_endpoint: {
    request: TokenRequest;
    /** Dot path to the token in the JSON response (`access_token`, `data.token`, `$.items[0].jwt`). */
    tokenPath: string;
    /** Dot path to the lifetime in seconds; or a fixed lifetime. Neither: kept until a 401. */
    expiresInPath?: string;
    expiresInSeconds?: number;
    apply: TokenPlacement;
  };
  soap_ws_security: {
    username: string;
    passwordType: 'PasswordText' | 'PasswordDigest';
    hasTimeStamp?: boolean;
    hasNonce?: boolean;
  };
}

export type ConnectionSpec = {
  [T in ConnectionType]: {
    id: string;
    type: T;
    config: ConnectionConfigs[T];
    fields: Record<string, unknown>;
    /** Decrypted secrets by name: password, token, apiKey, clientSecret, or the token_endpoint's own names. */
    secrets: Record<string, string>;
    /** The origins its credentials (and token requests) may go to (see origin-policy.ts); empty: nowhere. */
    allowedOrigins: readonly string[];
  };
}[ConnectionType];

/** The secret names each type knows (token_endpoint: any names, used as `{{secrets.<name>}}`). */
export const TYPE_SECRETS: Record<ConnectionType, readonly string[] | 'any'> = {
  none: [],
  basic: ['password'],
  bearer: ['token'],
  api_key: ['apiKey'],
  oauth2_client_credentials: ['clientSecret'],
  token_endpoint: 'any',
  soap_ws_security: ['password'],
};

/** What templates see as `connection.*`: the type's non-secret scalar settings, then the free fields. */
export function exposedFields(spec: ConnectionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.config))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  // api_key's `name` is its header or query parameter: shown as `paramName` (as the API names it).
  if (spec.type === 'api_key') {
    delete out.name;
    out.paramName = spec.config.name;
  }
  for (const [k, v] of Object.entries(spec.fields)) out[k] = v;
  return out;
}

/** Reads `a.b[0].c` (a leading `$.` is allowed) from parsed JSON. */
export function readPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
