import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { EngineError } from '../errors';
import { toWellFormed } from './escape';
import { compileTemplate } from './index';

const RUNS = { numRuns: 600 };

/** Any UTF-16 text: full-range code points, lone surrogates and characters that matter to the encoders. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const special = fc.constantFrom(
  '\r',
  '\n',
  '\t',
  '\u0000',
  '"',
  "'",
  '\\',
  '/',
  '?',
  '#',
  ':',
  '@',
  '%',
  '&',
  '<',
  '>',
  '{',
  '}',
  '[',
  ']',
  ' ',
  '+',
  '=',
  '.',
  '\uD800',
  '\uDFFF',
  '\u2028',
  '\uFFFE',
  '\uFFFF',
  '\u0085',
);
const anyChar = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), codeUnit, special);
const anyString = fc.oneof(fc.string({ unit: anyChar, maxLength: 40 }), fc.constantFrom('.', '..', '...', './', '%2e'));

/** Characters XML 1.0 allows (the ones escapeXml keeps). */
const isXmlChar = (cp: number): boolean =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  cp >= 0x10000;
const xmlLegal = (s: string): string =>
  Array.from(s)
    .filter((ch) => isXmlChar(ch.codePointAt(0) as number) && !(ch.length === 1 && ch >= '\uD800' && ch <= '\uDFFF'))
    .join('');

