import { EngineError } from '../errors';
import { MAX_OUTPUT_CHARS } from './render-frame';
import { compileTemplate, renderJson } from './index';

const text = (src: string, scope: object = {}) => compileTemplate(src, 'text').render(scope);

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected a throw');
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe('statements', () => {
  it('keeps content, drops comments, applies whitespace control', () => {
    expect(text('a {{! note }}b {{!-- {{x}} --}}c')).toBe('a b c');
    expect(text('a  {{~x~}}  b', { x: 1 })).toBe('a1b');
    expect(text('{{x}} and {{{x}}} and {{& x}}', { x: '<' })).toBe('< and < and <');
  });
});

describe('paths', () => {
  const scope = {
    call: { id: 'c1', agent: { name: 'Ann' } },
    nodes: { 'get contact': { body: { id: 7 } } },
    items: ['a', 'b'],
    'a.b': 'dotted',
    n: 0,
  };

  it('reads nested, bracketed and indexed segments', () => {
    expect(
      text(
        '{{call.agent.name}}|{{call/id}}|{{nodes.[get contact].body.id}}|{{items.[1]}}|{{[a.b]}}|{{items.length}}',
        scope,
      ),
    ).toBe('Ann|c1|7|b|dotted|2');
    expect(text('{{call.missing.deep}}|{{n.x}}|{{items.[5]}}', scope)).toBe('||');
  });

  it('this, ./ and this.x', () => {
    expect(text('{{#with call}}{{this.id}}{{./id}}{{id}}{{/with}}', scope)).toBe('c1c1c1');
    expect(text('{{#each items}}{{this}}{{.}}{{/each}}', scope)).toBe('aabb');
  });

  it('a literal in path position names a property', () => {
    expect(text('{{"a.b"}}', scope)).toBe('dotted');
  });

  it('../ walks the context stack, which only blocks changing the context push (Handlebars 4)', () => {
    const s = { x: 'root', a: { x: 'a', b: { x: 'b' } }, list: [1, 2] };
    expect(text('{{#with a}}{{#with b}}{{x}}{{../x}}{{../../x}}{{/with}}{{/with}}', s)).toBe('baroot');
    expect(text('{{#with a}}{{#if x}}{{../x}}{{/if}}{{/with}}', s)).toBe('root');
    expect(text('{{#each list}}{{this}}{{../x}},{{/each}}', s)).toBe('1root,2root,');
    expect(text('{{../../x}}', s)).toBe('');
  });

  it('@root, @index, @key, @first, @last and @../index', () => {
    const s = { list: ['a', 'b', 'c'], obj: { k1: 'v1', k2: 'v2' }, grid: [[1, 2], [3]], title: 'T' };
    expect(
      text(
        '{{#each list}}{{@index}}{{@key}}{{this}}{{#if @first}}^{{/if}}{{#if @last}}${{/if}}{{@root.title}} {{/each}}',
        s,
      ),
    ).toBe('00a^T 11bT 22c$T ');
    expect(text('{{#each obj}}{{@key}}={{this}}@{{@index}}{{#unless @last}},{{/unless}}{{/each}}', s)).toBe(
      'k1=v1@0,k2=v2@1',
    );
    expect(text('{{#each grid}}{{#each this}}{{@../index}}.{{@index}}={{this}} {{/each}}{{/each}}', s)).toBe(
      '0.0=1 0.1=2 1.0=3 ',
    );
    expect(text('{{@root.title}}{{@index}}', s)).toBe('T');
  });
});

