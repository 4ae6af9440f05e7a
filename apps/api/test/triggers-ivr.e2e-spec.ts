import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import {
  chainFlow,
  createApiKey,
  finishedExecution,
  postNode,
  publishFlow,
  respondNode,
  sleep,
  waitFor,
} from './support/triggers';

const ivr = (deadlineMs: number, fallback: Record<string, unknown> = { queue: 'default' }) => ({
  id: 't',
  type: 'trigger.ivr',
  name: 'ivr',
  config: { deadlineMs, fallback },
});

describe('IVR trigger: POST /api/v1/ivr/:flowKey', () => {
  let t: TestApp;
  let crm: LoopbackServer;

  beforeAll(async () => {
    t = await TestApp.start({ METRICS_TOKEN: 'ivr-metrics-token-0123456789' });
    crm = await LoopbackServer.start();
    crm.on('POST /customers', (req, res) => {
      const { phone } = JSON.parse(req.body) as { phone: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ vip: phone.endsWith('8'), name: 'Ada' }));
    });
    crm.on('POST /slow', async (_req, res) => {
      await sleep(800);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"name":"Late"}');
    });
    crm.json('POST /broken', { error: 'down' }, 503);
    const lookup = (path: string) => postNode(`${crm.base}${path}`, '{"phone":"{{call.callerId}}"}', 'lookup');
    const answer = respondNode(
      '{"queue":"{{#if nodes.lookup.body.vip}}vip{{else}}default{{/if}}","name":"{{nodes.lookup.body.name}}"}',
    );
    await publishFlow(t, 'vip', chainFlow(ivr(2000), lookup('/customers'), answer));
    await publishFlow(t, 'slow', chainFlow(ivr(300, { queue: 'fallback' }), lookup('/slow'), answer));
    await publishFlow(t, 'broken', chainFlow(ivr(2000, { queue: 'fallback' }), lookup('/broken'), answer));
    await publishFlow(
      t,
      'silent',
      chainFlow(ivr(2000), { id: 's', type: 'set', name: 'note', config: { values: [{ name: 'x', value: '1' }] } }),
    );
    await publishFlow(
      t,
      'hook',
      chainFlow({ id: 't', type: 'trigger.webhook', name: 'hook', config: {} }, respondNode('{}')),
    );
    await t
      .as('post', '/api/v1/flows')
      .send({ name: 'draft', key: 'draft', definition: chainFlow(ivr(2000), respondNode('{}')) })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await crm.close();
  });

  const call = (key: string, apiKey = t.apiKey) => t.http().post(`/api/v1/ivr/${key}`).set('x-api-key', apiKey);

  it('answers with the respond body and records the execution after answering', async () => {
    const r = await call('vip')
      .send({ call: { id: 'c-1', callerId: '+390612345678' }, ivr: { digits: '1' } })
      .expect(200);
    expect(r.body).toEqual({
      executionId: expect.any(String),
      status: 'succeeded',
      output: { queue: 'vip', name: 'Ada' },
    });
    expect(JSON.parse(crm.seen.at(-1)!.body)).toEqual({ phone: '+390612345678' });
    const row = await finishedExecution(t, r.body.executionId);
    expect(row).toMatchObject({
      status: 'succeeded',
      trigger_type: 'ivr',
      call_id: 'c-1',
      phone: '+390612345678',
      flow_version: 1,
      output: { queue: 'vip', name: 'Ada' },
    });
    expect(row.input).toEqual({ call: { id: 'c-1', callerId: '+390612345678' }, ivr: { digits: '1' } });
    const got = await t.as('get', `/api/v1/executions/${r.body.executionId}`).expect(200);
    expect(got.body.status).toBe('succeeded');
  });

  it('takes the phone from the contact when the call has no caller id', async () => {
    const r = await call('vip')
      .send({ contact: { phone: '+15550001' } })
      .expect(200);
    expect(r.body.output).toEqual({ queue: 'default', name: 'Ada' });
    expect(await finishedExecution(t, r.body.executionId)).toMatchObject({ phone: '+15550001', call_id: null });
  });

  it('answers the fallback at the deadline, then completes the run in the background', async () => {
    const started = Date.now();
    const r = await call('slow')
      .send({ call: { callerId: '+1' } })
      .expect(200);
    const elapsed = Date.now() - started;
    expect(r.body).toEqual({ executionId: expect.any(String), status: 'timeout', output: { queue: 'fallback' } });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(300 + 150);
    // Visible as running while the CRM is still thinking, completed once it answers.
    const running = await waitFor(
      async () => {
        const g = await t.as('get', `/api/v1/executions/${r.body.executionId}`);
        return g.status === 200 ? g.body : undefined;
      },
      300,
      'the running row',
    );
    expect(running.status).toBe('running');
    const row = await finishedExecution(t, r.body.executionId);
    expect(row).toMatchObject({ status: 'succeeded', output: { queue: 'default', name: 'Late' } });
    const metrics = await t
      .http()
      .get('/metrics')
      .set('authorization', 'Bearer ivr-metrics-token-0123456789')
      .expect(200);
    expect(metrics.text).toMatch(/callflow_ivr_timeouts_total\{flow="slow"\} 1/);
  });

  it('answers the fallback with the error when the run fails before responding', async () => {
    const r = await call('broken')
      .send({ call: { callerId: '+1' } })
      .expect(200);
    expect(r.body).toEqual({
      executionId: expect.any(String),
      status: 'failed',
      output: { queue: 'fallback' },
      error: { code: 'HTTP_STATUS', message: expect.any(String) },
    });
    expect(await finishedExecution(t, r.body.executionId)).toMatchObject({
      status: 'failed',
      error: { code: 'HTTP_STATUS' },
    });
  });

  it('answers output null when the run ends without a respond node', async () => {
    const r = await call('silent').send({}).expect(200);
    expect(r.body).toEqual({ executionId: expect.any(String), status: 'succeeded', output: null });
  });

  it('runs a newly published version at once (publish drops the cached lookup); 404s once unpublished', async () => {
    const v1 = chainFlow(ivr(2000), respondNode('{"v":1}'));
    const { id } = await publishFlow(t, 'versioned', v1);
    expect((await call('versioned').send({}).expect(200)).body.output).toEqual({ v: 1 });
    const flow = await t.as('get', `/api/v1/flows/${id}`).expect(200);
    await t
      .as('put', `/api/v1/flows/${id}`)
      .send({ revision: flow.body.revision, definition: chainFlow(ivr(2000), respondNode('{"v":2}')) })
      .expect(200);
    await t.as('post', `/api/v1/flows/${id}/publish`).send({}).expect(200);
    const r = await call('versioned').send({}).expect(200);
    expect(r.body.output).toEqual({ v: 2 });
    expect(await finishedExecution(t, r.body.executionId)).toMatchObject({ flow_version: 2 });
    await t.as('post', `/api/v1/flows/${id}/unpublish`).send({}).expect(200);
    await call('versioned').send({}).expect(404);
  });

  it('needs a valid, unrevoked API key (Bearer, X-Api-Key or ?token=)', async () => {
    const none = await t.http().post('/api/v1/ivr/vip').send({}).expect(401);
    expect(none.body.message).toMatch(/API key is required/);
    await call('vip', 'cfk_wrong').send({}).expect(401);
    await t.http().post('/api/v1/ivr/vip').set('authorization', `Bearer ${t.apiKey}`).send({}).expect(200);
    await t.http().post(`/api/v1/ivr/vip?token=${t.apiKey}`).send({}).expect(200);
    const { id, key } = await createApiKey(t);
    await call('vip', key).send({}).expect(200);
    await t.as('delete', `/api/v1/api-keys/${id}`).expect(204);
    await call('vip', key).send({}).expect(401);
    // A user's access token is not an API key.
    await t.http().post('/api/v1/ivr/vip').set('authorization', `Bearer ${t.token}`).send({}).expect(401);
  });

  it("honours a key's flow allow-list", async () => {
    const other = await createApiKey(t, { flowKeys: ['other'] });
    const denied = await call('vip', other.key).send({}).expect(403);
    expect(denied.body.message).toMatch(/may not trigger flow "vip"/);
    const allowed = await createApiKey(t, { flowKeys: ['vip'] });
    await call('vip', allowed.key).send({}).expect(200);
  });

  it('answers 404 for unknown and unpublished flows, 409 for another trigger type', async () => {
    expect((await call('nope').send({}).expect(404)).body).toMatchObject({
      statusCode: 404,
      message: 'flow "nope" not found',
    });
    expect((await call('draft').send({}).expect(404)).body.message).toBe('flow "draft" is not published');
    expect((await call('hook').send({}).expect(409)).body.message).toMatch(
      /starts with trigger.webhook, not trigger.ivr: trigger it with GET\|POST \/api\/v1\/hooks/,
    );
  });

  it('validates the body: an object whose parts are objects, no unknown fields', async () => {
    expect((await call('vip').send({ call: {}, nonsense: 1 }).expect(400)).body.message).toMatch(/nonsense/);
    expect((await call('vip').send({ call: 'c-1' }).expect(400)).body.message).toMatch(/call/);
    await call('vip')
      .send([{ call: {} }])
      .expect(400);
    await call('vip').set('content-type', 'text/plain').send('hello').expect(400);
    // No body at all is an empty question.
    await call('vip').expect(200);
  });
  // Both entry points (IvrPipeline in front of Express, IvrController behind it), every refusal:
  // triggers-ivr-entry-points.e2e-spec.ts.
});

