import { normalizeOrigin, type ConnectionType } from '@callflow/engine';
import { validateOneOf } from '../platform/validation/validate-body';
import { CONNECTION_DTOS } from './dto/connection.dto';
import type { Mode } from './dto/connection-fields';

/** The flat secret field of each type (token_endpoint uses its `secrets` map instead). */
export const SECRET_FIELD: Partial<Record<ConnectionType, string>> = {
  basic: 'password',
  bearer: 'token',
  api_key: 'apiKey',
  oauth2_client_credentials: 'clientSecret',
  soap_ws_security: 'password',
};

/** A validated body split into what is stored where. */
export interface ParsedConnection {
  name: string;
  description: string | null | undefined;
  type: ConnectionType;
  fields: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Secret name → new value, or null to clear; absent names are kept (PUT). */
  secrets: Record<string, string | null>;
  /** Canonical origins as given; undefined when the body has none (see allowedOriginsFor). */
  allowedOrigins?: string[];
}

/**
 * Validates a POST ('create') or PUT ('update') body with the DTO of its `type` (dto/connection.dto.ts;
 * a 400 with every problem in `details`) and splits it into settings and secrets.
 */
export function parseConnectionBody(body: unknown, mode: Mode): ParsedConnection {
  // As plain JSON: the nested DTO instances become the objects stored in jsonb, absent fields vanish.
  const dto = JSON.parse(JSON.stringify(validateOneOf(body, 'type', CONNECTION_DTOS[mode]))) as Record<string, unknown>;
  const { name, description, type, fields: free, allowedOrigins, ...rest } = dto;
  const secrets: Record<string, string | null> = {};
  const config: Record<string, unknown> = {};
  const kind = type as ConnectionType;
  const flat = SECRET_FIELD[kind];
  for (const [k, v] of Object.entries(rest)) {
    if (k === flat) secrets[k] = v as string | null;
    else if (kind === 'token_endpoint' && k === 'secrets')
      for (const [sk, sv] of Object.entries(v as Record<string, string | null>)) secrets[sk] = sv;
    else config[k] = v;
  }
  return {
    name: name as string,
    description: description as string | null | undefined,
    type: kind,
    fields: (free as Record<string, unknown> | undefined) ?? {},
    config,
    secrets,
    ...(allowedOrigins ? { allowedOrigins: (allowedOrigins as string[]).map(normalizeOrigin) } : {}),
  };
}
