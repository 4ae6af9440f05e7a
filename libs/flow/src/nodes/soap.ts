import { z } from 'zod';
import { defineNodeSpec, type TemplateField } from '../node-spec';
import {
  connectionIdSchema,
  requestTimeoutUnder,
  retrySchema,
  shortUrl,
  templateSchema,
  timeoutSchema,
} from './common';

/** SOAP arguments: nested objects/arrays whose string leaves are templates (XML-escaped on send). */
export type SoapArg = string | number | boolean | null | SoapArg[] | { [key: string]: SoapArg };
export const soapArgSchema: z.ZodType<SoapArg, SoapArg> = z.lazy(() =>
  z.union([
    templateSchema,
    z.number(),
    z.boolean(),
    z.null(),
    z.array(soapArgSchema).max(1000),
    z.record(z.string().max(256), soapArgSchema),
  ]),
);

const ncName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][\w.-]*$/, 'an XML name (letters, digits, "_", "-", ".")');
const prefixed = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/, 'an XML name, optionally prefixed (ns:name)');
const argKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[$A-Za-z_][\w$]*$/, 'a key name (letters, digits, "_", "$")');

/**
 * node-soap client options a real service may need (those node-soap's own samples use), typed and
 * whitelisted: nothing that reads files, changes the HTTP client or goes around the outbound guard.
 * They change how the envelope is written and the answer read, so a WSDL is parsed once per set.
 */
export const soapClientOptionsSchema = z.strictObject({
  /** Prefixes written without a prefix; `override` replaces node-soap's (tns, targetNamespace, typedNamespace). */
  ignoredNamespaces: z
    .strictObject({ namespaces: z.array(ncName).max(50), override: z.boolean().default(false) })
    .optional(),
  /** Child elements of a base type take the parent's namespace (no prefix of their own). */
  ignoreBaseNameSpaces: z.boolean().optional(),
  /** The body element's prefix and the namespace declarations written on it instead of node-soap's. */
  overrideRootElement: z
    .strictObject({
      namespace: prefixed,
      xmlnsAttributes: z
        .array(
          z.strictObject({
            name: z
              .string()
              .max(140)
              .regex(/^xmlns(:[A-Za-z_][\w.-]*)?$/, 'xmlns or xmlns:prefix'),
            value: z
              .string()
              .max(2000)
              .regex(/^[^"<>&\s]*$/, 'a namespace URI (no quotes, <, >, & or spaces)'),
          }),
        )
        .max(20)
        .optional(),
    })
    .optional(),
  /** Argument keys sent under another element name (key → element name). */
  overrideElementKey: z
    .record(ncName, prefixed)
    .refine((o) => Object.keys(o).length <= 50, 'at most 50 renamed keys')
    .optional(),
  /** Keep leading and trailing whitespace of text in the answer. */
  preserveWhitespace: z.boolean().optional(),
  /** SOAP 1.2 envelope and content type even when the WSDL's port says SOAP 1.1. */
  forceSoap12Headers: z.boolean().optional(),
  /** Empty elements as `<a/>` instead of `<a></a>`. */
  useEmptyTag: z.boolean().optional(),
  /** Each item of an array argument gets its own namespaced element (default true). */
  namespaceArrayElements: z.boolean().optional(),
  /** An element with xsi:nil="true" in the answer reads as null. */
  handleNilAsNull: z.boolean().optional(),
  /** Use the namespace declarations of the schema for element prefixes. */
  forceUseSchemaXmlns: z.boolean().optional(),
  /** The envelope's prefix (default `soap`). */
  envelopeKey: ncName.optional(),
  /** The argument keys holding attributes (default `attributes`), text (`$value`) and raw XML (`$xml`). */
  attributesKey: argKey.optional(),
  valueKey: argKey.optional(),
  xmlKey: argKey.optional(),
  /** Read a multipart (MTOM) answer: the envelope from its first part, the others as the output's `attachments`. */
  parseResponseAttachments: z.boolean().optional(),
  /** xs:date and xs:dateTime in the answer: ISO text (default) or the text as the service wrote it. */
  dates: z.enum(['iso', 'text']).optional(),
});
export type SoapClientOptions = z.infer<typeof soapClientOptionsSchema>;
/** Client options as written in a stored config (before the schema's defaults). */
export type SoapClientOptionsInput = z.input<typeof soapClientOptionsSchema>;

export const soapConfigSchema = z.strictObject({
  wsdlUrl: templateSchema.min(1, 'WSDL URL is required'),
  service: z.string().max(256).optional(),
  port: z.string().max(256).optional(),
  operation: z.string().min(1, 'operation is required').max(256),
  args: z.record(z.string().max(256), soapArgSchema).default({}),
  /** Leave out an argument element whose value renders empty (an optional element: no `<a></a>`). */
  omitEmpty: z.boolean().optional(),
  soapHeaders: z.record(z.string().max(256), soapArgSchema).default({}),
  /** Overrides the service address given in the WSDL. */
  endpoint: templateSchema.optional(),
  connectionId: connectionIdSchema.optional(),
  timeoutMs: timeoutSchema,
  retry: retrySchema,
  /** Advanced: node-soap client options (see soapClientOptionsSchema). */
  clientOptions: soapClientOptionsSchema.optional(),
});
export type SoapConfig = z.infer<typeof soapConfigSchema>;

/** The argument key whose value node-soap inserts as raw XML (unless `clientOptions.xmlKey` renames it). */
export const SOAP_XML_KEY = '$xml';

/** Each string leaf is a text template, but under the raw-XML key an XML one (its tokens XML-escaped). */
function argTemplates(
  value: SoapArg,
  path: (string | number)[],
  out: TemplateField[],
  xmlKey: string,
  xml = false,
): void {
  if (typeof value === 'string') out.push({ path, template: value, context: xml ? 'xml' : 'text' });
  else if (Array.isArray(value)) value.forEach((v, i) => argTemplates(v, [...path, i], out, xmlKey, xml));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) argTemplates(v, [...path, k], out, xmlKey, k === xmlKey);
  }
}

/** SOAP/WSDL call node: output `{result, headers?}`; faults and failures go to `error`. */
export const soapNode = defineNodeSpec({
  type: 'soap',
  category: 'request',
  label: 'SOAP request',
  shortLabel: 'SOAP',
  baseName: 'soapCall',
  description: 'Calls a SOAP operation described by a WSDL, with templated arguments.',
  configSchema: soapConfigSchema,
  initialConfig: (ctx) => ({ wsdlUrl: '', operation: '', args: {}, ...requestTimeoutUnder(ctx) }),
  outputFields: ['result', 'headers'],
  recordsOutput: false,
  handles: () => ['success', 'error'],
  templates: (c) => {
    const t: TemplateField[] = [{ path: ['wsdlUrl'], template: c.wsdlUrl, context: 'url', url: 'call' }];
    if (c.endpoint) t.push({ path: ['endpoint'], template: c.endpoint, context: 'url', url: 'call' });
    const xmlKey = c.clientOptions?.xmlKey ?? SOAP_XML_KEY;
    argTemplates(c.args, ['args'], t, xmlKey);
    argTemplates(c.soapHeaders, ['soapHeaders'], t, xmlKey);
    return t;
  },
  summary: (c) => `${c.operation} @ ${shortUrl(c.wsdlUrl)}`,
});
