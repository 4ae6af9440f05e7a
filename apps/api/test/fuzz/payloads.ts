import fc from 'fast-check';

/**
 * Arbitraries for call/contact payloads: strings full of what breaks encoders (astral characters,
 * lone surrogates, quotes, backslashes, CR/LF, `{{`/`}}`, `__proto__`, XML markup, control
 * characters), a few long ones (up to 1 MB), numbers and nested objects.
 */

const NASTY = [
  '"',
  "'",
  '\\',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{{call.id}}',
  '{{#if x}}',
  '__proto__',
  'constructor',
  'prototype',
  '<',
  '>',
  '&',
  '&amp;',
  '&#13;',
  ']]>',
  '<![CDATA[',
  '<?xml',
  '%',
  '%20',
  '+',
  '=',
  '&',
  '?',
  '#',
  ';',
  ':',
  '/',
  ' ',
  '\u00A0',
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u001F',
  '\u007F',
  '\u0085',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '😀',
  '𝄞',
  '\u{10FFFF}',
  'é',
  'e\u0301',
  '中文',
  'عربى',
  'null',
  'true',
  '0',
  '-0',
  '1e999',
];

/** One "unit" of a nasty string: a nasty fragment or any code point (astral and lone surrogates included). */
const nastyUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }) },
);

export const nastyString: fc.Arbitrary<string> = fc.array(nastyUnit, { maxLength: 24 }).map((parts) => parts.join(''));

/** A long string (64 KB–1 MB) of nasty fragments. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(nastyString, fc.constantFrom(64 * 1024, 256 * 1024, 1024 * 1024))
  .map(([seed, size]) => {
    const unit = seed.length ? seed : 'x"\\{{\n😀';
    return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  });

/** Mostly short nasty strings; about 1 in 250 is long. */
export const payloadString: fc.Arbitrary<string> = fc.oneof(
  { weight: 249, arbitrary: nastyString },
  { weight: 1, arbitrary: longString },
);

const PROTO_OBJECT = JSON.parse(
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"polluted":true}},"toString":"x","hasOwnProperty":1}',
) as unknown;

/** Any JSON value with nasty strings as keys and values, numbers, nesting, and `__proto__` keys. */
export const payloadValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 1e21, 5e-324, true, false, null),
    fc.constant(PROTO_OBJECT),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

export interface Payload {
  /** carried as call.callerId (JSON, form, XML, text, SOAP) */
  s: string;
  /** carried as contact.firstName (JSON, XML) */
  c: string;
  /** carried as call.custom.v ({{json}} in JSON and form) */
  v: unknown;
}

export const payload: fc.Arbitrary<Payload> = fc.record({ s: payloadString, c: nastyString, v: payloadValue });

/** A header value: printable text, sometimes with a CR/LF injection in it. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[\x00-\x1F\x7F]/g, '')),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
      fc.constantFrom('\r', '\n', '\r\n', '\r\nX-Injected: 1', '\n\nGET / HTTP/1.1'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
    )
    .map(([a, b, c]) => `${a}${b}${c}`),
);

/** What survives JSON: JSON.parse(JSON.stringify(v)) (-0 becomes 0, own `__proto__` keys stay own keys). */
export const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

/** Lone surrogates → U+FFFD: what any UTF-8 body (text, form, XML) can carry. */
export const wellFormed = (s: string): string =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone surrogates): documented as removed. */
export const XML_ILLEGAL =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const xmlLegal = (s: string): string => s.replace(XML_ILLEGAL, '');

/** Short description of a string for failure messages. */
export const describeString = (s: string): string =>
  s.length > 80 ? `${JSON.stringify(s.slice(0, 80))}… (${s.length} chars)` : JSON.stringify(s);
