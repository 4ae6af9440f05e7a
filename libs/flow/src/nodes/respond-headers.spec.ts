import { ivrFlow, nodeById } from '../testing/flows';
import { validateFlow } from '../validate';
import { isScriptContentType } from './media-type';
import { respondHeaderRefusal } from './respond-headers';

function withRespond(config: Record<string, unknown>) {
  const flow = ivrFlow();
  Object.assign(nodeById(flow, 'r1').config, config);
  return validateFlow(flow);
}

describe('respond node: headers and content types a trigger answer may not carry', () => {
  const refused = [
    'Set-Cookie',
    'set-cookie2',
    'Content-Security-Policy',
    'Content-Security-Policy-Report-Only',
    'X-Frame-Options',
    'Strict-Transport-Security',
    'X-Content-Type-Options',
    'Referrer-Policy',
    'Permissions-Policy',
    'Cross-Origin-Opener-Policy',
    'Cross-Origin-Resource-Policy',
    'Clear-Site-Data',
    'Service-Worker-Allowed',
    'NEL',
    'Report-To',
    'WWW-Authenticate',
  ];
  it.each(refused)('refuses %s, on the header name, with the reason', (name) => {
    const result = withRespond({
      headers: [
        { name: 'X-Ref', value: '1' },
        { name, value: 'x' },
      ],
    });
    expect(result.valid).toBe(false);
    const issue = result.errors.find((e) => e.nodeId === 'r1');
    const message = expect.stringMatching(/cookies|security headers|credentials/);
    expect(issue).toMatchObject({ path: 'config.headers.1.name', message });
  });

  it('accepts ordinary headers (Cache-Control, Content-Disposition, a custom one) and an HTML answer', () => {
    const result = withRespond({
      headers: [
        { name: 'Cache-Control', value: 'no-store' },
        { name: 'Content-Disposition', value: 'inline' },
        { name: 'X-Queue', value: '{{call.queue}}' },
      ],
      body: { type: 'text', template: '<b>{{call.callerId}}</b>', contentType: 'text/html; charset=utf-8' },
    });
    expect(result.errors).toEqual([]);
  });

  it('refuses a JavaScript answer, as the body content type or a literal Content-Type header', () => {
    const message = expect.stringMatching(/JavaScript/);
    const body = withRespond({
      body: { type: 'text', template: 'alert(1)', contentType: 'Text/JavaScript; charset=utf-8' },
    });
    expect(body.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.body.contentType', message });
    const header = withRespond({ headers: [{ name: 'content-type', value: 'application/x-javascript' }] });
    expect(header.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.headers.0.value', message });
  });

  it('classifies names and types case-insensitively', () => {
    expect(respondHeaderRefusal('SET-COOKIE')).toMatch(/cookies/);
    expect(respondHeaderRefusal('Sec-Fetch-Site')).toBeDefined();
    expect(respondHeaderRefusal('X-Frame-Options-Note')).toBeUndefined();
    expect(isScriptContentType(' application/ECMAScript ;x=1')).toBe(true);
    expect(isScriptContentType('text/plain, text/javascript')).toBe(true);
    expect(isScriptContentType('application/json')).toBe(false);
    expect(isScriptContentType('text/html')).toBe(false);
  });

  it('refuses a content type that is not one media type, unless the row is templated (made safe at run time)', () => {
    const message = expect.stringMatching(/not a media type/);
    const body = withRespond({ body: { type: 'text', template: 'x', contentType: 'text/plain, text/html' } });
    expect(body.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.body.contentType', message });
    const literal = withRespond({ headers: [{ name: 'Content-Type', value: 'module' }] });
    expect(literal.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.headers.0.value', message });
    expect(withRespond({ headers: [{ name: 'Content-Type', value: '{{call.type}}' }] }).errors).toEqual([]);
    const script = withRespond({ headers: [{ name: 'Content-Type', value: '{{call.type}}, text/javascript' }] });
    const js = expect.stringMatching(/JavaScript/);
    expect(script.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.headers.0.value', message: js });
  });

  it('refuses a 1xx status: not a final answer (the caller waits; a 101 could switch a proxy to a tunnel)', () => {
    const result = withRespond({ status: 101 });
    const message = expect.stringMatching(/200 to 599/);
    expect(result.errors.find((e) => e.nodeId === 'r1')).toMatchObject({ path: 'config.status', message });
    expect(withRespond({ status: 204 }).errors).toEqual([]);
  });
});