describe('block helpers', () => {
  it('#if / else / else if chains with Handlebars truthiness', () => {
    const src = '{{#if a}}A{{else if b}}B{{else}}C{{/if}}';
    for (const falsy of [false, null, undefined, '', 0, []]) expect(text(src, { a: falsy })).toBe('C');
    expect(text(src, { a: {} })).toBe('A');
    expect(text(src, { a: 0, b: '0' })).toBe('B');
    expect(text('{{#if n includeZero=true}}Z{{/if}}', { n: 0 })).toBe('Z');
    expect(text('{{^if a}}no{{/if}}', {})).toBe('no');
  });

  it('reads nothing for unknown @data, block params #if does not give, and bare block helper names', () => {
    expect(text('{{@foo}}|{{#if a as |b|}}{{b}}{{a}}{{/if}}|{{if}}', { a: 1, if: 'data' })).toBe('|1|data');
  });

  it('#unless', () => {
    expect(text('{{#unless a}}U{{else}}E{{/unless}}', { a: [] })).toBe('U');
    expect(text('{{#unless a}}U{{else}}E{{/unless}}', { a: [1] })).toBe('E');
  });

  it('#each over arrays and objects, {{else}} when empty, block params', () => {
    expect(text('{{#each xs}}{{this}}{{else}}none{{/each}}', { xs: [] })).toBe('none');
    expect(text('{{#each xs}}{{this}}{{else}}none{{/each}}', { xs: {} })).toBe('none');
    expect(text('{{#each xs}}{{this}}{{else}}none{{/each}}', { xs: 'abc' })).toBe('none');
    expect(text('{{#each xs}}{{this}}{{else}}none{{/each}}', {})).toBe('none');
    expect(text('{{#each xs as |x i|}}{{i}}:{{x.n}} {{/each}}', { xs: [{ n: 'a' }, { n: 'b' }] })).toBe('0:a 1:b ');
    expect(text('{{#each o as |v k|}}{{k}}={{v}};{{/each}}', { o: { a: 1, b: 2 } })).toBe('a=1;b=2;');
    const nested =
      '{{#each rows as |row r|}}{{#each row as |cell c|}}{{r}}{{c}}{{cell}}{{row.length}} {{/each}}{{/each}}';
    expect(text(nested, { rows: [['x', 'y'], ['z']] })).toBe('00x2 01y2 10z1 ');
  });

  it('block params shadow data and helpers', () => {
    expect(text('{{#each xs as |length|}}{{length}}{{/each}}', { xs: ['L'] })).toBe('L');
    expect(text('{{#each xs as |name|}}{{name}}{{this.name}}{{/each}}', { xs: [{ name: 'own' }] })).toBe(
      '{"name":"own"}own',
    );
  });

  it('#with, its {{else}} and block param', () => {
    expect(text('{{#with a}}{{b}}{{else}}none{{/with}}', { a: { b: 'B' } })).toBe('B');
    expect(text('{{#with a}}{{b}}{{else}}none{{/with}}', { a: null })).toBe('none');
    expect(text('{{#with a as |x|}}{{x.b}}{{/with}}', { a: { b: 'B' } })).toBe('B');
    expect(text('{{#with n}}{{this}}{{/with}}', { n: 0 })).toBe('0');
  });
});

describe('paths completion inserts (libs/flow pathsOf)', () => {
  it('reads list items as .[0] and .0, and keys written as [key]', () => {
    const scope = { nodes: { crm: { body: { items: [{ id: 7 }], 'first name': 'J', 'content-type': 'json' } } } };
    expect(text('{{nodes.crm.body.items.[0].id}}|{{nodes.crm.body.items.0.id}}', scope)).toBe('7|7');
    expect(text('{{nodes.crm.body.[first name]}}|{{nodes.crm.body.content-type}}', scope)).toBe('J|json');
  });
});

