import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestException } from '@nestjs/common';

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerOf(header: string | undefined): string | undefined {
  return header && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
}

/**
 * The `?token=` API key of a parsed query: a repeated token is ambiguous (which one is the key?)
 * and refused with a 400 rather than silently ignored or half used.
 */
export function queryTokenOf(token: unknown): string | undefined {
  if (Array.isArray(token)) {
    if (token.length > 1) throw new BadRequestException(`pass the API key once: ?token= appears ${token.length} times`);
    token = token[0];
  }
  return typeof token === 'string' ? token : undefined;
}

/** The API key a machine presented: `Authorization: Bearer`, then `X-Api-Key`, then `?token=`. */
export function apiKeyOf(headers: IncomingHttpHeaders, queryToken: string | undefined): string | undefined {
  const header = headers['x-api-key'];
  return bearerOf(headers.authorization) ?? (typeof header === 'string' ? header : undefined) ?? queryToken;
}
