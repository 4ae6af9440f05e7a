import { z } from 'zod';
import { defineNodeSpec, type TemplateField } from '../node-spec';
import { connectionIdSchema, retrySchema, shortUrl, templateSchema, timeoutSchema } from './common';

/** SOAP arguments: nested objects/arrays whose string leaves are templates (XML-escaped on send). */
export type SoapArg = string | number | boolean | null | SoapArg[] | { [key: string]: SoapArg };
export const soapArgSchema: z.ZodType<SoapArg> = z.lazy(() =>
  z.union([templateSchema, z.number(), z.boolean(), z.null(), z.array(soapArgSchema).max(1000), z.record(z.string().max(256), soapArgSchema)]),
);

export const soapConfigSchema = z.strictObject({
  wsdlUrl: templateSchema.min(1, 'WSDL URL is required'),
  service: z.string().max(256).optional(),
  port: z.string().max(256).optional(),
  operation: z.string().min(1, 'operation is required').max(256),
  args: z.record(z.string().max(256), soapArgSchema).default({}),
  soapHeaders: z.record(z.string().max(256), soapArgSchema).default({}),
  /** Overrides the service address given in the WSDL. */
  endpoint: templateSchema.optional(),
  connectionId: connectionIdSchema.optional(),
  timeoutMs: timeoutSchema,
  retry: retrySchema,
});
export type SoapConfig = z.infer<typeof soapConfigSchema>;

function argTemplates(value: SoapArg, path: (string | number)[], out: TemplateField[]): void {
  if (typeof value === 'string') out.push({ path, template: value, context: 'text' });
  else if (Array.isArray(value)) value.forEach((v, i) => argTemplates(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) argTemplates(v, [...path, k], out);
}

/** SOAP/WSDL call node: output `{result, headers?}`; faults and failures go to `error`. */
export const soapNode = defineNodeSpec({
  type: 'soap',
  category: 'request',
  label: 'SOAP request',
  description: 'Calls a SOAP operation described by a WSDL, with templated arguments.',
  configSchema: soapConfigSchema,
  handles: () => ['success', 'error'],
  templates: (c) => {
    const t: TemplateField[] = [{ path: ['wsdlUrl'], template: c.wsdlUrl, context: 'url' }];
    if (c.endpoint) t.push({ path: ['endpoint'], template: c.endpoint, context: 'url' });
    argTemplates(c.args, ['args'], t);
    argTemplates(c.soapHeaders, ['soapHeaders'], t);
    return t;
  },
  summary: (c) => `${c.operation} @ ${shortUrl(c.wsdlUrl)}`,
});
