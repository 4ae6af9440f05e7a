import type { TemplateContext } from '@callflow/flow';
import { EngineError } from '../errors';
import { exposed, SecretValue } from './secret-value';

/** A helper result already escaped for one context; other contexts escape its text again. */
export class Escaped {
  constructor(
    readonly text: string,
    readonly context: TemplateContext,
  ) {}
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const nativeWellFormed = (String.prototype as { toWellFormed?: (this: string) => string }).toWellFormed;

/** Replaces lone surrogates with U+FFFD (what encodeURIComponent and UTF-8 encoders need). */
export function toWellFormed(s: string): string {
  if (nativeWellFormed) return nativeWellFormed.call(s);
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Fallback of toWellFormed, exported so tests exercise it on runtimes that have the native one. */
export function toWellFormedFallback(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** A template value as text: nothing → '', Date → ISO, objects → JSON. */
export function toText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      if (v === null) return '';
      if (v instanceof Escaped) return v.text;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
      if (v instanceof SecretValue) return exposed();
      return stringify(v);
    default:
      // undefined, functions and symbols print nothing (never a function's source).
      return '';
  }
}

/** JSON.stringify that reports cycles and BigInts as a template error. */
export function stringify(v: unknown, indent?: number): string {
  try {
    return JSON.stringify(v, null, indent) ?? 'null';
  } catch (err) {
    throw new EngineError('TEMPLATE_RENDER', `value cannot be converted to JSON: ${(err as Error).message}`);
  }
}

/** Handlebars truthiness: false, null, undefined, '', 0, NaN and [] are falsy. */
export function isTruthy(v: unknown, includeZero = false): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Escaped) return v.text !== '';
  if (includeZero && v === 0) return true;
  return !!v;
}

function escapeJsonText(text: string): string {
  // The slice strips the quotes; JSON.stringify already escapes lone surrogates as \uXXXX.
  return JSON.stringify(text).slice(1, -1);
}

function escapeJson(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : escapeJsonText(String(v));
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return escapeJsonText(toText(v));
}

// XML 1.0 markup characters, \r (a literal one is normalised to \n by every parser), and
// characters XML 1.0 cannot carry at all (C0 controls but \t \n \r, U+FFFE/U+FFFF, lone surrogates).
const XML_SPECIAL =
  /[&<>"'\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_SPECIAL_G = new RegExp(XML_SPECIAL.source, 'g');
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Escapes text for XML content or attribute values; illegal XML 1.0 characters are removed. */
export function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(XML_SPECIAL_G, (c) => XML_ENTITIES[c] ?? '');
}

/** An upper bound of the characters escapeXml replaces (markup, controls, surrogates, U+FFFE/F), in one fast pass. */
export function xmlEntityCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27 || c >= 0xd800) n++;
  }
  return n;
}

const XML_ILLEGAL_G =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 cannot carry (for text an XML serialiser escapes itself, e.g. SOAP args). */
export function xmlLegal(text: string): string {
  return text.replace(XML_ILLEGAL_G, '');
}

/** Percent-encodes text for any URL part (scheme, host and port can never change). */
export function escapeUrl(text: string): string {
  return encodeURIComponent(toWellFormed(text));
}

/** How `{{value}}` prints in a context (`{{{value}}}` is always toText). */
export function escapeFor(v: unknown, context: TemplateContext): string {
  if (v instanceof Escaped) {
    if (v.context === context) return v.text;
    v = v.text;
  }
  switch (context) {
    case 'url':
      return escapeUrl(toText(v));
    case 'json':
      return escapeJson(v);
    case 'xml':
      return escapeXml(toText(v));
    default:
      // header (checked as a whole after rendering), text and value: no escaping.
      return toText(v);
  }
}

// Control characters (C0 but tab, DEL, C1): never valid in an HTTP field value.
const HEADER_BAD = /[\x00-\x08\x0A-\x1F\x7F-\x9F]/;

/** Throws HEADER_INVALID when a rendered header value carries a line break or another control character. */
export function checkHeaderValue(text: string): string {
  const m = HEADER_BAD.exec(text);
  if (!m) return text;
  const c = m[0];
  if (c === '\r' || c === '\n') {
    throw new EngineError('HEADER_INVALID', 'header value contains a line break (header injection refused)', {
      column: m.index + 1,
    });
  }
  const code = c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  throw new EngineError('HEADER_INVALID', `header value contains a control character (U+${code})`, {
    column: m.index + 1,
  });
}
