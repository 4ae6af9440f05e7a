import type { NextFunction, Request, Response } from 'express';

/**
 * Security headers of every HTTP answer, by what is answered (docs/security.md, "Trigger answers
 * and the editor session"). The editor, the API and the trigger routes share one origin, and a
 * trigger answer is written by a tenant's admin (hostile to the other tenants):
 *
 * - trigger answers (webhook, IVR; errors, 405s and preflights too): `sandbox` gives the document
 *   an opaque origin with no scripts, forms or popups, so it can neither read the editor's storage
 *   or cookies nor call the API as the viewer; it still renders (an agent's CRM iframe), so no
 *   frame-ancestors. IVR calls answered before Express (IvrPipeline) send the same values.
 * - the editor: scripts from its own files only, never framed.
 * - Swagger UI (/api/docs): the same, plus the inline styles it ships with.
 * - other API answers (JSON): nothing may load, nothing may frame them, sandboxed.
 * All: `nosniff` (no answer is sniffed into HTML or script) and no Referer (webhook URLs carry
 * `?token=`).
 */
export const TRIGGER_CSP = 'sandbox';
export const NOSNIFF = 'nosniff';
export const NO_REFERRER = 'no-referrer';

const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

type HeaderList = readonly (readonly [string, string])[];
const COMMON: HeaderList = [
  ['x-content-type-options', NOSNIFF],
  ['referrer-policy', NO_REFERRER],
];
const TRIGGER: HeaderList = [['content-security-policy', TRIGGER_CSP], ...COMMON];
const API: HeaderList = [['content-security-policy', API_CSP], ['x-frame-options', 'DENY'], ...COMMON];
const DOCS: HeaderList = [['content-security-policy', DOCS_CSP], ['x-frame-options', 'DENY'], ...COMMON];
const EDITOR: HeaderList = [
  ['content-security-policy', EDITOR_CSP],
  ['x-frame-options', 'DENY'],
  ['cross-origin-opener-policy', 'same-origin'],
  ...COMMON,
];

/** Express routes case-insensitively, so these match any case. */
const TRIGGER_PATH = /^\/api\/v1\/(?:hooks|ivr)(?:\/|$)/i;
const DOCS_PATH = /^\/api\/docs(?:\/|$|-json|-yaml)/i;
const API_PATH = /^\/(?:api\/|metrics(?:\/|$))/i;

/** The headers of an answer to `path` (exported for the tests). */
export function securityHeadersFor(path: string): HeaderList {
  if (TRIGGER_PATH.test(path)) return TRIGGER;
  if (DOCS_PATH.test(path)) return DOCS;
  if (API_PATH.test(path)) return API;
  return EDITOR;
}

/** Express middleware: sets the headers before anything answers (so errors carry them too). */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of securityHeadersFor(req.path)) res.setHeader(name, value);
  next();
}

/** Source maps are never served (a stale build may still hold some). */
export function refuseSourceMaps(req: Request, res: Response, next: NextFunction): void {
  if (!/\.map$/i.test(req.path)) return next();
  res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'not found' });
}
