/**
 * What a respond node may put in a trigger answer. A webhook answer is served on the editor's own
 * origin and its content is written by a tenant's admin (hostile to the other tenants), so it may
 * not carry cookies or any header that sets a security policy for that origin, nor be JavaScript
 * (a `<script src>` of the editor's origin). The validator refuses these (the editor shows why)
 * and the server drops them at run time (templated values, versions published before the rule).
 */
import { z } from 'zod';
import { headerRowSchema } from './common';

const COOKIES = 'a trigger answer is served on the editor’s origin: it may not set cookies';
const POLICY = 'the server sets the security headers of trigger answers; a respond node may not set this one';
const AUTH = 'a trigger answer may not ask the browser for credentials';

const REFUSED = new Map<string, string>([
  ['set-cookie', COOKIES],
  ['set-cookie2', COOKIES],
  ...[
    'content-security-policy', 'content-security-policy-report-only', 'x-content-security-policy', 'x-webkit-csp',
    'x-frame-options', 'strict-transport-security', 'x-content-type-options', 'referrer-policy', 'permissions-policy',
    'feature-policy', 'document-policy', 'require-document-policy', 'clear-site-data', 'x-xss-protection',
    'x-permitted-cross-domain-policies', 'x-dns-prefetch-control', 'x-download-options', 'origin-agent-cluster',
    'service-worker-allowed', 'nel', 'report-to', 'reporting-endpoints', 'alt-svc', 'accept-ch', 'critical-ch',
    'set-login', 'supports-loading-mode', 'speculation-rules',
  ].map((h): [string, string] => [h, POLICY]),
  ['www-authenticate', AUTH],
  ['proxy-authenticate', AUTH],
]);

/** Why a respond node may not set the response header `name`, or undefined when it may. */
export function respondHeaderRefusal(name: string): string | undefined {
  const n = name.toLowerCase();
  const why = REFUSED.get(n);
  if (why !== undefined) return why;
  if (n.startsWith('cross-origin-') || n.startsWith('sec-')) return POLICY;
  return undefined;
}

/** JavaScript MIME type essences (WHATWG MIME Sniffing), which a browser would run as a script. */
const SCRIPT_TYPES = new Set([
  'application/ecmascript', 'application/javascript', 'application/x-ecmascript', 'application/x-javascript',
  'text/ecmascript', 'text/javascript', 'text/javascript1.0', 'text/javascript1.1', 'text/javascript1.2',
  'text/javascript1.3', 'text/javascript1.4', 'text/javascript1.5', 'text/jscript', 'text/livescript',
  'text/x-ecmascript', 'text/x-javascript',
]);

/** True when a Content-Type value names a JavaScript MIME type (a trigger answer may not be a script). */
export function isScriptContentType(value: string): boolean {
  const semi = value.indexOf(';');
  return SCRIPT_TYPES.has((semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase());
}

export const SCRIPT_CONTENT_TYPE_MESSAGE =
  'a trigger answer may not be JavaScript (it would run as a script of the editor’s origin)';

/** A respond node's header row: refused when it sets a cookie, a security header, or a script content type. */
export const respondHeaderRowSchema = headerRowSchema.superRefine((h, ctx) => {
  const why = respondHeaderRefusal(h.name);
  if (why) ctx.addIssue({ code: 'custom', path: ['name'], message: why });
  else if (h.name.toLowerCase() === 'content-type' && isScriptContentType(h.value)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: SCRIPT_CONTENT_TYPE_MESSAGE });
  }
});

/** The content type of a text answer: anything but JavaScript. */
export const respondContentTypeSchema = z
  .string()
  .max(128)
  .refine((t) => !isScriptContentType(t), SCRIPT_CONTENT_TYPE_MESSAGE);