describe('IVR trigger: shutting down right after answering', () => {
  it('writes the execution rows of calls answered just before the app closes', async () => {
    const t = await TestApp.start();
    const crm = await LoopbackServer.start();
    let closed = false;
    try {
      crm.json('POST /customers', { name: 'Ada' });
      await publishFlow(
        t,
        'quick',
        chainFlow(
          ivr(2000),
          postNode(`${crm.base}/customers`, '{"phone":"{{call.callerId}}"}', 'lookup'),
          respondNode('{"name":"{{nodes.lookup.body.name}}"}'),
        ),
      );
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .http()
            .post('/api/v1/ivr/quick')
            .set('x-api-key', t.apiKey)
            .send({ call: { id: `bye-${i}`, callerId: '+390600000000' } })
            .expect(200),
        ),
      );
      const ids = answers.map((a) => a.body.executionId as string);
      expect(answers.every((a) => a.body.status === 'succeeded')).toBe(true);
      // At once, well inside the writer's flush interval: the rows are queued, not written yet.
      await t.app.close();
      closed = true;
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM executions WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`,
        [ids],
      );
      expect(n).toBe(ids.length);
    } finally {
      await crm.close();
      // The app is closed already (a second close would fail); the harness still drops the database.
      if (closed) (t as unknown as { app?: unknown }).app = undefined;
      await t.close();
    }
  });
});
