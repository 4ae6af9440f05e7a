import { z } from 'zod';
import { idSchema, RESERVED_NAMES } from '../definition';
import type { InitialConfigContext } from '../node-spec';

/** Max length of one template string; the validator's configurable limit is applied on top. */
const TEMPLATE_HARD_MAX = 1_000_000;
export const templateSchema = z.string().max(TEMPLATE_HARD_MAX);

/** `{name, value}` rows used by query, headers, form fields and set values. */
export const nameValueSchema = z.strictObject({ name: z.string().min(1).max(256), value: templateSchema });
export type NameValue = z.infer<typeof nameValueSchema>;

/** RFC 7230 token: what a header name may contain. */
export const headerNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
export const headerRowSchema = z.strictObject({ name: headerNameSchema, value: templateSchema });

export const retrySchema = z
  .strictObject({
    /** Total tries, the first included. */
    attempts: z.number().int().min(1).max(10).default(1),
    /** Base delay before the 2nd try; doubles each time (with jitter). */
    backoffMs: z.number().int().min(0).max(60_000).default(500),
  })
  .default({ attempts: 1, backoffMs: 500 });

export const timeoutSchema = z.number().int().min(1).max(120_000).default(10_000);

/** A variable or output name usable as `vars.<name>`. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'start with a letter or "_", then letters, digits or "_"')
  .refine((n) => !RESERVED_NAMES.has(n), 'this name is reserved');

export { idSchema };

/**
 * What a flow template leaves in `connectionId` until the admin picks a connection
 * (`choose-connection:<purpose>`); the validator flags it so such a draft cannot be published.
 */
export const CONNECTION_PLACEHOLDER_PREFIX = 'choose-connection:';

export const connectionIdSchema = z
  .string()
  .min(1)
  .max(64)
  .superRefine((id, ctx) => {
    if (id.startsWith(CONNECTION_PLACEHOLDER_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        message:
          `choose a connection: the template left the placeholder for its ` +
          `"${id.slice(CONNECTION_PLACEHOLDER_PREFIX.length)}" connection`,
      });
    }
  });

/** Parses ICTBroadcast-style raw header text: one `Name: value` per line, blank lines ignored. */
export function parseRawHeaders(text: string): { name: string; value: string; line: number }[] {
  const out: { name: string; value: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const colon = line.indexOf(':');
    out.push({
      name: colon > 0 ? line.slice(0, colon).trim() : line,
      value: colon > 0 ? line.slice(colon + 1).trim() : '',
      line: i + 1,
    });
  });
  return out;
}

/** A request node's starting timeout under the flow's trigger, when the trigger asks for one. */
export function requestTimeoutUnder({ trigger }: InitialConfigContext): { timeoutMs?: number } {
  const ms = trigger?.trigger?.requestTimeoutMs;
  return ms === undefined ? {} : { timeoutMs: ms };
}

/** Host and path of a URL template for summaries, without the scheme. */
export function shortUrl(url: string): string {
  return url.replace(/^\s*https?:\/\//i, '').slice(0, 60);
}
