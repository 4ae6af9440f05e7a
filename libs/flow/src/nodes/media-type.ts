/**
 * The media type of a trigger answer. A webhook answer is served on the editor's origin, so its
 * `Content-Type` must be one media type a browser reads the way we do: browsers split the value on
 * commas and take the last valid type (`text/plain, application/javascript` is JavaScript to
 * Chromium), and Express crashes on what it cannot parse. So an answer's content type is checked
 * at edit time ({@link mediaTypeProblem}) and rewritten at run time ({@link answerContentType}) to
 * one well-formed `type/subtype[; name=value]…` that names no script anywhere.
 */

/** RFC 9110 token characters. */
const TCHAR = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
const TOKEN = new RegExp(`^${TCHAR}+$`);
/** `type/subtype`, then what follows (the parameters), around optional whitespace. */
const ESSENCE = new RegExp(`^[ \\t]*(${TCHAR}+)/(${TCHAR}+)[ \\t]*(.*)$`, 's');
/** A quoted string's content: printable ASCII, space and tab, `\` escaping one of them (no obs-text). */
const QUOTED = String.raw`"((?:[\t \x21\x23-\x5B\x5D-\x7E]|\\[\t \x21-\x7E])*)"`;
/** One parameter after its `;`: a name, `=`, a token or a quoted string, then whitespace. */
const PARAM = new RegExp(`^[ \\t]*(${TCHAR}+)=(?:(${TCHAR}+)|${QUOTED})[ \\t]*`);

/** What a content type value may be at most (longer ones are not a media type an answer needs). */
export const MEDIA_TYPE_MAX = 256;

/** JavaScript MIME type essences (WHATWG MIME Sniffing), which a browser runs as a script. */
const SCRIPT_ESSENCES = [
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
];
/** Any of them anywhere in a value (`text/javascript1.5` included), whatever the case. */
const SCRIPT_ANYWHERE = new RegExp(SCRIPT_ESSENCES.map((e) => e.replace(/[/.-]/g, '\\$&')).join('|'), 'i');

/** A parsed media type: lower-case essence and parameters in order (names lower-case, values unquoted). */
export interface MediaType {
  type: string;
  subtype: string;
  params: [string, string][];
}

/**
 * Parses one media type (RFC 9110 §8.3.1): `type/subtype` and `;`-separated `name=value` parameters
 * (a token or a quoted string; empty parameters allowed). Anything else, a comma list included, is
 * undefined.
 */
export function parseMediaType(value: string): MediaType | undefined {
  if (value.length > MEDIA_TYPE_MAX) return undefined;
  const m = ESSENCE.exec(value);
  if (!m) return undefined;
  const params: [string, string][] = [];
  let rest = m[3]!;
  while (rest !== '') {
    if (rest[0] !== ';') return undefined;
    rest = rest.slice(1);
    const empty = /^[ \t]*(?=;|$)/.exec(rest);
    if (empty) {
      rest = rest.slice(empty[0].length);
      continue;
    }
    const p = PARAM.exec(rest);
    if (!p) return undefined;
    params.push([p[1]!.toLowerCase(), p[2] ?? p[3]!.replace(/\\(.)/g, '$1')]);
    rest = rest.slice(p[0].length);
  }
  return { type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), params };
}

/** Writes a media type the one way: `type/subtype; name=value` (quoted when the value is not a token). */
export function formatMediaType(t: MediaType): string {
  let out = `${t.type}/${t.subtype}`;
  for (const [name, value] of t.params) {
    out += `; ${name}=${TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`}`;
  }
  return out;
}

/** True when a Content-Type value names a JavaScript MIME type anywhere (a list item, a parameter, any case). */
export function isScriptContentType(value: string): boolean {
  return SCRIPT_ANYWHERE.test(value);
}

export const SCRIPT_CONTENT_TYPE_MESSAGE =
  'a trigger answer may not be JavaScript (it would run as a script of the editor’s origin)';
export const MEDIA_TYPE_MESSAGE =
  'not a media type: write one type/subtype with optional ; name=value parameters ' +
  '(e.g. text/html; charset=utf-8), no list';

/** Why `value` may not be a trigger answer's content type, or undefined when it may. */
export function mediaTypeProblem(value: string): string | undefined {
  if (isScriptContentType(value)) return SCRIPT_CONTENT_TYPE_MESSAGE;
  return parseMediaType(value) ? undefined : MEDIA_TYPE_MESSAGE;
}

/**
 * The content type a trigger answer is sent with: a script type anywhere becomes text
 * (`text/plain; charset=utf-8`), anything that is not one media type becomes
 * `application/octet-stream` (nosniff then keeps the browser from guessing), the rest is written
 * the one way ({@link formatMediaType}).
 */
export function answerContentType(value: string): string {
  if (isScriptContentType(value)) return 'text/plain; charset=utf-8';
  const parsed = parseMediaType(value);
  return parsed ? formatMediaType(parsed) : 'application/octet-stream';
}