describe('own properties only', () => {
  it('never reads the prototype chain', () => {
    const scope = { a: { b: 1 }, s: 'str', arr: [1, 2, 3] };
    expect(
      text(
        '{{constructor}}|{{__proto__}}|{{toString}}|{{a.constructor.name}}|{{a.hasOwnProperty}}|{{a.__proto__.x}}',
        scope,
      ),
    ).toBe('|||||');
    expect(text('{{s.length}}|{{s.[0]}}|{{s.toUpperCase}}|{{arr.length}}|{{arr.map}}|{{arr.[0]}}', scope)).toBe(
      '3|s||3||1',
    );
    class Agent {
      get secret() {
        return 'from-prototype';
      }
    }
    expect(text('{{a.secret}}', { a: new Agent() })).toBe('');
  });

  it('reads own keys named like prototype members (from JSON)', () => {
    const scope = JSON.parse('{"o": {"constructor": "C", "__proto__": {"x": "P"}, "length": 9}}');
    expect(text('{{o.constructor}}|{{o.__proto__.x}}|{{o.length}}|{{length o}}', scope)).toBe('C|P|9|3');
  });

  it('a bare helper name reads data first, then calls the helper without arguments', () => {
    expect(text('{{length}}', { length: 'data' })).toBe('data');
    expect(text('{{length}}', {})).toBe('0');
    expect(text('{{#with o}}{{trim}}{{/with}}', { o: { trim: 'T' } })).toBe('T');
  });

  it('prints data literally, never as a template', () => {
    expect(text('{{x}}', { x: '{{lookup this "constructor"}}' })).toBe('{{lookup this "constructor"}}');
    expect(compileTemplate('<a>{{x}}</a>', 'xml').render({ x: '{{x}}' })).toBe('<a>{{x}}</a>');
  });

  it('never mutates the scope', () => {
    const scope = deepFreeze({ list: [{ a: 1 }, { a: 2 }], o: { k: 'v' } });
    const src = '{{#each list as |i n|}}{{#with i}}{{a}}{{../o.k}}{{/with}}{{/each}}{{json o}}{{length list}}';
    expect(text(src, scope)).toBe('1v2v{"k":"v"}2');
  });
});

describe('subexpressions', () => {
  it('nest helpers and read paths from a subexpression', () => {
    expect(text('{{upper (concat a "-" (lower b))}}', { a: 'x', b: 'Y' })).toBe('X-Y');
    expect(text('{{(lookup nodes name).status}}', { nodes: { n1: { status: 200 } }, name: 'n1' })).toBe('200');
  });
});

describe('compile errors', () => {
  it.each([
    ['{{foo a}}', 'line 1, column 1: unknown helper "foo"'],
    ['ab\ncd {{upper (nope x)}}', 'line 2, column 12: unknown helper "nope"'],
    ['{{#foo}}x{{/foo}}', 'line 1, column 1: unknown block helper "#foo" (known: #if, #unless, #each, #with)'],
    ['{{#upper x}}x{{/upper}}', 'unknown block helper "#upper"'],
    ['{{a.b c}}', '"a.b" is not a helper (only helpers take arguments)'],
    ['{{if x}}', '"if" is a block helper'],
    ['{{#if a b}}x{{/if}}', '#if needs exactly one argument'],
    ['{{#each}}x{{/each}}', '#each needs exactly one argument'],
    ['{{> partial}}', 'partials'],
    ['x\n  {{#if a}}', 'line'],
  ])('%p', (src, message) => {
    const e = thrown(() => compileTemplate(src, 'json'));
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('FLOW_INVALID');
    expect(e.message).toContain(message);
    expect(e.message).toMatch(/^line \d+, column \d+: /);
    expect(e.details).toEqual({ line: expect.any(Number), column: expect.any(Number) });
  });
});

