import { z } from 'zod';
import { defineNodeSpec, type TemplateField } from '../node-spec';
import { jsonSampleSchema } from '../definition';
import {
  connectionIdSchema,
  headerRowSchema,
  nameValueSchema,
  parseRawHeaders,
  requestTimeoutUnder,
  retrySchema,
  shortUrl,
  templateSchema,
  timeoutSchema,
} from './common';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * A form field. `json`: the value is a JSON template (tokens escaped as in a JSON body; it must
 * parse; it is sent compact) — RetailCRM's API takes JSON in form fields; `omitEmpty` (with
 * `json`): members whose value is "" or null are left out.
 */
export const formFieldSchema = z
  .strictObject({
    name: z.string().min(1).max(256),
    value: templateSchema,
    json: z.boolean().optional(),
    omitEmpty: z.boolean().optional(),
  })
  .refine((f) => !f.omitEmpty || f.json, {
    path: ['omitEmpty'],
    message: 'omitting empty members needs a JSON value (json: true)',
  });
export type FormField = z.infer<typeof formFieldSchema>;

export const httpBodySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** `omitEmpty`: members whose value is "" or null are left out, at any depth (the body is then sent compact). */
  z.strictObject({ type: z.literal('json'), template: templateSchema, omitEmpty: z.boolean().optional() }),
  z.strictObject({ type: z.literal('xml'), template: templateSchema, contentType: z.string().max(128).optional() }),
  z.strictObject({ type: z.literal('text'), template: templateSchema, contentType: z.string().max(128).optional() }),
  z.strictObject({ type: z.literal('form'), fields: z.array(formFieldSchema).max(200) }),
]);
export type HttpBody = z.infer<typeof httpBodySchema>;

export const httpConfigSchema = z.strictObject({
  method: z.enum(HTTP_METHODS).default('GET'),
  url: templateSchema.min(1, 'URL is required'),
  query: z.array(nameValueSchema).max(200).default([]),
  headers: z.array(headerRowSchema).max(200).default([]),
  /** ICTBroadcast-style raw text, one `Name: value` per line; merged after `headers`. */
  rawHeaders: templateSchema.optional(),
  body: httpBodySchema.default({ type: 'none' }),
  connectionId: connectionIdSchema.optional(),
  timeoutMs: timeoutSchema,
  retry: retrySchema,
  /** `binary`: the body is kept as bytes (output `body` = {size, contentType}), for a respond node to pass through. */
  responseType: z.enum(['auto', 'json', 'text', 'xml', 'binary']).default('auto'),
  followRedirects: z.boolean().default(true),
  /**
   * A response body the admin pasted or pinned from a test run: the editor completes
   * `{{nodes.<name>.body.…}}` from it and token paths it lacks are warnings. Never sent.
   */
  sampleResponse: jsonSampleSchema.optional(),
});
export type HttpConfig = z.infer<typeof httpConfigSchema>;

/** HTTP request node: output `{status, headers, body}`; non-2xx and failures go to `error`. */
export const httpNode = defineNodeSpec({
  type: 'http',
  category: 'request',
  label: 'HTTP request',
  shortLabel: 'HTTP',
  baseName: 'request',
  description: 'Calls a REST/HTTP endpoint with templated URL, headers and body.',
  configSchema: httpConfigSchema,
  initialConfig: (ctx) => ({ method: 'GET', url: '', ...requestTimeoutUnder(ctx) }),
  outputFields: ['status', 'headers', 'body'],
  recordsOutput: false,
  sampleOutput: (c) => {
    const body = (c as { sampleResponse?: unknown } | undefined)?.sampleResponse;
    return body === undefined ? undefined : { body };
  },
  // A response cut short in the record is not the body later nodes read.
  stepOutput: ({ response: r }) =>
    r && !r.truncated ? { status: r.status, headers: r.headers ?? {}, body: r.body } : undefined,
  handles: () => ['success', 'error'],
  templates: (c) => {
    const t: TemplateField[] = [{ path: ['url'], template: c.url, context: 'url', url: 'call' }];
    c.query.forEach((q, i) => t.push({ path: ['query', i, 'value'], template: q.value, context: 'text' }));
    c.headers.forEach((h, i) => t.push({ path: ['headers', i, 'value'], template: h.value, context: 'header' }));
    if (c.rawHeaders) t.push({ path: ['rawHeaders'], template: c.rawHeaders, context: 'header' });
    const b = c.body;
    if (b.type === 'json') t.push({ path: ['body', 'template'], template: b.template, context: 'json' });
    if (b.type === 'xml') t.push({ path: ['body', 'template'], template: b.template, context: 'xml' });
    if (b.type === 'text') t.push({ path: ['body', 'template'], template: b.template, context: 'text' });
    if (b.type === 'form') {
      b.fields.forEach((f, i) => {
        t.push({ path: ['body', 'fields', i, 'value'], template: f.value, context: f.json ? 'json' : 'text' });
      });
    }
    return t;
  },
  summary: (c) => `${c.method} ${shortUrl(c.url)}`,
});

export { parseRawHeaders };
