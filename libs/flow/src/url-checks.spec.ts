import { soapNode } from './nodes/soap';
import { ivrFlow, nodeById } from './testing/flows';
import { urlTemplateProblem } from './url-checks';
import { validateFlow } from './validate';

describe('urlTemplateProblem', () => {
  it.each([
    'https://crm.example.com/customers?phone={{call.callerId}}',
    '  http://127.0.0.1:8080/x  ',
    '{{{vars.base}}}/x',
    '{{{connection.baseUrl}}}/calls/{{call.id}}',
    'https://{{vars.host}}:{{vars.port}}/a',
    'https://api.{{vars.tld}}/x',
    'http{{vars.s}}://crm.example.com/',
    '{{vars.scheme}}://crm.example.com/',
    'https://{{#if vars.eu}}eu{{else}}us{{/if}}.example.com/',
  ])('accepts %j (it can render a valid URL)', (url) => {
    expect(urlTemplateProblem(url, 'call')).toBeUndefined();
  });

  it.each([
    ['htp//bad url with spaces', 'not an absolute URL: it must start with http:// or https://'],
    ['crm.example.com/x', 'not an absolute URL: it must start with http:// or https://'],
    ['ftp://files.example.com/x', 'only http and https URLs can be used, not "ftp:"'],
    ['https://{{vars.host}}/a b', 'column 24: a URL cannot contain a space (write it as %20)'],
    ['https://crm.example.com/\n{{call.id}}', 'column 25: a URL cannot contain a line break'],
    ['https://[bad/{{call.id}}', 'not a valid URL: check the host name and port'],
    [
      '{{vars.base}}/x',
      '{{vars.base}} is percent-encoded in a URL, so it cannot give the scheme and host: ' +
        'write {{{vars.base}}} to insert a base URL as is',
    ],
  ])('refuses %j', (url, message) => {
    expect(urlTemplateProblem(url, 'call')).toBe(message);
  });

  it('lets a redirect go to a path here, but not to "//host"', () => {
    expect(urlTemplateProblem('/thanks?call={{call.id}}', 'redirect')).toBeUndefined();
    expect(urlTemplateProblem('https://example.com/{{call.id}}', 'redirect')).toBeUndefined();
    expect(urlTemplateProblem('//evil.example.com/', 'redirect')).toMatch(/one "\/"/);
    expect(urlTemplateProblem('thanks', 'redirect')).toMatch(/not an absolute URL/);
  });
});

describe('validateFlow: URLs that can never be sent', () => {
  it('refuses an HTTP node whose URL is not a URL, on the field', () => {
    const flow = ivrFlow();
    nodeById(flow, 'lookup').config.url = 'htp//bad url with spaces';
    const result = validateFlow(flow);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({
        nodeId: 'lookup',
        path: 'config.url',
        code: 'url_invalid',
        message: 'not an absolute URL: it must start with http:// or https://',
      }),
    ]);
  });

  it("refuses a SOAP node's WSDL URL and endpoint", () => {
    const flow = ivrFlow();
    flow.nodes.push({
      id: 's',
      type: soapNode.type,
      name: 'soapCall',
      config: { wsdlUrl: 'crm.example.com?wsdl', endpoint: 'https://crm.example.com/ soap', operation: 'Get' },
    });
    flow.edges.push({ id: 'e9', source: 'check', sourceHandle: 'default', target: 's' });
    flow.edges = flow.edges.filter((e) => e.id !== 'e4');
    const errors = validateFlow(flow).errors.filter((e) => e.code === 'url_invalid');
    expect(errors.map((e) => [e.nodeId, e.path])).toEqual([
      ['s', 'config.wsdlUrl'],
      ['s', 'config.endpoint'],
    ]);
  });

  it('accepts a URL from a raw token', () => {
    const flow = ivrFlow();
    nodeById(flow, 'lookup').config.url = '{{{call.ivr}}}/customers';
    expect(validateFlow(flow).errors.filter((e) => e.code === 'url_invalid')).toEqual([]);
  });
});
