/**
 * What a respond node may put in a trigger answer. A webhook answer is served on the editor's own
 * origin and its content is written by a tenant's admin (hostile to the other tenants), so it may
 * not carry cookies or any header that sets a security policy for that origin, nor be JavaScript
 * (a `<script src>` of the editor's origin). The validator refuses these (the editor shows why)
 * and the server drops them at run time (templated values, versions published before the rule).
 */
import { z } from 'zod';
import { headerRowSchema } from './common';
import { isScriptContentType, mediaTypeProblem, SCRIPT_CONTENT_TYPE_MESSAGE } from './media-type';

const COOKIES = 'a trigger answer is served on the editor’s origin: it may not set cookies';
const POLICY = 'the server sets the security headers of trigger answers; a respond node may not set this one';
const AUTH = 'a trigger answer may not ask the browser for credentials';

const REFUSED = new Map<string, string>([
  ['set-cookie', COOKIES],
  ['set-cookie2', COOKIES],
  ...[
    'content-security-policy',
    'content-security-policy-report-only',
    'x-content-security-policy',
    'x-webkit-csp',
    'x-frame-options',
    'strict-transport-security',
    'x-content-type-options',
    'referrer-policy',
    'permissions-policy',
    'feature-policy',
    'document-policy',
    'require-document-policy',
    'clear-site-data',
    'x-xss-protection',
    'x-permitted-cross-domain-policies',
    'x-dns-prefetch-control',
    'x-download-options',
    'origin-agent-cluster',
    'service-worker-allowed',
    'nel',
    'report-to',
    'reporting-endpoints',
    'alt-svc',
    'accept-ch',
    'critical-ch',
    'set-login',
    'supports-loading-mode',
    'speculation-rules',
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

/** A respond node's header row: refused when it sets a cookie, a security header, or a script or malformed type. */
export const respondHeaderRowSchema = headerRowSchema.superRefine((h, ctx) => {
  const why = respondHeaderRefusal(h.name);
  if (why) ctx.addIssue({ code: 'custom', path: ['name'], message: why });
  else if (h.name.toLowerCase() === 'content-type') {
    // A templated value is made one safe media type at run time (answerContentType); a literal one is checked now.
    const problem = !h.value.includes('{{')
      ? mediaTypeProblem(h.value)
      : isScriptContentType(h.value)
        ? SCRIPT_CONTENT_TYPE_MESSAGE
        : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  }
});

/** The content type of a text answer: one media type, anything but JavaScript. */
export const respondContentTypeSchema = z
  .string()
  .max(128)
  .superRefine((t, ctx) => {
    const problem = mediaTypeProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
