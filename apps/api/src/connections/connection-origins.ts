import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { compileTemplate, exposedFields, originOfUrl, TYPE_SECRETS } from '@callflow/engine';
import type { ConnectionSpec, ConnectionType } from '@callflow/engine';
import type { ParsedConnection } from './connection-body';

/** Types whose connections carry credentials: they must list where those may go. */
export const CREDENTIAL_TYPES: ReadonlySet<string> = new Set<ConnectionType>([
  'basic',
  'bearer',
  'api_key',
  'oauth2_client_credentials',
  'token_endpoint',
  'soap_ws_security',
]);

/**
 * The origin its token request goes to, when a connection has one and it can be told without a run
 * (the oauth2 token URL, or the token_endpoint request rendered with the fields).
 */
export function tokenRequestOrigin(p: Pick<ParsedConnection, 'type' | 'config' | 'fields'>): string | undefined {
  if (p.type === 'oauth2_client_credentials') return originOfUrl(p.config.tokenUrl);
  if (p.type !== 'token_endpoint') return undefined;
  const request = p.config.request as { url?: unknown } | undefined;
  if (typeof request?.url !== 'string') return undefined;
  try {
    // As the token fetch renders it (secrets empty: a host never comes from a secret).
    const spec = { id: '', type: p.type, config: p.config, fields: p.fields, secrets: {}, allowedOrigins: [] };
    const connection = exposedFields(spec as unknown as ConnectionSpec);
    return originOfUrl(compileTemplate(request.url, 'url').render({ connection, secrets: {} }).trim());
  } catch {
    return undefined;
  }
}

/** The origins of a connection's own URLs: absolute http(s) URL fields (baseUrl, wsdlUrl…) and its token request. */
export function deriveAllowedOrigins(p: Pick<ParsedConnection, 'type' | 'config' | 'fields'>): string[] {
  const found = new Set<string>();
  for (const v of Object.values(p.fields)) {
    const o = originOfUrl(v);
    if (o) found.add(o);
  }
  const token = tokenRequestOrigin(p);
  if (token) found.add(token);
  return [...found].sort();
}

/**
 * The allowed origins to store (issue 16 §5): as given; else, on PUT, as stored; else derived from
 * the connection's own URLs. A type that carries credentials needs at least one, and its token
 * request's origin must be among them (400 otherwise, saying what to add).
 */
export function allowedOriginsFor(p: ParsedConnection, stored: string[] | undefined): string[] {
  let origins = p.allowedOrigins ?? (stored && stored.length > 0 ? stored : deriveAllowedOrigins(p));
  origins = [...new Set(origins)];
  if (CREDENTIAL_TYPES.has(p.type) && origins.length === 0) {
    const message =
      `allowedOrigins: list the origins this ${p.type} connection's credentials may be sent to ` +
      `(e.g. ["https://crm.example.com"]); none could be derived from its fields' URLs`;
    throw new BadRequestException({ message, details: [message] });
  }
  const token = tokenRequestOrigin(p);
  if (token && !origins.includes(token)) {
    const message =
      `allowedOrigins: must include ${token}, ` +
      `where the connection's token request goes (it carries the connection's secrets)`;
    throw new BadRequestException({ message, details: [message] });
  }
  return origins;
}

/** The stored secrets an update keeps (same type, allowed by it, neither given anew nor cleared). */
export function keptSecretNames(stored: Record<string, string>, storedType: string, p: ParsedConnection): string[] {
  if (storedType !== p.type) return [];
  const allowed = TYPE_SECRETS[p.type as ConnectionType];
  return Object.keys(stored).filter((n) => (allowed === 'any' || allowed.includes(n)) && !Object.hasOwn(p.secrets, n));
}

/**
 * Review item 5: a user who may edit connections but never knew a secret must not send it to a
 * server of their own by adding that origin. Listing an origin that was not listed before needs the
 * kept secrets given again in the same request (422 naming them); removing origins is free.
 */
export function requireSecretsToWiden(
  stored: readonly string[],
  next: readonly string[],
  kept: readonly string[],
  type: string,
): void {
  const added = next.filter((o) => !stored.includes(o));
  if (added.length === 0 || kept.length === 0) return;
  const names = kept.map((n) => (type === 'token_endpoint' ? `secrets.${n}` : n)).join(', ');
  const message =
    `allowedOrigins: adding ${added.join(', ')} lets this connection's credentials go there, so its secrets ` +
    `must be entered again in the same request (${names}); removing origins needs no secret`;
  throw new UnprocessableEntityException({ message, details: [message] });
}
