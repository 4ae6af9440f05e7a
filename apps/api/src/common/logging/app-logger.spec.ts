import { Writable } from 'node:stream';
import { createRootLogger, requestForLog, responseForLog } from './app-logger';

describe('request log serializers', () => {
  it('log the request without its headers and the response without its headers (Set-Cookie)', () => {
    const req = { id: 7, method: 'POST', url: '/api/v1/auth/login', headers: { cookie: 'callflow_refresh=cfr_x', authorization: 'Bearer y' } };
    expect(requestForLog(req)).toEqual({ id: 7, method: 'POST', url: '/api/v1/auth/login' });
    const headers: Record<string, string> = { 'set-cookie': 'callflow_refresh=cfr_x; HttpOnly', 'x-execution-id': 'e1' };
    const raw = { getHeader: (n: string) => headers[n] };
    expect(responseForLog({ statusCode: 200, raw })).toEqual({ statusCode: 200, executionId: 'e1' });
    expect(responseForLog({ statusCode: 401, raw: { getHeader: () => undefined } })).toEqual({ statusCode: 401 });
  });

  it('the root logger redacts credential headers that any other log call passes', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    const root = createRootLogger({ LOG_LEVEL: 'info' }, sink);
    const secret = 'cfr_S3cretRefreshValue';
    root.info({ req: { headers: { cookie: secret, authorization: secret, 'x-api-key': secret, 'proxy-authorization': secret, accept: '*/*' } } }, 'a');
    root.info({ res: { headers: { 'set-cookie': `callflow_refresh=${secret}` } }, headers: { authorization: secret } }, 'b');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(secret);
    expect(JSON.parse(lines[0]!).req.headers).toEqual({
      cookie: '[redacted]', authorization: '[redacted]', 'x-api-key': '[redacted]', 'proxy-authorization': '[redacted]', accept: '*/*',
    });
  });
});
