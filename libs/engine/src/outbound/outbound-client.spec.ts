import { Agent, request } from 'undici';
import { LoopbackServer } from '../../test/loopback';
import { EngineError } from '../errors';
import { OutboundClient } from './outbound-client';
import type { ResolvedAddress } from './outbound-guard';
import type { OutboundRequest } from './outbound.types';

// Only 127.0.0.0/8 listeners; names resolve through a fake DNS to loopback addresses.

const fakeDns =
  (table: Record<string, string>) =>
  async (host: string): Promise<ResolvedAddress[]> => {
    const address = table[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };

async function failure(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (err) {
    return err as EngineError;
  }
  throw new Error('expected a failure, got a response');
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return cond();
};

describe('OutboundClient', () => {
  let a: LoopbackServer; // 127.0.0.1
  let b: LoopbackServer; // 127.0.0.2, another origin
  let client: OutboundClient;
  const dns = fakeDns({
    'svc.test': '127.0.0.1',
    'a.svc.test': '127.0.0.1',
    'other.test': '127.0.0.1',
    'imds.test': '169.254.169.254',
  });
  const get = (url: string, extra: Partial<OutboundRequest> = {}, c = client) =>
    c.request({ method: 'GET', url, timeoutMs: 2000, maxResponseBytes: 5 * 1024 * 1024, ...extra });
  const echo = (s: LoopbackServer) => (s === a ? `http://127.0.0.1:${a.port}/echo` : `http://127.0.0.2:${b.port}/echo`);

  beforeAll(async () => {
    a = await LoopbackServer.start('127.0.0.1');
    b = await LoopbackServer.start('127.0.0.2');
    for (const s of [a, b]) {
      s.on('/echo', (seen, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(seen));
      });
    }
    a.on('/hang', () => undefined); // never answers
    a.on('/slow-body', (_seen, res) => res.write('partial')); // headers and a chunk, then nothing
    a.on('/big-cl', (_seen, res) => {
      res.setHeader('content-length', 10_000);
      res.end(Buffer.alloc(10_000));
    });
    a.on('/stream', (_seen, res) => {
      const timer = setInterval(() => res.write(Buffer.alloc(512, 'x')), 2); // chunked, endless
      res.on('close', () => clearInterval(timer));
    });
    a.on('/exact', (_seen, res) => res.end(Buffer.alloc(1000, 'y')));
    a.on('/headers', (_seen, res) => {
      res.setHeader('X-Multi', ['one', 'two']);
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Upper', 'Value');
      res.end();
    });
    a.on('/status', (seen, res) => {
      res.statusCode = Number(new URL(seen.url, 'http://x').searchParams.get('s'));
      res.end('status body');
    });
    a.on('/hangup', (_seen, res) => res.socket?.destroy());
    a.on('/redirect', (seen, res) => {
      const q = new URL(seen.url, 'http://x').searchParams;
      res.writeHead(Number(q.get('s') ?? 302), { location: q.get('to')! });
      res.end('moved');
    });
    client = new OutboundClient({ policy: { allow: ['127.0.0.1', '127.0.0.2'] }, resolve: dns });
  });

  afterAll(async () => {
    await client.close();
    await Promise.all([a.close(), b.close()]);
  });

  describe('allow list', () => {
    it('permits an allowed IP, and only that one', async () => {
      const c = new OutboundClient({ policy: { allow: ['127.0.0.1'] }, resolve: dns });
      try {
        expect((await get(echo(a), {}, c)).status).toBe(200);
        expect((await failure(get(echo(b), {}, c))).code).toBe('OUTBOUND_BLOCKED');
      } finally {
        await c.close();
      }
    });

    it('permits a CIDR, whatever the spelling of the address', async () => {
      const c = new OutboundClient({ policy: { allow: ['127.0.0.0/8'] }, resolve: dns });
      try {
        expect((await get(`http://0x7f.1:${a.port}/echo`, {}, c)).status).toBe(200);
        expect((await get(`http://[::ffff:127.0.0.2]:${b.port}/echo`, {}, c)).status).toBe(200);
      } finally {
        await c.close();
      }
    });

    it('permits host names, exact and *.suffix, but not other names resolving to the same address', async () => {
      const c = new OutboundClient({ policy: { allow: ['SVC.test', '*.svc.test'] }, resolve: dns });
      try {
        expect((await get(`http://svc.test:${a.port}/echo`, {}, c)).status).toBe(200);
        expect((await get(`http://a.svc.test:${a.port}/echo`, {}, c)).status).toBe(200);
        expect((await failure(get(`http://other.test:${a.port}/echo`, {}, c))).code).toBe('OUTBOUND_BLOCKED');
        expect((await failure(get(`http://127.0.0.1:${a.port}/echo`, {}, c))).code).toBe('OUTBOUND_BLOCKED');
      } finally {
        await c.close();
      }
    });

    it('still refuses metadata when 169.254.0.0/16 and the metadata names are allowed', async () => {
      const c = new OutboundClient({
        policy: { allow: ['169.254.0.0/16', 'metadata.google.internal', 'imds.test'] },
        resolve: dns,
      });
      try {
        for (const url of [
          'http://169.254.169.254/latest/meta-data',
          'http://metadata.google.internal/',
          'http://imds.test/',
        ]) {
          const err = await failure(get(url, {}, c));
          expect(err.code).toBe('OUTBOUND_BLOCKED');
          expect(err.message).toContain('cloud metadata');
        }
        // The rest of link-local too (other clouds' metadata services live there).
        expect(c.guard.isAllowedAddress('169.254.10.10')).toBe(false);
      } finally {
        await c.close();
      }
    });
  });

  describe('timeouts and aborts', () => {
    it('aborts a request in flight after timeoutMs and closes its connection', async () => {
      const closedBefore = a.closedSockets;
      const started = Date.now();
      const err = await failure(get(`http://127.0.0.1:${a.port}/hang`, { timeoutMs: 150 }));
      expect(err.code).toBe('HTTP_TIMEOUT');
      expect(err.message).toBe(`no answer from http://127.0.0.1:${a.port} within 150 ms`);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await until(() => a.closedSockets > closedBefore)).toBe(true);
    });

    it('times out a body that stops arriving', async () => {
      expect((await failure(get(`http://127.0.0.1:${a.port}/slow-body`, { timeoutMs: 150 }))).code).toBe(
        'HTTP_TIMEOUT',
      );
    });

    it('turns an external abort into RUN_ABORTED (or the EngineError given as reason)', async () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const err = await failure(get(`http://127.0.0.1:${a.port}/hang`, { signal: ac.signal }));
      expect(err.code).toBe('RUN_ABORTED');

      const seen = a.seen.length;
      expect((await failure(get(echo(a), { signal: AbortSignal.abort() }))).code).toBe('RUN_ABORTED');
      expect(a.seen.length).toBe(seen);

      const deadline = new AbortController();
      deadline.abort(new EngineError('RUN_DEADLINE', 'run deadline reached'));
      expect((await failure(get(echo(a), { signal: deadline.signal }))).code).toBe('RUN_DEADLINE');
    });
  });

  describe('response size', () => {
    it('rejects early on a content-length above the limit', async () => {
      const err = await failure(get(`http://127.0.0.1:${a.port}/big-cl`, { maxResponseBytes: 1000 }));
      expect(err.code).toBe('RESPONSE_TOO_LARGE');
      expect(err.message).toBe(`response from http://127.0.0.1:${a.port} is larger than 1000 bytes`);
    });

    it('stops reading an endless chunked body and closes the connection', async () => {
      const closedBefore = a.closedSockets;
      const err = await failure(get(`http://127.0.0.1:${a.port}/stream`, { maxResponseBytes: 64 * 1024 }));
      expect(err.code).toBe('RESPONSE_TOO_LARGE');
      expect(await until(() => a.closedSockets > closedBefore)).toBe(true);
    });

    it('accepts a body of exactly the limit', async () => {
      expect((await get(`http://127.0.0.1:${a.port}/exact`, { maxResponseBytes: 1000 })).body.length).toBe(1000);
    });
  });

  describe('connections', () => {
    it('reuses one keep-alive connection for 20 sequential requests', async () => {
      const s = await LoopbackServer.start('127.0.0.1');
      s.on('/', (_seen, res) => res.end('ok'));
      try {
        for (let i = 0; i < 20; i++) expect((await get(`http://127.0.0.1:${s.port}/`)).body.toString()).toBe('ok');
        expect(s.connections).toBe(1);
      } finally {
        await s.close();
      }
    });

    it('adds well under 1 ms per keep-alive request over plain undici', async () => {
      const url = `http://127.0.0.1:${a.port}/status?s=204`;
      const plain = new Agent();
      const mean = async (send: () => Promise<unknown>) => {
        for (let i = 0; i < 50; i++) await send(); // warm up
        const started = process.hrtime.bigint();
        for (let i = 0; i < 300; i++) await send();
        return Number(process.hrtime.bigint() - started) / 300 / 1e6;
      };
      try {
        // Same server, same process: the difference is our own work (guard, timer, handler).
        const baseline = await mean(async () => (await request(url, { dispatcher: plain })).body.dump());
        const ours = await mean(() => get(url));
        expect(ours - baseline).toBeLessThan(1);
      } finally {
        await plain.close();
      }
    });
  });

  describe('redirects', () => {
    const redirect = (status: number, to: string) =>
      `http://127.0.0.1:${a.port}/redirect?s=${status}&to=${encodeURIComponent(to)}`;
    const post = (url: string, headers: Record<string, string> = {}) =>
      client.request({
        method: 'POST',
        url,
        body: 'payload',
        headers: { 'content-type': 'text/plain', ...headers },
        timeoutMs: 2000,
        maxResponseBytes: 1e6,
      });
    const seenBy = (res: { body: Buffer }) => JSON.parse(res.body.toString());

    it.each([307, 308])('%d keeps method, body and content-type', async (status) => {
      const res = await post(redirect(status, '/echo'));
      expect(seenBy(res)).toMatchObject({ method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
      expect(res.redirects).toBe(1);
      expect(res.url).toBe(`http://127.0.0.1:${a.port}/echo`);
    });

    it.each([303, 302, 301])('%d after POST becomes GET without body', async (status) => {
      const seen = seenBy(await post(redirect(status, '/echo')));
      expect(seen).toMatchObject({ method: 'GET', body: '' });
      expect(seen.headers['content-type']).toBeUndefined();
    });

    it('drops Authorization and Cookie on a cross-origin redirect, keeps them on the same origin', async () => {
      const headers = { Authorization: 'Bearer secret', cookie: 'sid=1', 'x-keep': 'yes' };
      const cross = seenBy(await get(redirect(302, echo(b)), { headers }));
      expect(cross.headers).toMatchObject({ 'x-keep': 'yes', host: `127.0.0.2:${b.port}` });
      expect(cross.headers.authorization).toBeUndefined();
      expect(cross.headers.cookie).toBeUndefined();
      const same = seenBy(await get(redirect(302, echo(a)), { headers }));
      expect(same.headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'sid=1' });
    });

    it('resolves a relative Location', async () => {
      const res = await get(`http://127.0.0.1:${a.port}/redirect?to=..%2Fecho%3Fq%3D1`);
      expect(seenBy(res).url).toBe('/echo?q=1');
    });

    it('returns the 3xx as is when followRedirects is false', async () => {
      const res = await get(redirect(302, '/echo'), { followRedirects: false });
      expect({
        status: res.status,
        location: res.headers.location,
        body: res.body.toString(),
        redirects: res.redirects,
      }).toEqual({
        status: 302,
        location: '/echo',
        body: 'moved',
        redirects: 0,
      });
    });
  });

  describe('requests and responses', () => {
    it('lower-cases header names and joins repeated headers', async () => {
      const res = await get(`http://127.0.0.1:${a.port}/headers`);
      expect(res.headers).toMatchObject({ 'x-multi': 'one, two', 'set-cookie': 'a=1\nb=2', 'x-upper': 'Value' });
    });

    it('returns non-2xx statuses as responses', async () => {
      for (const s of [404, 500, 503]) {
        const res = await get(`http://127.0.0.1:${a.port}/status?s=${s}`);
        expect({ status: res.status, body: res.body.toString() }).toEqual({ status: s, body: 'status body' });
      }
    });

    it('sends string and Buffer bodies without adding a content-type', async () => {
      for (const body of ['text body', Buffer.from([0, 1, 2, 255])]) {
        const res = await client.request({ method: 'PUT', url: echo(a), body, timeoutMs: 2000, maxResponseBytes: 1e6 });
        const seen = JSON.parse(res.body.toString());
        expect(seen.method).toBe('PUT');
        expect(seen.headers['content-type']).toBeUndefined();
        expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      }
    });

    it('turns URL credentials into Basic auth and leaves them out of the returned URL', async () => {
      const res = await get(`http://us%40er:p%3Ass@127.0.0.1:${a.port}/echo?x=1`);
      const auth = JSON.parse(res.body.toString()).headers.authorization;
      expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString()).toBe('us@er:p:ss');
      expect(res.url).toBe(`http://127.0.0.1:${a.port}/echo?x=1`);
      const creds = `http://u:p@127.0.0.1:${a.port}/redirect?to=`;
      const same = JSON.parse((await get(creds + '%2Fecho')).body.toString());
      expect(same.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
      const cross = JSON.parse((await get(creds + encodeURIComponent(echo(b)))).body.toString());
      expect(cross.headers.authorization).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('maps connection refused, unknown hosts and hang-ups to HTTP_NETWORK naming code and origin', async () => {
      const gone = await LoopbackServer.start('127.0.0.1');
      const port = gone.port;
      await gone.close();
      const refused = await failure(get(`http://127.0.0.1:${port}/`));
      expect({ code: refused.code, message: refused.message }).toEqual({
        code: 'HTTP_NETWORK',
        message: `connection refused (ECONNREFUSED) calling http://127.0.0.1:${port}`,
      });
      const unknown = await failure(get(`http://nowhere.test:${a.port}/`));
      expect({ code: unknown.code, message: unknown.message }).toEqual({
        code: 'HTTP_NETWORK',
        message: `host not found (ENOTFOUND) calling http://nowhere.test:${a.port}`,
      });
      const hangup = await failure(get(`http://127.0.0.1:${a.port}/hangup`));
      expect(hangup.code).toBe('HTTP_NETWORK');
      expect(hangup.message).toContain(`calling http://127.0.0.1:${a.port}`);
    });

    it('reports a TLS failure as HTTP_NETWORK', async () => {
      const err = await failure(get(`https://127.0.0.1:${a.port}/`)); // plain HTTP server
      expect(err.code).toBe('HTTP_NETWORK');
      expect(err.message).toContain(`calling https://127.0.0.1:${a.port}`);
    });

    it('rejects invalid URLs and header values', async () => {
      expect((await failure(get('not a url'))).code).toBe('URL_INVALID');
      expect((await failure(get(echo(a), { headers: { 'x-bad': 'a\r\nb' } }))).code).toBe('HEADER_INVALID');
    });

    it('refuses requests once closed', async () => {
      const c = new OutboundClient({ policy: { allow: ['127.0.0.1'] } });
      expect((await get(echo(a), {}, c)).status).toBe(200);
      await c.close();
      expect((await failure(get(echo(a), {}, c))).code).toBe('HTTP_NETWORK');
    });
  });
});
