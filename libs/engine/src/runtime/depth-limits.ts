/**
 * How deep JSON from another system may nest (objects and arrays): as deep as the API accepts
 * request bodies. Deeper answers parse (JSON.parse is iterative) but overflow what walks them
 * later: templates, the scrubber, the execution row's encoding (JSON.stringify fails near 4,000).
 */
export const MAX_RESPONSE_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when `text` holds at most `max` `{` and `[` in all (in strings too): native indexOf, no JS loop per byte. */
function openingsAtMost(text: string | Uint8Array, max: number): boolean {
  let count = 0;
  if (typeof text === 'string') {
    for (const c of ['{', '[']) {
      for (let i = text.indexOf(c); i !== -1; i = text.indexOf(c, i + 1)) if (++count > max) return false;
    }
    return true;
  }
  for (const c of [OPEN_BRACE, OPEN_BRACKET]) {
    for (let i = text.indexOf(c); i !== -1; i = text.indexOf(c, i + 1)) if (++count > max) return false;
  }
  return true;
}

/**
 * True when the JSON text nests objects and arrays deeper than `max` (brackets inside strings do
 * not count). One pass without parsing; malformed text is left to the parser. On a UTF-8 buffer
 * as well as a string: every byte it looks at is ASCII.
 */
export function jsonTooDeep(text: string | Uint8Array, max: number = MAX_RESPONSE_DEPTH): boolean {
  const n = text.length;
  // A text can nest at most half its length deep, and no deeper than it has `{` and `[`: counted
  // first with the native indexOf (most answers have few), the scan below only when there are more.
  if (n <= 2 * max || openingsAtMost(text, max)) return false;
  if (typeof text === 'string') {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > max) return true;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    }
    return false;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const APOS = 0x27;

/**
 * True when the XML text nests elements deeper than `max`. One pass without parsing: comments,
 * CDATA sections, processing instructions and declarations are skipped, quoted attribute values
 * may hold `>` and `/>`; malformed text is left to the parser.
 */
export function xmlTooDeep(text: string, max: number = MAX_RESPONSE_DEPTH): boolean {
  const n = text.length;
  // An element takes at least 7 characters (`<a></a>`) or 4 (`<a/>`, which does not nest).
  if (n <= 7 * max) return false;
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1 && i < n; i = text.indexOf('<', i)) {
    const c = text.charCodeAt(i + 1);
    if (c === BANG) {
      // <!-- … -->, <![CDATA[ … ]]>, <!DOCTYPE …>
      const end = text.startsWith('<!--', i)
        ? text.indexOf('-->', i + 4)
        : text.startsWith('<![CDATA[', i)
          ? text.indexOf(']]>', i + 9)
          : text.indexOf('>', i + 2);
      if (end === -1) return false;
      i = end + 1;
    } else if (c === QUESTION) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) return false;
      i = end + 2;
    } else if (c === SLASH) {
      depth--;
      i += 2;
    } else {
      // An opening tag: to its `>` outside quotes; `/>` closes it at once.
      let j = i + 1;
      let quote = 0;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (quote !== 0) {
          if (d === quote) quote = 0;
        } else if (d === QUOTE || d === APOS) quote = d;
        else if (d === GT) break;
      }
      if (j >= n) return false;
      if (text.charCodeAt(j - 1) !== SLASH && ++depth > max) return true;
      i = j + 1;
    }
  }
  return false;
}
