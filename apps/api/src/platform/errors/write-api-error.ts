import type { Request, Response } from 'express';
import { securityHeadersFor } from '../http/security-headers';
import type { ApiError } from './http-exception.filter';

/** Headers of an answer that was being written when it failed: they describe that answer, not the error. */
const ANSWER_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-disposition',
  'content-range',
  'etag',
  'last-modified',
  'location',
];

/**
 * Writes an error in the API's shape, whatever the answer it replaces had set: never through
 * Express's `res.json` (it parses the Content-Type already set, and a malformed one, such as a
 * trigger answer's `text/plain, application/javascript`, threw again inside the exception filter,
 * so Express's final handler answered an HTML stack trace without our security headers). `reset`
 * (an unexpected failure) also removes every other header the failed answer set; the security
 * headers of the path are set again either way.
 */
export function writeApiError(req: Request, res: Response, body: ApiError, reset: boolean, retryAfter?: string): void {
  for (const name of reset ? res.getHeaderNames() : ANSWER_HEADERS) res.removeHeader(name);
  for (const [name, value] of securityHeadersFor(req.path ?? req.url ?? '/')) res.setHeader(name, value);
  if (retryAfter !== undefined) res.setHeader('retry-after', retryAfter);
  const json = JSON.stringify(body);
  res.statusCode = body.statusCode;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}
