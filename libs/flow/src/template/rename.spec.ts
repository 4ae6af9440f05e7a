import { nodeNameOffsets, renameNodeReferences } from './rename';

describe('renameNodeReferences', () => {
  it.each([
    ['{{nodes.lookup.body.vip}}', '{{nodes.customer.body.vip}}'],
    ['{"v": {{json nodes.lookup.body}}}', '{"v": {{json nodes.customer.body}}}'],
    [
      '{{#if nodes.lookup.ok}}yes{{else}}{{nodes.lookup.status}}{{/if}}',
      '{{#if nodes.customer.ok}}yes{{else}}{{nodes.customer.status}}{{/if}}',
    ],
    [
      '{{#each nodes.lookup.body.items}}{{@root.nodes.lookup.status}}{{../nodes.lookup.x}}{{/each}}',
      '{{#each nodes.customer.body.items}}{{@root.nodes.customer.status}}{{../nodes.customer.x}}{{/each}}',
    ],
    [
      '{{upper (concat nodes.lookup.a "-" nodes.lookup.b)}}',
      '{{upper (concat nodes.customer.a "-" nodes.customer.b)}}',
    ],
    ['a\nb {{nodes.lookup}}\n  {{nodes.lookup.c}}', 'a\nb {{nodes.customer}}\n  {{nodes.customer.c}}'],
    ['{"a":{{json nodes.lookup}}}', '{"a":{{json nodes.customer}}}'],
  ])('%s', (source, expected) => {
    expect(renameNodeReferences(source, 'lookup', 'customer')).toBe(expected);
  });

  it('leaves other nodes, longer names, text, literals and other roots alone', () => {
    const source =
      'nodes.lookup {{nodes.lookup2.x}} {{nodes.lookupx}} {{vars.lookup}} ' +
      '{{concat "nodes.lookup" call.id}} \\{{nodes.lookup}}';
    expect(renameNodeReferences(source, 'lookup', 'customer')).toBe(source);
  });

  it('returns a template that does not parse unchanged', () => {
    expect(renameNodeReferences('{{nodes.lookup.x', 'lookup', 'customer')).toBe('{{nodes.lookup.x');
  });

  it.each([
    ['{{nodes.lookup.body.items.[0].name}}', '{{nodes.customer.body.items.[0].name}}'],
    [
      '{{nodes.lookup.body.[content-type]}} {{nodes.[lookup].x}}',
      '{{nodes.customer.body.[content-type]}} {{nodes.[customer].x}}',
    ],
    [
      '{{#each nodes.lookup.body.items}}{{@root.nodes.lookup.body.[0]}}{{/each}}',
      '{{#each nodes.customer.body.items}}{{@root.nodes.customer.body.[0]}}{{/each}}',
    ],
    ['x\r{{nodes.lookup}}\nxxnodes.lookup', 'x\r{{nodes.customer}}\nxxnodes.lookup'],
    [
      'x\r{{nodes.lookup}}\r\n{{nodes.lookup}}\n\u{1F4DE}{{nodes.lookup.a}}',
      'x\r{{nodes.customer}}\r\n{{nodes.customer}}\n\u{1F4DE}{{nodes.customer.a}}',
    ],
    [
      '{{~nodes.lookup.a~}} {{{nodes.lookup.b}}} {"x":{{json nodes.lookup}}}',
      '{{~nodes.customer.a~}} {{{nodes.customer.b}}} {"x":{{json nodes.customer}}}',
    ],
    ['{{!-- {{nodes.lookup.a}} --}}{{nodes/lookup/b}}', '{{!-- {{nodes.lookup.a}} --}}{{nodes/customer/b}}'],
  ])('brackets, line breaks, stashes and comments: %s', (source, expected) => {
    expect(renameNodeReferences(source, 'lookup', 'customer')).toBe(expected);
  });

  it('takes a stored name that is no identifier as text, not as a pattern', () => {
    expect(renameNodeReferences('{{nodes.a.x}} {{nodes.[a(b].y}}', 'a(b', 'c')).toBe('{{nodes.a.x}} {{nodes.[c].y}}');
    expect(renameNodeReferences('{{nodes.ab.x}}', 'a.', 'c')).toBe('{{nodes.ab.x}}');
  });

  it('finds each reference once, in order', () => {
    const source = '{{#if nodes.a.ok}}{{nodes.a.x}}{{else if nodes.a.y}}{{/if}}';
    expect(nodeNameOffsets(source, 'a')).toEqual([12, 26, 47]);
    expect(renameNodeReferences(source, 'a', 'bb')).toBe(
      '{{#if nodes.bb.ok}}{{nodes.bb.x}}{{else if nodes.bb.y}}{{/if}}',
    );
  });
});
