import { analyzeTemplate, type TemplateAnalysis } from './analyze';
import { parseTemplate } from './parse';

function ok(source: string): Extract<TemplateAnalysis, { ok: true }> {
  const result = analyzeTemplate(source);
  if (!result.ok) throw new Error(`expected ${source} to parse: ${result.error.message}`);
  return result;
}

/** `root.path.parts` of every reference, in order. */
function refs(source: string): string[] {
  return ok(source).references.map((r) => [r.root, ...r.path].join('.'));
}

function problems(source: string): string[] {
  return ok(source).problems.map((p) => p.message);
}

describe('analyzeTemplate: references', () => {
  it('lists plain paths with root, path, original and 1-based position', () => {
    const result = ok('Hello {{contact.firstName}}!\n  {{nodes.lookup.body.vip}}');
    expect(result.references).toEqual([
      { root: 'contact', path: ['firstName'], original: 'contact.firstName', line: 1, column: 9 },
      { root: 'nodes', path: ['lookup', 'body', 'vip'], original: 'nodes.lookup.body.vip', line: 2, column: 5 },
    ]);
    expect(result.helpers).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('accepts triple-stash and & everywhere', () => {
    expect(refs('{{{connection.baseUrl}}}/x?{{&call.id}}')).toEqual(['connection.baseUrl', 'call.id']);
  });

  it('reads bracketed segments and this./ ./ prefixes as top-level paths', () => {
    expect(refs('{{nodes.lookup.body.[0].name}} {{this.call.id}} {{./vars.x}}')).toEqual([
      'nodes.lookup.body.0.name',
      'call.id',
      'vars.x',
    ]);
  });

  it('does not report helper names, but does report helper arguments and hash values', () => {
    const result = ok('{{upper contact.lastName}} {{default call.queue "none"}} {{formatDate now format=vars.fmt}}');
    expect(result.references.map((r) => r.original)).toEqual(['contact.lastName', 'call.queue', 'now', 'vars.fmt']);
    expect(result.helpers).toEqual(['upper', 'default', 'formatDate']);
  });

  it('walks sub-expressions', () => {
    const result = ok('{{md5 (concat call.id (lower contact.email))}}');
    expect(result.references.map((r) => r.original)).toEqual(['call.id', 'contact.email']);
    expect(result.helpers).toEqual(['md5', 'concat', 'lower']);
    expect(result.problems).toEqual([]);
  });

  it('treats a parameterless known helper as a helper call, an unknown one as data', () => {
    const result = ok('{{json}} {{now}}');
    expect(result.helpers).toEqual(['json']);
    expect(result.references.map((r) => r.root)).toEqual(['now']);
  });

  it('keeps #if/#unless bodies in the top-level context', () => {
    expect(
      refs('{{#if call.agent}}{{call.agent.name}}{{else}}{{vars.fallback}}{{/if}}{{#unless x}}{{y}}{{/unless}}'),
    ).toEqual(['call.agent', 'call.agent.name', 'vars.fallback', 'x', 'y']);
  });

  it('skips relative paths inside #each/#with bodies but counts ../ and @root there', () => {
    const source =
      '{{#each nodes.list.body.items}}{{name}} {{this}} {{@index}} {{../vars.sep}} {{@root.call.id}}{{/each}}';
    expect(refs(source)).toEqual(['nodes.list.body.items', 'vars.sep', 'call.id']);
    expect(refs('{{#with call.agent as |a|}}{{a.name}}{{name}}{{../contact.id}}{{/with}}')).toEqual([
      'call.agent',
      'contact.id',
    ]);
  });

  it('resolves ../ depth through nested context blocks, ignoring #if in between', () => {
    const source = '{{#each a}}{{#if ok}}{{#each b}}{{../x}} {{../../vars.top}}{{/each}}{{/if}}{{/each}}';
    expect(refs(source)).toEqual(['a', 'vars.top']);
  });

  it('keeps the {{else}} body of #each in the outer context', () => {
    expect(refs('{{#each nodes.x.body}}{{item}}{{else}}{{vars.empty}}{{/each}}')).toEqual([
      'nodes.x.body',
      'vars.empty',
    ]);
  });

  it('counts @root.x at the top level and ignores bare @root and other data variables', () => {
    expect(refs('{{@root.vars.a}} {{@root}} {{@index}}')).toEqual(['vars.a']);
  });

  it('reports ../ that climbs above the top level', () => {
    expect(problems('{{../call.id}}')).toEqual(['"../call.id" climbs above the top-level scope and reads nothing']);
    expect(ok('{{../call.id}}').references).toEqual([]);
  });

  it('turns a literal in data position into a reference of that name', () => {
    expect(refs('{{"call"}}')).toEqual(['call']);
  });

  it('reports the position of references inside blocks on later lines', () => {
    const r = ok('{{#if a}}\n\n   {{vars.b}}{{/if}}').references[1]!;
    expect(r).toMatchObject({ root: 'vars', line: 3, column: 6 });
  });
});

describe('analyzeTemplate: problems', () => {
  it('reports unknown helpers called with params or hash, with position', () => {
    const result = ok('x {{shout call.id}} {{tidy a=1}}');
    expect(result.problems).toEqual([
      { message: 'unknown helper "shout"', line: 1, column: 5 },
      { message: 'unknown helper "tidy"', line: 1, column: 23 },
    ]);
  });

  it('reports unknown helpers in sub-expressions and dotted callee names', () => {
    expect(problems('{{upper (shout x)}}')).toEqual(['unknown helper "shout"']);
    expect(problems('{{call.id "x"}}')).toEqual(['unknown helper "call.id"']);
  });

  it('reports blocks that are not block helpers', () => {
    expect(problems('{{#loop x}}y{{/loop}}')).toEqual([
      'unknown block helper "#loop"; blocks are #if, #unless, #each, #with',
    ]);
    expect(problems('{{#json x}}y{{/json}}')).toEqual([
      '"json" is not a block helper; blocks are #if, #unless, #each, #with',
    ]);
    expect(problems('{{^items}}none{{/items}}')).toHaveLength(1);
    expect(problems('{{{{raw}}}} {{x}} {{{{/raw}}}}')).toHaveLength(1);
  });

  it('reports known blocks with the wrong number of arguments', () => {
    expect(problems('{{#if}}x{{/if}}')).toEqual(['#if needs exactly one argument']);
    expect(problems('{{#each a b}}x{{/each}}')).toEqual(['#each needs exactly one argument']);
    expect(problems('{{#if a includeZero=true}}x{{/if}}')).toEqual([]);
  });

  it('reports block helpers used as plain helpers', () => {
    expect(problems('{{if a "x"}}')).toEqual(['unknown helper "if"']);
  });

  it('checks chained else-if blocks', () => {
    const result = ok('{{#if a}}1{{else if b}}2{{else loop c}}3{{/if}}');
    expect(result.references.map((r) => r.original)).toEqual(['a', 'b', 'c']);
    expect(result.problems.map((p) => p.message)).toEqual([
      'unknown block helper "#loop"; blocks are #if, #unless, #each, #with',
    ]);
  });

  it('has no problems for the documented helpers', () => {
    const source =
      '{{md5 a}}{{sha1 a}}{{sha256 a}}{{hmacSha256 a "k"}}{{base64 a}}{{urlencode a}}{{json a}}{{lower a}}{{upper a}}' +
      '{{default a "b"}}{{concat a b}}{{e164 a}}{{formatDate a "yyyy"}}';
    expect(problems(source)).toEqual([]);
  });
});

describe('analyzeTemplate: syntax errors', () => {
  it('returns the parse error with a 1-based position', () => {
    const result = analyzeTemplate('line one\nline {{ two');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.line).toBe(2);
  });

  it('places a mismatched close tag on its line', () => {
    const result = analyzeTemplate('x\n{{#if a}}\n{{/each}}');
    expect(result).toEqual({ ok: false, error: { message: "if doesn't match each", line: 2, column: 4 } });
  });

  it('places lexer errors on their line', () => {
    const result = analyzeTemplate('a\nb\n{{!-- unterminated');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.line).toBe(3);
  });

  it('rejects partials and decorators', () => {
    expect(analyzeTemplate('{{> header}}').ok).toBe(false);
    expect(analyzeTemplate('{{#if a}}{{*dec}}{{/if}}').ok).toBe(false);
  });

  it('never throws on odd input', () => {
    for (const s of [
      '',
      '{{',
      '}}',
      '{{{{',
      '{{#each}}',
      '{{@}}',
      '\u0000{{a}}',
      '{{a.[b}}',
      '{{(a).b c}}',
      '{{"x" y}}',
      '{{(a)}}',
    ]) {
      expect(() => analyzeTemplate(s)).not.toThrow();
    }
  });

  it('agrees with parseTemplate on what parses', () => {
    for (const s of ['{{a}}', '{{#if a}}', '{{> p}}', 'plain']) expect(analyzeTemplate(s).ok).toBe(parseTemplate(s).ok);
  });
});
