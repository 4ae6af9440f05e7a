import { renameNodeReferencesInConfig } from './node-rename';

describe('renameNodeReferencesInConfig', () => {
  it("rewrites an http node's template fields, not its pinned sample response, and keeps the rest", () => {
    const headers = [{ name: 'X-Id', value: 'plain' }];
    const config = {
      method: 'POST',
      url: 'https://crm.example.com/{{nodes.lookup.body.id}}',
      headers,
      body: { type: 'json', template: '{"v": {{json nodes.lookup.body}}}' },
      sampleResponse: { body: { message: 'Hello {{nodes.lookup.name}}' } },
    };
    const out = renameNodeReferencesInConfig('http', config, 'lookup', 'customer');
    expect(out).toEqual({
      ...config,
      url: 'https://crm.example.com/{{nodes.customer.body.id}}',
      body: { type: 'json', template: '{"v": {{json nodes.customer.body}}}' },
    });
    expect(out.headers).toBe(headers);
    expect(out.sampleResponse).toBe(config.sampleResponse);
    expect(renameNodeReferencesInConfig('http', config, 'other', 'x')).toBe(config);
  });

  it('walks every string of a config that does not validate yet, an own __proto__ key kept a plain key', () => {
    const config = JSON.parse('{"url": 5, "t": "{{nodes.a.x}}", "__proto__": {"k": "{{nodes.a.y}}"}}') as object;
    const out = renameNodeReferencesInConfig('http', config, 'a', 'b') as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['url', 't', '__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.t).toBe('{{nodes.b.x}}');
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ k: '{{nodes.b.y}}' });
  });
});
