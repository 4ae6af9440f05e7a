import type { IncomingHttpHeaders } from 'node:http';

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerOf(header: string | undefined): string | undefined {
  return header && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
}

/** The API key a machine presented: `Authorization: Bearer`, then `X-Api-Key`, then `?token=`. */
export function apiKeyOf(headers: IncomingHttpHeaders, queryToken: string | undefined): string | undefined {
  const header = headers['x-api-key'];
  return bearerOf(headers.authorization) ?? (typeof header === 'string' ? header : undefined) ?? queryToken;
}
