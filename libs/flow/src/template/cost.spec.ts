import * as handlebarsParser from '@handlebars/parser';
import fc from 'fast-check';
import { protectClosingBraces } from './close-brace';
import { templateCost } from './cost';
import { cpuYardstickMs } from '../testing/cpu-reference';

interface Jison {
  lexer: { next(): unknown };
  performAction(...args: unknown[]): unknown;
}

/**
 * What the real parser does with a template: lexer steps, and the deepest its value stack gets
 * (it copies that stack on every reduction, which is why nesting costs). Counted by wrapping the
 * parser's own lexer and action functions for the duration of one parse.
 */
function measured(source: string): { steps: number; stack: number } {
  // The jison parser object (exported by the package, not by its types).
  const p = (handlebarsParser as unknown as { parser: Jison }).parser;
  const { next } = p.lexer;
  const { performAction } = p;
  let steps = 0;
  let stack = 0;
  p.lexer.next = function (this: unknown) {
    steps++;
    return next.call(this);
  };
  p.performAction = function (this: unknown, ...args: unknown[]) {
    stack = Math.max(stack, (args[5] as unknown[]).length);
    return performAction.apply(this, args);
  };
  try {
    handlebarsParser.parseWithoutProcessing(protectClosingBraces(source));
  } catch {
    // A syntax error stops the parser: what it did until then is what counts.
  } finally {
    p.lexer.next = next;
    p.performAction = performAction;
  }
  return { steps, stack };
}

describe('templateCost', () => {
  it('counts tokens and nesting', () => {
    expect(templateCost('plain text')).toMatchObject({ tokens: 2, depth: 0, work: 2 });
    // The empty text before it, {{, vars, ., a, }} (the parser also reads the end).
    expect(templateCost('{{vars.a}}')).toMatchObject({ tokens: 6, depth: 0 });
    expect(templateCost('{{#if a}}{{#each b}}{{c}}{{/each}}{{/if}}').depth).toBe(2);
    expect(templateCost('{{md5 (concat (lower a) b)}}').depth).toBe(2);
    // Each {{else if}} nests the parser one level more.
    expect(templateCost('{{#if a}}x{{else if b}}y{{else if c}}z{{else}}w{{/if}}').depth).toBe(4);
  });

  it('weighs nested tokens a sixteenth more per level', () => {
    const flat = templateCost('{{a}}'.repeat(100));
    const nested = templateCost(`${'{{#if x}}'.repeat(16)}${'{{a}}'.repeat(100)}${'{{/if}}'.repeat(16)}`);
    expect(flat.work).toBe(flat.tokens);
    expect(nested.work).toBeGreaterThanOrEqual(nested.tokens + 400); // the 400 tokens at depth 16 count double
  });

  it('follows the lexer through escapes, comments, string and segment literals', () => {
    // An escaped mustache is text; a double backslash escapes the backslash.
    expect(templateCost('\\{{a b c d e}}').tokens).toBe(2);
    expect(templateCost('\\\\{{a b c d e}}').tokens).toBeGreaterThan(10);
    // `}}` inside comments, strings and [segments] does not end them.
    expect(templateCost('{{!-- }} {{#if x}} --}}{{a}}')).toMatchObject({ depth: 0 });
    expect(templateCost('{{concat "}}" a a a a a a}}').tokens).toBeGreaterThan(14);
    expect(templateCost('{{concat [}}] a a a a a a}}').tokens).toBeGreaterThan(14);
    // A `{{` inside a mustache is a parse error: counting stops where parsing stops.
    expect(templateCost(`{{a {{b}}${' {{c}}'.repeat(100)}`).tokens).toBeLessThan(10);
  });

  it('finds raw blocks, which flows do not support', () => {
    expect(templateCost('ab{{{{raw}}}}{{x}}{{{{/raw}}}}').rawAt).toBe(2);
    expect(templateCost('{{{triple}}}').rawAt).toBeUndefined();
  });

  it('stops counting past stopAfter, and is linear in the text', () => {
    const big = '{{a}}'.repeat(20_000);
    expect(templateCost(big, 100).work).toBeLessThan(200);
    const t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) templateCost(`${'{{#if a}}'.repeat(3000)}${'{{/if}}'.repeat(3000)}`);
    const used = process.cpuUsage(t0);
    // ~30 ms here; the parser took seconds per copy
    expect((used.user + used.system) / 1000).toBeLessThan(Math.max(500, 12 * cpuYardstickMs()));
  });

  it('never counts fewer tokens than the lexer reads, and bounds its stack by the nesting (fuzzed)', () => {
    const atoms = [
      '{{',
      '}}',
      '{{#if ',
      '{{/if}}',
      '{{else}}',
      '{{else if ',
      '{{^',
      '{{^}}',
      '{{!',
      '{{!--',
      '--}}',
      '{{~',
      '~}}',
      '}}}',
      '{{{',
      '{{&',
      '(',
      ')',
      ' ',
      'a',
      'b.c',
      '"x',
      '"',
      "'",
      '[',
      ']',
      '\\',
      '\\\\',
      'x',
      '\n',
      '}',
      '{',
      '=',
      '|',
      'as |a|',
      '@root',
      '..',
      '/',
      '.',
      '1',
      'true',
      '#',
      '>',
      '*',
      '\u0000',
      '~',
      'else',
      '{{{{',
      '}}}}',
      ' else ',
    ];
    const blocks = ['{{#if a}}', '{{#each b}}', '{{^c}}', '{{#with d}}'];
    const text = (maxLength: number) => fc.array(fc.constantFrom(...atoms), { maxLength }).map((a) => a.join(''));
    const nested = fc
      .tuple(fc.array(fc.constantFrom(...blocks), { maxLength: 12 }), text(30))
      .map(([open, body]) => `${open.join('')}${body}${open.map(() => '{{/if}}').join('')}`);
    fc.assert(
      fc.property(fc.oneof(text(40), nested), (source) => {
        const cost = templateCost(source);
        if (cost.rawAt !== undefined) return;
        const real = measured(source);
        expect(real.steps).toBeLessThanOrEqual(cost.tokens + 1); // + the end of input
        expect(real.stack).toBeLessThanOrEqual(10 + 3 * cost.depth);
      }),
      { numRuns: 3000 },
    );
  });
});
