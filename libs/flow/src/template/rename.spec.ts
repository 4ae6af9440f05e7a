import { renameNodeReferences, renameNodeReferencesIn } from './rename';

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

  it('rewrites every string of a config and keeps what did not change', () => {
    const headers = [{ name: 'X-Id', value: 'plain' }];
    const config = { url: 'https://crm/{{nodes.lookup.body.id}}', headers, timeoutMs: 500, on: true };
    const out = renameNodeReferencesIn(config, 'lookup', 'customer');
    expect(out).toEqual({ ...config, url: 'https://crm/{{nodes.customer.body.id}}' });
    expect(out.headers).toBe(headers);
    expect(renameNodeReferencesIn(config, 'other', 'x')).toBe(config);
  });
});