describe('evaluate', () => {
  const scope = { call: { durationSec: 42, tags: ['a'], agent: { id: 1 } }, s: 'x' };
  const evaluate = (src: string, s: object = scope, ctx: 'value' | 'url' | 'header' = 'value') =>
    compileTemplate(src, ctx).evaluate(s);

  it('returns the raw value of a lone expression', () => {
    expect(evaluate('{{call.durationSec}}')).toBe(42);
    expect(evaluate('  {{call.agent}}\n')).toEqual({ id: 1 });
    expect(evaluate('{{call.tags}}')).toBe(scope.call.tags);
    expect(evaluate('{{{call.durationSec}}}')).toBe(42);
    expect(evaluate('{{! c }}{{missing}}')).toBeUndefined();
    expect(evaluate('{{default missing 3}}')).toBe(3);
    expect(evaluate('{{eq s "x"}}')).toBe(true);
    expect(evaluate('{{json call.agent}}')).toBe('{"id":1}');
    expect(evaluate('{{s}}', { s: 'a b' }, 'url')).toBe('a b');
  });

  it('renders anything else', () => {
    expect(evaluate('{{call.durationSec}}s')).toBe('42s');
    expect(evaluate('{{s}}{{s}}')).toBe('xx');
    expect(evaluate('{{#if s}}{{call.durationSec}}{{/if}}')).toBe('42');
    expect(evaluate('')).toBe('');
  });

  it('refuses line breaks in the header context', () => {
    expect(() => evaluate('{{s}}', { s: 'a\r\nb' }, 'header')).toThrow(
      expect.objectContaining({ code: 'HEADER_INVALID' }),
    );
  });
});

describe('cache and size', () => {
  it('returns the same compiled template for the same source and context', () => {
    const a = compileTemplate('cache {{x}}', 'json');
    expect(compileTemplate('cache {{x}}', 'json')).toBe(a);
    expect(compileTemplate('cache {{x}}', 'url')).not.toBe(a);
    expect(a.source).toBe('cache {{x}}');
    expect(a.context).toBe('json');
  });

  it('compiles a 64 KB template', () => {
    const unit = '<item id="{{@index}}">{{#each xs}}{{upper this}}{{/each}}{{#if a}}{{a.b}}{{else}}-{{/if}}</item>\n';
    const src = unit.repeat(Math.ceil(65536 / unit.length));
    expect(src.length).toBeGreaterThanOrEqual(65536);
    const t = compileTemplate(src, 'xml');
    expect(t.render({ xs: ['a', 'b'], a: { b: '<' } })).toContain('<item id="">AB&lt;</item>');
  });

  it('stops a render past the output cap', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const e = thrown(() =>
      text('{{#each xs}}{{#each @root.xs}}{{#each @root.xs}}{{@root.s}}{{/each}}{{/each}}{{/each}}', {
        xs,
        s: 'x'.repeat(1000),
      }),
    );
    expect(e.code).toBe('TEMPLATE_LIMIT');
    expect(e.details).toEqual({ bound: 'output' });
    expect(e.message).toBe(`rendered text exceeds ${MAX_OUTPUT_CHARS / 1024 / 1024} MB`);
  });

  it('reports unexpected failures in data as TEMPLATE_RENDER', () => {
    const scope = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter failed');
      },
    });
    expect(thrown(() => text('{{boom}}', scope)).code).toBe('TEMPLATE_RENDER');
  });
});

describe('renderJson', () => {
  it('renders and parses', () => {
    const t = compileTemplate('{"id": "{{call.id}}", "n": {{call.n}}, "call": {{json call}}}', 'json');
    const call = { id: 'a"b', n: 3 };
    expect(renderJson(t, { call })).toEqual({
      text: '{"id": "a\\"b", "n": 3, "call": {"id":"a\\"b","n":3}}',
      value: { id: 'a"b', n: 3, call },
    });
  });

  it('says where the rendered text is not JSON', () => {
    const t = compileTemplate('{\n  "name": "{{name}}",\n  "n": {{n}}\n}', 'json');
    const e = thrown(() => renderJson(t, { name: 'x', n: 'twelve' }));
    expect(e.code).toBe('JSON_BODY_INVALID');
    expect(e.details).toEqual({ line: 3, column: 8, excerpt: '  "n": twelve' });
    expect(e.message).toBe(
      'rendered JSON body is invalid at line 3, column 8: expected a value, found "t"; near:   "n": twelve',
    );
    const empty = thrown(() => renderJson(t, { name: 'x' }));
    expect(empty.details).toEqual({ line: 4, column: 1, excerpt: '}' });
    expect(empty.message).toContain('expected a value, found "}"');
  });
});
