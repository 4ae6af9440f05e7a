import type { SoapClientOptions } from '@callflow/flow';
import { DEFAULT_ARG_KEYS, type ArgKeys } from './arg-order';

export type { SoapClientOptions };

/**
 * The soap node's client options (validated by soapClientOptionsSchema in libs/flow) mapped onto
 * node-soap's: those read while the WSDL is parsed (they shape the model every later call writes
 * from) and those a Client reads per call. Only whitelisted options exist here; the engine's own
 * (httpClient, import guard, date reading) are set by the caller and always win.
 */

/** node-soap WSDL options from ours (ignoredNamespaces, keys, element overrides, empty tags …). */
export function wsdlParseOptions(o: SoapClientOptions | undefined): Record<string, unknown> {
  if (!o) return {};
  const out: Record<string, unknown> = {};
  if (o.ignoredNamespaces) out.ignoredNamespaces = ignored(o.ignoredNamespaces);
  if (o.ignoreBaseNameSpaces !== undefined) out.ignoreBaseNameSpaces = o.ignoreBaseNameSpaces;
  if (o.valueKey) out.valueKey = o.valueKey;
  if (o.xmlKey) out.xmlKey = o.xmlKey;
  if (o.handleNilAsNull !== undefined) out.handleNilAsNull = o.handleNilAsNull;
  if (o.namespaceArrayElements !== undefined) out.namespaceArrayElements = o.namespaceArrayElements;
  if (o.overrideRootElement) out.overrideRootElement = rootElement(o.overrideRootElement);
  if (o.overrideElementKey) out.overrideElementKey = { ...o.overrideElementKey };
  if (o.forceUseSchemaXmlns !== undefined) out.forceUseSchemaXmlns = o.forceUseSchemaXmlns;
  if (o.useEmptyTag !== undefined) out.useEmptyTag = o.useEmptyTag;
  return out;
}

/** node-soap Client options from ours (a Client writes some of them into the shared WSDL: see SoapService). */
export function clientCallOptions(o: SoapClientOptions | undefined): Record<string, unknown> {
  if (!o) return {};
  const out: Record<string, unknown> = {};
  if (o.attributesKey) out.attributesKey = o.attributesKey;
  if (o.envelopeKey) out.envelopeKey = o.envelopeKey;
  if (o.preserveWhitespace !== undefined) out.preserveWhitespace = o.preserveWhitespace;
  if (o.ignoredNamespaces) out.ignoredNamespaces = ignored(o.ignoredNamespaces);
  if (o.overrideRootElement) out.overrideRootElement = rootElement(o.overrideRootElement);
  if (o.overrideElementKey) out.overrideElementKey = { ...o.overrideElementKey };
  return out;
}

function ignored(i: NonNullable<SoapClientOptions['ignoredNamespaces']>) {
  return { namespaces: [...i.namespaces], override: i.override };
}

function rootElement(r: NonNullable<SoapClientOptions['overrideRootElement']>) {
  const attrs = r.xmlnsAttributes?.map((a) => ({ name: a.name, value: a.value }));
  return { namespace: r.namespace, ...(attrs ? { xmlnsAttributes: attrs } : {}) };
}

/** The special argument keys (for ordering args) under these options. */
export function argKeysOf(o: SoapClientOptions | undefined): ArgKeys {
  if (!o || (!o.attributesKey && !o.valueKey && !o.xmlKey && !o.overrideElementKey)) return DEFAULT_ARG_KEYS;
  return {
    attributes: o.attributesKey ?? DEFAULT_ARG_KEYS.attributes,
    value: o.valueKey ?? DEFAULT_ARG_KEYS.value,
    xml: o.xmlKey ?? DEFAULT_ARG_KEYS.xml,
    ...(o.overrideElementKey ? { rename: o.overrideElementKey } : {}),
  };
}

/** A stable text of the options (sorted keys at every depth), for cache keys; '' for none. */
export function optionsKey(o: SoapClientOptions | undefined): string {
  if (!o || Object.keys(o).length === 0) return '';
  return JSON.stringify(sorted(o));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
  return out;
}
