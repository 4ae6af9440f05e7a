import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import { chainFlow, finishedExecution, postNode, publishFlow, respondNode, sleep } from './support/triggers';

const ORIGIN = 'https://agent.example.com';
const webhook = (config: Record<string, unknown>) => ({ id: 't', type: 'trigger.webhook', name: 'hook', config });

describe('webhook trigger: /api/v1/hooks/:flowKey', () => {
  let t: TestApp;
  let crm: LoopbackServer;

  beforeAll(async () => {
    t = await TestApp.start();
    crm = await LoopbackServer.start();
    crm.on('POST /slow', async (_req, res) => {
      await sleep(600);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    crm.json('POST /broken', { error: 'down' }, 500);
    // XiVO style: echo what the agent UI should open, shaped by the respond node.
    const shaped = respondNode(
      '{"caller":"{{request.query.caller}}{{request.body.caller}}","method":"{{request.method}}"}',
      {
        status: 201,
        headers: [
          { name: 'X-Ref', value: 'ref-{{request.query.ref}}' },
          { name: 'Content-Length', value: '1' },
        ],
      },
    );
    await publishFlow(
      t,
      'crm-popup',
      chainFlow(webhook({ methods: ['GET', 'POST'], allowedOrigins: [ORIGIN] }), shaped),
    );
    const echo = {
      id: 'r',
      type: 'respond',
      name: 'echo',
      config: { body: { type: 'text', template: '{{json request}}', contentType: 'application/json' } },
    };
    await publishFlow(t, 'echo', chainFlow(webhook({ methods: ['POST'], allowedOrigins: ['*'] }), echo));
    await publishFlow(
      t,
      'text',
      chainFlow(webhook({ methods: ['GET'] }), {
        id: 'r',
        type: 'respond',
        name: 'plain',
        config: { status: 200, body: { type: 'text', template: 'OK {{request.query.n}}' } },
      }),
    );
    await publishFlow(
      t,
      'late',
      chainFlow(
        webhook({ methods: ['POST'], deadlineMs: 200 }),
        postNode(`${crm.base}/slow`, '{}'),
        respondNode('{"late":true}'),
      ),
    );
    await publishFlow(
      t,
      'no-respond',
      chainFlow(webhook({ methods: ['POST'] }), {
        id: 's',
        type: 'set',
        name: 'note',
        config: { values: [{ name: 'x', value: '1' }] },
      }),
    );
    await publishFlow(
      t,
      'broken',
      chainFlow(webhook({ methods: ['POST'] }), postNode(`${crm.base}/broken`, '{}'), respondNode('{}')),
    );
    await publishFlow(
      t,
      'ivr-flow',
      chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, respondNode('{}')),
    );
  });
  afterAll(async () => {
    await t.close();
    await crm.close();
  });

  it('accepts GET with ?token= and shapes the answer from the respond node', async () => {
    const r = await t.http().get(`/api/v1/hooks/crm-popup?token=${t.apiKey}&caller=%2B3906123&ref=42`).expect(201);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-ref']).toBe('ref-42');
    expect(r.headers['x-execution-id']).toEqual(expect.any(String));
    expect(r.body).toEqual({ caller: '+3906123', method: 'GET' });
    expect(await finishedExecution(t, r.headers['x-execution-id'] as string)).toMatchObject({
      status: 'succeeded',
      trigger_type: 'webhook',
    });
  });

  it('accepts POST with a form body (BRIX365 style), the key as Bearer', async () => {
    const r = await t
      .http()
      .post('/api/v1/hooks/crm-popup')
      .set('authorization', `Bearer ${t.apiKey}`)
      .type('form')
      .send({ caller: '555', status: 'ANSWER' })
      .expect(201);
    expect(r.body).toEqual({ caller: '555', method: 'POST' });
  });

  it('hands the flow the request without credentials', async () => {
    const r = await t
      .http()
      .post(`/api/v1/hooks/echo?token=${t.apiKey}&a=1`)
      .set('x-api-key', t.apiKey)
      .set('cookie', 'sid=secret')
      .set('X-Custom', 'yes')
      .send({ call: { id: 'c-9' } })
      .expect(200);
    expect(r.body).toMatchObject({
      method: 'POST',
      query: { a: '1' },
      body: { call: { id: 'c-9' } },
      headers: { 'x-custom': 'yes', 'content-type': 'application/json' },
    });
    expect(r.body.query.token).toBeUndefined();
    expect(r.body.headers['x-api-key']).toBeUndefined();
    expect(r.body.headers.cookie).toBeUndefined();
    expect(
      JSON.stringify(await t.db.query(`SELECT input FROM executions WHERE id = $1`, [r.headers['x-execution-id']])),
    ).not.toContain(t.apiKey);
  });

  it('answers text bodies with their content type', async () => {
    const r = await t.http().get(`/api/v1/hooks/text?n=7`).set('x-api-key', t.apiKey).expect(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.text).toBe('OK 7');
  });

  it('answers 202 {executionId} when no respond comes before the deadline; the run goes on', async () => {
    const started = Date.now();
    const r = await t.http().post('/api/v1/hooks/late').set('x-api-key', t.apiKey).send({}).expect(202);
    expect(Date.now() - started).toBeLessThan(200 + 150);
    expect(r.body).toEqual({ executionId: expect.any(String) });
    expect(await finishedExecution(t, r.body.executionId)).toMatchObject({
      status: 'succeeded',
      output: { late: true },
    });
    const none = await t.http().post('/api/v1/hooks/no-respond').set('x-api-key', t.apiKey).send({}).expect(202);
    expect(none.body).toEqual({ executionId: expect.any(String) });
  });

  it('answers 502 with the error code when the run fails before answering', async () => {
    const r = await t.http().post('/api/v1/hooks/broken').set('x-api-key', t.apiKey).send({}).expect(502);
    expect(r.body).toMatchObject({
      statusCode: 502,
      error: 'Bad Gateway',
      details: { executionId: expect.any(String), code: 'HTTP_STATUS' },
    });
  });

  it('refuses a JSON number beyond ±1.8e308 (read as Infinity, it would be recorded as null), naming it', async () => {
    const post = (json: string) =>
      t.http().post('/api/v1/hooks/echo').set('x-api-key', t.apiKey).set('content-type', 'application/json').send(json);
    const r = await post('{"order": {"total": 1e999}, "lines": [2, 3]}').expect(400);
    expect(r.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'body.order.total: number out of range (beyond ±1.8e308)',
    });
    const top = await post('[1e400]').expect(400);
    expect(top.body.message).toBe('body[0]: number out of range (beyond ±1.8e308)');
  });

  it("answers 405 with Allow for a method outside the trigger's methods", async () => {
    const r = await t.http().get('/api/v1/hooks/echo').set('x-api-key', t.apiKey).expect(405);
    expect(r.headers.allow).toBe('POST');
    expect(r.body).toMatchObject({ statusCode: 405, message: 'flow "echo" accepts POST, not GET' });
    await t.http().put('/api/v1/hooks/echo').set('x-api-key', t.apiKey).send({}).expect(405);
  });

  it('needs an API key; 404 for unknown flows, 409 for other trigger types', async () => {
    await t.http().post('/api/v1/hooks/echo').send({}).expect(401);
    await t.http().get('/api/v1/hooks/echo?token=cfk_nope').expect(401);
    await t.http().post('/api/v1/hooks/missing').set('x-api-key', t.apiKey).send({}).expect(404);
    await t.http().post('/api/v1/hooks/ivr-flow').set('x-api-key', t.apiKey).send({}).expect(409);
  });

  describe('CORS', () => {
    // Always allowed (XiVO, seed 004: "Origin, X-Requested-With, Content-Type, Accept (at least)"), then the asked.
    const ALLOWED_HEADERS = 'Origin, X-Requested-With, Content-Type, Accept, Authorization, X-Api-Key';
    it('answers an allowed preflight without an API key', async () => {
      const r = await t
        .http()
        .options('/api/v1/hooks/crm-popup')
        .set('origin', ORIGIN)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'content-type, x-api-key')
        .expect(204);
      expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(r.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
      expect(r.headers['access-control-allow-headers']).toBe(ALLOWED_HEADERS);
      expect(r.headers.vary).toMatch(/Origin/);
    });

    it("also allows the headers an allowed origin asks for (XiVO's X-Requested-With, Accept)", async () => {
      const r = await t
        .http()
        .options('/api/v1/hooks/crm-popup')
        .set('origin', ORIGIN)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'X-Requested-With, Accept, Content-Type, bad header!')
        .expect(204);
      expect(r.headers['access-control-allow-headers']).toBe(ALLOWED_HEADERS);
      const extra = await t
        .http()
        .options('/api/v1/hooks/crm-popup')
        .set('origin', ORIGIN)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'x-trace-id')
        .expect(204);
      expect(extra.headers['access-control-allow-headers']).toBe(`${ALLOWED_HEADERS}, x-trace-id`);
    });

    it("allows any origin with '*', and narrows to the key's tenant with ?token=", async () => {
      const any = await t.http().options('/api/v1/hooks/echo').set('origin', 'https://other.example').expect(204);
      expect(any.headers['access-control-allow-origin']).toBe('https://other.example');
      expect(any.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
      const scoped = await t
        .http()
        .options(`/api/v1/hooks/crm-popup?token=${t.apiKey}`)
        .set('origin', ORIGIN)
        .expect(204);
      expect(scoped.headers['access-control-allow-origin']).toBe(ORIGIN);
    });

    it('refuses a disallowed origin with the 404 of an unknown key and no CORS headers', async () => {
      const r = await t
        .http()
        .options('/api/v1/hooks/crm-popup')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST')
        .expect(404);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      // With an API key of the tenant the refusal says why.
      await t
        .http()
        .options(`/api/v1/hooks/crm-popup?token=${t.apiKey}`)
        .set('origin', 'https://evil.example')
        .expect(403);
      await t.http().options('/api/v1/hooks/missing').set('origin', ORIGIN).expect(404);
      await t.http().options('/api/v1/hooks/ivr-flow').set('origin', ORIGIN).expect(404);
    });

    it('puts Access-Control-Allow-Origin on actual answers for allowed origins only', async () => {
      const ok = await t
        .http()
        .get(`/api/v1/hooks/crm-popup?caller=1`)
        .set('x-api-key', t.apiKey)
        .set('origin', ORIGIN)
        .expect(201);
      expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(ok.headers['access-control-expose-headers']).toBe('x-execution-id');
      const denied = await t
        .http()
        .get(`/api/v1/hooks/crm-popup?caller=1`)
        .set('x-api-key', t.apiKey)
        .set('origin', 'https://evil.example')
        .expect(201);
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
