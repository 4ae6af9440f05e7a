import { EngineError } from '../errors';
import {
  checkHeaderValue,
  Escaped,
  escapeFor,
  escapeXml,
  isTruthy,
  toText,
  toWellFormed,
  toWellFormedFallback,
} from './escape';
import { compileTemplate } from './index';

const render = (src: string, ctx: Parameters<typeof compileTemplate>[1], scope: object) =>
  compileTemplate(src, ctx).render(scope);

describe('toText', () => {
  it('converts values to text', () => {
    expect(toText(undefined)).toBe('');
    expect(toText(null)).toBe('');
    expect(toText('a')).toBe('a');
    expect(toText(1.5)).toBe('1.5');
    expect(toText(false)).toBe('false');
    expect(toText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('2024-01-02T03:04:05.006Z');
    expect(toText(new Date(NaN))).toBe('');
    expect(toText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(toText(() => 1)).toBe('');
    expect(toText(new Escaped('e', 'url'))).toBe('e');
  });

  it('reports values JSON cannot hold as TEMPLATE_RENDER', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => toText(a)).toThrow(expect.objectContaining({ code: 'TEMPLATE_RENDER' }));
  });
});

describe('toWellFormed', () => {
  it.each([toWellFormed, toWellFormedFallback])('replaces lone surrogates only (%#)', (fn) => {
    expect(fn('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
    expect(fn('\uD83D\uDE00')).toBe('\uD83D\uDE00');
    expect(fn('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
  });
});

describe('isTruthy (Handlebars)', () => {
  it.each([false, null, undefined, '', 0, NaN, []])('%p is falsy', (v) => expect(isTruthy(v)).toBe(false));
  it.each([true, 'x', 1, -1, {}, [0], '0'])('%p is truthy', (v) => expect(isTruthy(v)).toBe(true));
  it('includeZero', () => expect(isTruthy(0, true)).toBe(true));
});

describe('url context', () => {
  it('percent-encodes every token', () => {
    expect(render('https://h.example/p/{{x}}?q={{x}}', 'url', { x: 'a b/c?d#e&f=g:h@i' })).toBe(
      'https://h.example/p/a%20b%2Fc%3Fd%23e%26f%3Dg%3Ah%40i?q=a%20b%2Fc%3Fd%23e%26f%3Dg%3Ah%40i',
    );
    expect(render('{{x}}', 'url', { x: 'é\uD800' })).toBe('%C3%A9%EF%BF%BD');
    expect(render('{{n}}/{{b}}/{{o}}', 'url', { n: 42, b: true, o: { a: 1 } })).toBe('42/true/%7B%22a%22%3A1%7D');
  });

  it('refuses a path token that is a dot segment, which no encoding can neutralise', () => {
    const t = compileTemplate('https://h.example/users/{{id}}/delete?q={{id}}#{{id}}', 'url');
    for (const id of ['.', '..']) {
      expect(() => t.render({ id })).toThrow(
        expect.objectContaining({
          code: 'URL_INVALID',
          message: `a URL path token is "${id}" (path traversal refused)`,
        }),
      );
    }
    expect(compileTemplate('https://h.example/p?q={{id}}#{{id}}', 'url').render({ id: '..' })).toBe(
      'https://h.example/p?q=..#..',
    );
    expect(compileTemplate('https://h.example/p/{{id}}', 'url').render({ id: '...' })).toBe('https://h.example/p/...');
  });

  it('leaves {{{raw}}} and values already encoded for a URL alone', () => {
    expect(render('{{{base}}}/x?q={{urlencode q}}', 'url', { base: 'https://h.example/a b', q: 'a b' })).toBe(
      'https://h.example/a b/x?q=a%20b',
    );
  });
});

describe('json context', () => {
  it('escapes strings for inside a JSON string and inserts numbers and booleans as is', () => {
    const scope = { s: 'a"b\\c\n\u0001</script>', n: -1.5, t: true, nil: null, o: { k: 'v"' } };
    const out = render('{"s":"{{s}}","n":{{n}},"t":{{t}},"nil":"{{nil}}","o":"{{o}}"}', 'json', scope);
    expect(out).toBe('{"s":"a\\"b\\\\c\\n\\u0001</script>","n":-1.5,"t":true,"nil":"","o":"{\\"k\\":\\"v\\\\\\"\\"}"}');
    expect(JSON.parse(out)).toEqual({ s: scope.s, n: -1.5, t: true, nil: '', o: '{"k":"v\\""}' });
  });

  it('{{json x}} inserts any value as JSON, and other helpers are escaped again', () => {
    const scope = { call: { id: 'c"1', tags: ['a'], n: null }, missing: undefined };
    expect(render('{"call": {{json call}}, "m": {{json missing}} }', 'json', scope)).toBe(
      '{"call": {"id":"c\\"1","tags":["a"],"n":null}, "m": null }',
    );
    expect(render('"{{urlencode s}}"', 'json', { s: 'a"b' })).toBe('"a%22b"');
  });

  it('prints non-finite numbers as text', () => expect(render('{{n}}', 'json', { n: Infinity })).toBe('Infinity'));
});

describe('xml context', () => {
  it('escapes markup characters and \\r, drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\r\nb\tc\u0000\u0008\u000B\u001F\uFFFE\uFFFF\uD800d\uD83D\uDE00')).toBe(
      'a&#13;\nb\tcd\uD83D\uDE00',
    );
    expect(render('<v>{{x}}</v>', 'xml', { x: 'R&D <ok>' })).toBe('<v>R&amp;D &lt;ok&gt;</v>');
  });

  it('re-escapes JSON from {{json}}', () =>
    expect(render('<v>{{json o}}</v>', 'xml', { o: { a: '<' } })).toBe('<v>{&quot;a&quot;:&quot;&lt;&quot;}</v>'));
});

describe('header context', () => {
  it('does not escape', () => expect(render('Bearer {{t}}', 'header', { t: 'a b"<>%' })).toBe('Bearer a b"<>%'));

  it.each(['a\r\nX-Evil: 1', 'a\nb', 'a\rb'])('refuses a line break %p', (t) => {
    const err = (() => {
      try {
        render('v={{t}}', 'header', { t });
      } catch (e) {
        return e as EngineError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EngineError);
    expect(err?.code).toBe('HEADER_INVALID');
    expect(err?.message).toBe('header value contains a line break (header injection refused)');
  });

  it('refuses other control characters but allows tab', () => {
    expect(render('{{t}}', 'header', { t: 'a\tb' })).toBe('a\tb');
    expect(() => checkHeaderValue('a\u0000b')).toThrow('control character (U+0000)');
    expect(() => checkHeaderValue('a\u007Fb')).toThrow(expect.objectContaining({ code: 'HEADER_INVALID' }));
    expect(() => checkHeaderValue('a\u0085b')).toThrow(expect.objectContaining({ code: 'HEADER_INVALID' }));
    expect(checkHeaderValue('é ü')).toBe('é ü');
  });

  it('checks the template text too, and raw tokens', () => {
    expect(() => render('a\nb', 'header', {})).toThrow(expect.objectContaining({ code: 'HEADER_INVALID' }));
    expect(() => render('{{{t}}}', 'header', { t: '\n' })).toThrow(expect.objectContaining({ code: 'HEADER_INVALID' }));
  });
});

describe('text and value contexts', () => {
  it('do not escape', () => {
    const scope = { s: '<&>"\n%', o: { a: 1 } };
    expect(render('{{s}}|{{o}}', 'text', scope)).toBe('<&>"\n%|{"a":1}');
    expect(render('{{s}}|{{o}}', 'value', scope)).toBe('<&>"\n%|{"a":1}');
  });
});

describe('escapeFor with Escaped values', () => {
  it('inserts a value escaped for the same context as is, re-escapes it for others', () => {
    const e = new Escaped('a&b', 'xml');
    expect(escapeFor(e, 'xml')).toBe('a&b');
    expect(escapeFor(e, 'url')).toBe('a%26b');
    expect(escapeFor(e, 'json')).toBe('a&b');
    expect(escapeFor(new Escaped('"', 'url'), 'json')).toBe('\\"');
    expect(escapeFor(e, 'text')).toBe('a&b');
  });
});
