import 'reflect-metadata';
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import express from 'express';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { AppConfig } from '../platform/config/app-config';
import { IvrPipeline, ivrRoute } from './ivr-pipeline.service';
import type { IvrService } from './ivr.service';

/** Spellings of an IVR call and of near misses, to match the way Express routes `POST <prefix>/ivr/:flowKey`. */
const SPELLINGS = (p: string) => [
  `/${p}/ivr/vip`,
  `/${p}/ivr/vip/`,
  `/${p}/ivr/vip?token=k&x=1`,
  `/${p}/ivr/vip/?token=k`,
  `/${p.toUpperCase()}/IVR/Vip`,
  `/${p}/Ivr/a%20b%2Fc`,
  `/${p}/ivr/%E0%A4%A`,
  `/${p}/ivr/vip//`,
  `/${p}/ivr/`,
  `/${p}/ivr`,
  `/${p}/ivr/vip/more`,
  `/${p}/ivrx/vip`,
  `/${p}/hooks/vip`,
  `/x/${p}/ivr/vip`,
  `/${p}/%69vr/vip`,
  `//${p}/ivr/vip`,
];

/** The URLs of `urls` that an Express app with the route `POST /<prefix>/ivr/:flowKey` answers from that route. */
async function expressMatches(prefix: string, urls: string[]): Promise<string[]> {
  const app = express();
  app.post(`/${prefix}/ivr/:flowKey`, (_req, res) => void res.status(299).end());
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // A flow key that is not valid percent-encoding: Express matched the route, then failed to decode it.
    res.status(298).end();
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    const matched: string[] = [];
    for (const url of urls) {
      const res = await fetch(`http://127.0.0.1:${port}${url}`, { method: 'POST' });
      if (res.status === 299 || res.status === 298) matched.push(url);
    }
    return matched;
  } finally {
    server.close();
  }
}

describe('ivrRoute: the IVR route under the API prefix', () => {
  it.each(['api/v1', 'callflow/api/v2'])(
    'matches exactly the URLs Express routes to the controller (%s)',
    async (p) => {
      const urls = SPELLINGS(p);
      const route = ivrRoute(p);
      expect(urls.filter((u) => route.test(u))).toEqual(await expressMatches(p, urls));
    },
  );

  it('captures the raw flow key and the query', () => {
    expect(ivrRoute('api/v1').exec('/api/v1/ivr/a%2Fb/?token=k')?.slice(1)).toEqual(['a%2Fb', 'token=k']);
    expect(ivrRoute('/api/v1/').exec('/api/v1/ivr/vip')?.slice(1)).toEqual(['vip', undefined]);
    expect(ivrRoute('v1.0').test('/v1x0/ivr/vip')).toBe(false);
  });
});

describe('IvrPipeline.listener', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));
  const answer = { executionId: 'e-1', status: 'succeeded', output: { queue: 'vip' } };
  const pipeline = new IvrPipeline(
    { BODY_LIMIT_BYTES: 1024, LOG_LEVEL: 'silent' } as AppConfig,
    {
      authenticate: async (key: string | undefined) => {
        if (key !== 'good') throw Object.assign(new Error('x'), { status: 401, message: 'no key' });
        return { kind: 'apiKey', keyId: 'k', tenantId: 't', scopes: ['triggers.invoke'], flowKeys: null };
      },
    } as unknown as ApiKeysService,
    {
      invoke: async (_p: unknown, flowKey: string, input: unknown) => ({ ...answer, flowKey, input }),
    } as unknown as IvrService,
  );

  async function serve(listener: RequestListener, path: string, headers: Record<string, string>, body?: string) {
    const server = http.createServer(listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      server.close();
    }
  }

  it('answers under a non-default prefix and hands everything else to the next listener', async () => {
    const next = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200).end('{"next":true}');
    const listener = pipeline.listener(next, ivrRoute('custom/v9'));
    const key = { 'x-api-key': 'good', 'content-type': 'application/json' };
    expect(await serve(listener, '/custom/v9/ivr/some%20flow', key, '{"call":{"id":"c"}}')).toEqual({
      status: 200,
      body: { ...answer, flowKey: 'some flow', input: { call: { id: 'c' } } },
    });
    expect(await serve(listener, '/api/v1/ivr/vip', key, '{}')).toEqual({ status: 200, body: { next: true } });
    expect((await serve(listener, '/custom/v9/ivr/vip', {}, '{}')).status).toBe(401);
  });
});