describe('template properties', () => {
  it('(1) a JSON string token round-trips any string', () => {
    const t = compileTemplate('{"f":"{{x}}"}', 'json');
    fc.assert(
      fc.property(anyString, (s) => {
        expect(JSON.parse(t.render({ x: s })).f).toBe(s);
      }),
      RUNS,
    );
  });

  it('(2) URL tokens never change scheme, host or port', () => {
    const withPort = compileTemplate('http://h.example:8080/p/{{x}}?q={{x}}#{{x}}', 'url');
    const noPort = compileTemplate('https://api.example.com/v1/{{x}}/{{y}}?a={{x}}&b={{y}}', 'url');
    const isDots = (s: string) => s === '.' || s === '..';
    fc.assert(
      fc.property(anyString, anyString, (x, y) => {
        if (isDots(x) || isDots(y)) {
          // A dot segment would climb the path: refused (see escape.spec).
          expect(() => noPort.render({ x, y })).toThrow(expect.objectContaining({ code: 'URL_INVALID' }));
          return;
        }
        const a = new URL(withPort.render({ x }));
        expect([a.protocol, a.hostname, a.port, a.username, a.password]).toEqual([
          'http:',
          'h.example',
          '8080',
          '',
          '',
        ]);
        expect(a.searchParams.get('q')).toBe(toWellFormed(x));
        expect(decodeURIComponent(a.pathname.slice('/p/'.length))).toBe(toWellFormed(x));
        const b = new URL(noPort.render({ x, y }));
        expect([b.protocol, b.hostname, b.port]).toEqual(['https:', 'api.example.com', '']);
        expect([b.searchParams.get('a'), b.searchParams.get('b')]).toEqual([toWellFormed(x), toWellFormed(y)]);
      }),
      RUNS,
    );
  });

  it('(3) a header value never carries CR or LF', () => {
    const templates = ['Bearer {{x}}', '{{{x}}}', '{{trim x}}-{{upper x}}', 'k={{x}}; v={{concat x x}}'].map((s) =>
      compileTemplate(s, 'header'),
    );
    fc.assert(
      fc.property(anyString, fc.integer({ min: 0, max: templates.length - 1 }), (x, i) => {
        let out: string;
        try {
          out = templates[i]!.render({ x });
        } catch (e) {
          expect(e).toBeInstanceOf(EngineError);
          expect((e as EngineError).code).toBe('HEADER_INVALID');
          return;
        }
        expect(out).not.toMatch(/[\r\n]/);
      }),
      RUNS,
    );
  });

  describe('(4) XML round trip with fast-xml-parser', () => {
    const t = compileTemplate('<a>{{x}}</a>', 'xml');
    const parse = (xml: string, htmlEntities: boolean): unknown =>
      (
        new XMLParser({ processEntities: true, htmlEntities, trimValues: false, parseTagValue: false }).parse(xml) as {
          a: unknown;
        }
      ).a;

    it('gives back any string of XML-legal characters but \\r with the reference options', () => {
      fc.assert(
        fc.property(anyString, (s) => {
          const legal = xmlLegal(s).replace(/\r/g, '');
          expect(parse(t.render({ x: legal }), false)).toBe(legal);
        }),
        RUNS,
      );
    });

    it('keeps \\r as &#13;, which fast-xml-parser decodes only with htmlEntities (a literal \\r becomes \\n)', () => {
      expect(t.render({ x: 'a\r\nb\rc' })).toBe('<a>a&#13;\nb&#13;c</a>');
      expect(parse('<a>a\r\nb\rc</a>', true)).toBe('a\nb\nc');
      fc.assert(
        fc.property(anyString, (s) => {
          const legal = xmlLegal(s);
          expect(parse(t.render({ x: legal }), true)).toBe(legal);
        }),
        RUNS,
      );
    });

    it('drops characters XML 1.0 cannot carry, and keeps the rest', () => {
      fc.assert(
        fc.property(anyString, (s) => {
          expect(parse(t.render({ x: s }), true)).toBe(xmlLegal(s));
        }),
        RUNS,
      );
    });
  });

  describe('(5) prototype keys in data', () => {
    const KEYS = ['__proto__', 'constructor', 'prototype', 'polluted', 'toString', 'length', 'x'];
    const TEMPLATE_LIKE = [
      '{{lookup this "constructor"}}',
      '{{constructor}}',
      '{{__proto__.polluted}}',
      '{{#each this}}{{/each}}',
      '}}{{',
    ];
    const leaf = fc.oneof(fc.constantFrom(...TEMPLATE_LIKE), anyString, fc.integer(), fc.boolean(), fc.constant(null));
    /** JSON text, so `__proto__` becomes an own property when parsed (as in request bodies). */
    const { json } = fc.letrec<{ json: string }>((tie) => ({
      json: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf.map((v) => JSON.stringify(v)),
        fc
          .array(fc.tuple(fc.constantFrom(...KEYS), tie('json')), { maxLength: 4 })
          .map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
        fc.array(tie('json'), { maxLength: 3 }).map((vs) => `[${vs.join(',')}]`),
      ),
    }));
    const sources = [
      '{{__proto__}}{{__proto__.polluted}}{{constructor.prototype.polluted}}{{prototype}}{{toString}}{{length}}',
      '{{#each this}}{{@key}}={{this}};{{#each this as |v k|}}{{k}}{{v.__proto__}}{{/each}}{{/each}}',
      '{{lookup this "__proto__"}}{{lookup (lookup this "constructor") "prototype"}}{{json this}}{{length this}}',
      '{{#with __proto__}}{{polluted}}{{#with constructor}}{{prototype.polluted}}{{/with}}{{/with}}',
      '{{#if x}}{{x.__proto__.x}}{{else if constructor}}{{constructor.constructor}}{{/if}}',
    ];
    const templates = (['text', 'json', 'xml', 'url', 'value'] as const).flatMap((ctx) =>
      sources.map((src) => compileTemplate(src, ctx)),
    );
    const snapshot = () =>
      [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
        Object.getOwnPropertyNames(p).sort().join(),
      );

    it('never change Object.prototype (or other built-in prototypes)', () => {
      const before = snapshot();
      const objectProtoToString = Object.prototype.toString;
      fc.assert(
        fc.property(json, (text) => {
          const scope = JSON.parse(`{"root":${text},"__proto__":${text},"constructor":${text},"x":${text}}`) as object;
          for (const t of templates) {
            try {
              t.render(scope);
              t.evaluate(scope);
            } catch (e) {
              // A "." or ".." value in a URL path is refused; nothing else may fail.
              expect((e as EngineError).code).toBe('URL_INVALID');
            }
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          expect(Object.prototype.toString).toBe(objectProtoToString);
        }),
        RUNS,
      );
      expect(snapshot()).toEqual(before);
    });

    it('prints template-like data literally, escaped for the context', () => {
      const text = compileTemplate('{{v}}', 'text');
      const json = compileTemplate('{"v":"{{v}}"}', 'json');
      fc.assert(
        fc.property(fc.constantFrom(...TEMPLATE_LIKE), anyString, (t, s) => {
          const v = s + t + s;
          expect(text.render({ v })).toBe(v);
          expect(JSON.parse(json.render({ v })).v).toBe(v);
        }),
        RUNS,
      );
    });
  });
});
