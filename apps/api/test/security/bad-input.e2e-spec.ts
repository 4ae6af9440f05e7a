import { API_PREFIX } from '../../src/app.factory';
import { listRoutes } from '../../src/access/route-catalogue';
import { MAX_JSON_DEPTH } from '../../src/platform/json/json-depth';
import { TestApp } from '../harness';
import { chainFlow, publishFlow, respondNode } from '../support/triggers';

/**
 * Issue 16, bad input: JSON nested 100k–200k deep on every route (signed in or not), a lone
 * surrogate where text is validated, `%00` and other impossible flow keys on the trigger routes,
 * and trigger inputs nested 5,000 deep. Each answered 500 (or 200 with an execution id that never
 * existed) before its fix; each must be a 4xx in the API's error shape.
 */

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('security: bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await publishFlow(
      t,
      'ivr-a',
      chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, respondNode('{"ok":true}')),
    );
    await publishFlow(
      t,
      'hook-a',
      chainFlow(
        { id: 't', type: 'trigger.webhook', name: 'hook', config: { methods: ['GET', 'POST'], allowedOrigins: ['*'] } },
        respondNode('{}'),
      ),
    );
  });
  afterAll(() => t?.close());

  const executions = async () =>
    ((await t.db.query(`SELECT count(*)::int AS n FROM executions`)) as { n: number }[])[0]!.n;

  it('JSON nested 100,000 and 200,000 deep is a 400 on every route, unauthenticated /auth/* included', async () => {
    const routes = listRoutes(t.app, API_PREFIX, ['metrics']).filter((r) => r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const depth of [100_000, 200_000]) {
      const body = `{"a":${nested(depth)}}`;
      for (const r of routes) {
        const url = r.path
          .replace(/:flowKey/, r.path.includes('/ivr/') ? 'ivr-a' : 'hook-a')
          .replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
        const method = (r.method === 'ALL' ? 'put' : r.method.toLowerCase()) as
          'get' | 'post' | 'put' | 'patch' | 'delete';
        let req = t.http()[method](url).set('content-type', 'application/json');
        if (r.rule?.kind === 'apiKey') req = req.set('x-api-key', t.apiKey);
        else if (r.rule?.kind !== 'public') req = req.set('authorization', `Bearer ${t.token}`);
        const res = await req.send(body);
        const ok =
          res.status === 400 && res.body?.statusCode === 400 && /deeper than 64 levels/.test(res.body?.message);
        if (!ok) problems.push(`${r.method} ${url} (${depth}) → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a lone surrogate in validated text (an email) is a 400, not a 500', async () => {
    const raw = (email: string) =>
      JSON.stringify({ email, password: 'a strong password 42' }).replace('LONE', '\\ud800');
    const answers = await Promise.all([
      t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(raw('aLONE@example.com')),
      t.as('post', '/api/v1/users').set('content-type', 'application/json').send(raw('bLONE@example.com')),
      t
        .as('post', '/api/v1/tenants')
        .set('content-type', 'application/json')
        .send(
          JSON.stringify({ name: 'T', adminEmail: 'cLONE@example.com', adminPassword: 'a strong password 42' }).replace(
            'LONE',
            '\\udfff',
          ),
        ),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    for (const a of answers) expect(a.body.message).toMatch(/lone UTF-16 surrogate/);
  });

  it('%00 and other impossible flow keys are the same 404 on /ivr, /hooks and their preflight', async () => {
    const before = await executions();
    for (const key of ['%00', 'a%00b', 'IVR-A', '..%2Fivr-a', '%E2%80%AE', 'x'.repeat(65)]) {
      const answers = await Promise.all([
        t.http().post(`/api/v1/ivr/${key}`).set('x-api-key', t.apiKey).send({}),
        t.http().get(`/api/v1/hooks/${key}`).set('x-api-key', t.apiKey),
        t.http().post(`/api/v1/hooks/${key}`).set('x-api-key', t.apiKey).send({}),
        t.http().options(`/api/v1/hooks/${key}`).set('origin', 'https://any.example'),
      ]);
      expect([key, answers.map((a) => a.status)]).toEqual([key, [404, 404, 404, 404]]);
    }
    expect(await executions()).toBe(before);
  });

  it('an IVR or webhook input nested 5,000 deep is refused (400 naming the limit), never run unrecorded', async () => {
    const before = await executions();
    const ivr = await t
      .http()
      .post('/api/v1/ivr/ivr-a')
      .set('x-api-key', t.apiKey)
      .set('content-type', 'application/json')
      .send(`{"call":{"x":${nested(5000)}}}`);
    const hook = await t
      .http()
      .post('/api/v1/hooks/hook-a')
      .set('x-api-key', t.apiKey)
      .set('content-type', 'application/json')
      .send(`{"x":${nested(5000)}}`);
    for (const r of [ivr, hook]) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: `the JSON body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
      });
      expect(r.headers['x-execution-id']).toBeUndefined();
    }
    // Just within the limit, the run happens and is recorded.
    const deepest = `{"call":{"x":${nested(MAX_JSON_DEPTH - 2)}}}`;
    const ok = await t
      .http()
      .post('/api/v1/ivr/ivr-a')
      .set('x-api-key', t.apiKey)
      .set('content-type', 'application/json')
      .send(deepest)
      .expect(200);
    for (let i = 0; i < 100 && (await executions()) === before; i++) await new Promise((r) => setTimeout(r, 50));
    const rows: { id: string }[] = await t.db.query(`SELECT id FROM executions`);
    expect(rows.map((r) => r.id)).toContain(ok.body.executionId);
    expect(rows).toHaveLength(before + 1);
  });
});
