/**
 * Where a rendered template lands; decides how `{{token}}` values are escaped.
 * - url: percent-encoded (`{{{raw}}}` opts out);  json: escaped for inside a JSON string;
 * - xml: XML-escaped;  header: plain, CR/LF refused;  text: plain (form fields, SOAP args,
 *   query values: their encoder escapes them);  value: a lone `{{path}}` keeps the value's type.
 */
export type TemplateContext = 'url' | 'json' | 'xml' | 'header' | 'text' | 'value';

/** Names of the template helpers the engine provides (the validator rejects others). */
export const TEMPLATE_HELPERS = [
  'md5',
  'sha1',
  'sha256',
  'hmacSha256',
  'base64',
  'base64Decode',
  'urlencode',
  'json',
  'lower',
  'upper',
  'trim',
  'default',
  'concat',
  'e164',
  'formatDate',
  'substring',
  'replace',
  'eq',
  'neq',
  'gt',
  'lt',
  'and',
  'or',
  'not',
  'lookup',
  'length',
  'chunk',
] as const;

/** Block helpers understood by the template compiler. */
export const TEMPLATE_BLOCK_HELPERS = ['if', 'unless', 'each', 'with'] as const;
