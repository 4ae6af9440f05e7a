import { Writable } from 'node:stream';
import { createRootLogger, requestForLog, responseForLog } from './app-logger';

describe('request log serializers', () => {
  it('log the request without its headers and the response without its headers (Set-Cookie)', () => {
    const headers = { cookie: 'callflow_refresh=cfr_x', authorization: 'Bearer y' };
    const req = { id: 7, method: 'POST', url: '/api/v1/auth/login', headers };
    expect(requestForLog(req)).toEqual({ id: 7, method: 'POST', url: '/api/v1/auth/login' });
    const sent: Record<string, string> = { 'set-cookie': 'callflow_refresh=cfr_x; HttpOnly', 'x-execution-id': 'e1' };
    const raw = { getHeader: (n: string) => sent[n] };
    expect(responseForLog({ statusCode: 200, raw })).toEqual({ statusCode: 200, executionId: 'e1' });
    expect(responseForLog({ statusCode: 401, raw: { getHeader: () => undefined } })).toEqual({ statusCode: 401 });
  });

  it('the root logger redacts credential headers that any other log call passes', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    const root = createRootLogger({ LOG_LEVEL: 'info' }, sink);
    const secret = 'cfr_S3cretRefreshValue';
    const credentials = { cookie: secret, authorization: secret, 'x-api-key': secret, 'proxy-authorization': secret };
    root.info({ req: { headers: { ...credentials, accept: '*/*' } } }, 'a');
    const setCookie = { 'set-cookie': `callflow_refresh=${secret}` };
    root.info({ res: { headers: setCookie }, headers: { authorization: secret } }, 'b');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(secret);
    const masked = '[redacted]';
    expect(JSON.parse(lines[0]!).req.headers).toEqual({
      cookie: masked,
      authorization: masked,
      'x-api-key': masked,
      'proxy-authorization': masked,
      accept: '*/*',
    });
  });
});
