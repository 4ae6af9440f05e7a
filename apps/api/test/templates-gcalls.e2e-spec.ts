import { createHash } from 'node:crypto';
import { GcallsFake } from './fakes/gcalls.fake';
import { createConnection, flowFromTemplate, sendEvent, webhookSecret } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const CALLCENTER = 'cc-042';
const API_SECRET = 'gc-md5-secret-41';
const sig = (key: string) => md5(`${CALLCENTER}${key}${API_SECRET}`);
const ORIGIN = 'https://callbox.gcalls.example';

/**
 * Gcalls (seed 000): the Integrator's Auth endpoint (a token_endpoint connection) feeds GetData,
 * PostData and SendSMS endpoints in every Callbox function the seed names: getDataIframe (call
 * start, a synchronous answer), savePreLogCRM (call connected), saveLogCRM (call end),
 * createSMSNote, handleCreateTicket / handleCreateContact (the iframe), and SendSMS. The fake checks
 * each request as it arrived (header set, query string, members in order, form encoding, the Md5
 * parameter signed with the Integrator's secret).
 */
describe('templates: Gcalls', () => {
  let t: TestApp;
  let gcalls: GcallsFake;
  // The Callbox (an agent's browser) calls with each flow's own secret, not an API key.
  const secrets = new Map<string, string>();
  const hook = (key: string) => `/api/v1/hooks/${key}?secret=${secrets.get(key) ?? 'unset'}`;
  const fromTemplate = async (id: string, key: string, connections: Record<string, string>) => {
    const flow = await flowFromTemplate(t, id, key, connections);
    if (flow.definition.nodes[0].config.auth) secrets.set(key, await webhookSecret(t, flow.id));
  };
  beforeAll(async () => {
    [t, gcalls] = await Promise.all([
      TestApp.start(),
      GcallsFake.start({
        username: 'integrator',
        password: 'gc-pass',
        callcenterId: CALLCENTER,
        apiSecret: API_SECRET,
      }),
    ]);
    gcalls.contacts.set('+84901234567', {
      id: 'ct-1',
      name: 'Nguyễn Văn A',
      phone: '+84901234567',
      email: 'a@example.vn',
    });
    const conn = await createConnection(t, {
      name: 'gcalls integrator',
      type: 'token_endpoint',
      // Gcalls' Host has no scheme ("app.gcalls.co"); `scheme` is http only for this loopback fake.
      fields: { host: gcalls.hostPort, callcenterId: CALLCENTER, scheme: 'http' },
      request: {
        method: 'POST',
        url: 'http://{{{connection.host}}}/api/auth',
        body: { type: 'json', template: '{"username": "integrator", "password": "{{secrets.password}}"}' },
      },
      tokenPath: 'access_token',
      expiresInPath: 'expires_in',
      apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
      secrets: { password: 'gc-pass', apiSecret: API_SECRET },
    });
    for (const [id, key] of [
      ['gcalls-call-connected', 'gc-connected'],
      ['gcalls-call-log', 'gc-log'],
      ['gcalls-sms-note', 'gc-sms'],
      ['gcalls-iframe-data', 'gc-iframe'],
      ['gcalls-create-ticket', 'gc-ticket'],
      ['gcalls-create-contact', 'gc-contact'],
      ['gcalls-send-sms', 'gc-send-sms'],
    ] as const) {
      await fromTemplate(id, key, { gcalls: conn });
    }
  });
  afterAll(async () => {
    await Promise.all([t?.close(), gcalls?.close()]);
  });
  beforeEach(() => {
    gcalls.accepted.length = 0;
  });
  afterEach(() => {
    expect(gcalls.violations).toEqual([]);
  });

  const call = (id: string, callerId: string) => ({
    id,
    callerId,
    calledNumber: '1900123',
    direction: 'in',
    status: 'completed',
    disposition: 'answered',
    startedAt: '2026-11-21T09:00:00Z',
    answeredAt: '2026-11-21T09:00:04Z',
    endedAt: '2026-11-21T09:02:00Z',
    durationSec: 120,
    recordingUrl: 'https://rec.example/1.mp3',
    agent: { extension: '105' },
  });

  it('call connected (savePreLogCRM): Auth → GetData → the pre-log, exactly as sent', async () => {
    const [executionId] = await sendEvent(t, {
      id: 'gc-ans-1',
      type: 'call.answered',
      call: call('call-1', '+84901234567'),
    });
    expect((await finishedExecution(t, executionId!)).status).toBe('succeeded');
    expect(gcalls.accepted.map((a) => `${a.method} ${a.raw.target}`)).toEqual([
      'POST /api/auth',
      `GET /api/contacts?phone=%2B84901234567&callcenterId=${CALLCENTER}`,
      'POST /api/calllogs',
    ]);
    const [auth, , pre] = gcalls.accepted;
    expect(auth!.raw.body).toBe('{"username": "integrator", "password": "gc-pass"}');
    const body =
      `{"callcenterId": "${CALLCENTER}", "callId": "call-1", "phone": "+84901234567", "calledNumber": "1900123", ` +
      `"direction": "in", "status": "connected", ` +
      '"startedAt": "2026-11-21T09:00:00Z", "answeredAt": "2026-11-21T09:00:04Z", "agentExtension": "105", ' +
      '"contactId": "ct-1"}';
    expect(pre!.raw.body).toBe(body);
    expect(pre!.raw.headers).toEqual([
      ['host', gcalls.hostPort],
      ['connection', 'keep-alive'],
      ['x-signature', sig('call-1')],
      ['content-type', 'application/json'],
      ['authorization', 'Bearer gc-access-1'],
      ['content-length', String(Buffer.byteLength(body))],
    ]);
    expect(gcalls.logs.get('call-1')?.stage).toBe('pre');
  });

  it('call end (saveLogCRM): the same log completed; unknown caller: contactId null; one token', async () => {
    const ids = [
      ...(await sendEvent(t, { id: 'gc-end-1', type: 'call.ended', call: call('call-1', '+84901234567') })),
      ...(await sendEvent(t, { id: 'gc-end-2', type: 'call.ended', call: call('call-2', '+84909999999') })),
    ];
    for (const id of ids) expect((await finishedExecution(t, id)).status).toBe('succeeded');
    expect(gcalls.logs.get('call-1')).toMatchObject({
      stage: 'final',
      body: { contactId: 'ct-1', durationSec: 120, status: 'answered' },
    });
    const unknown = gcalls.accepted.find((a) => a.path === '/api/calllogs' && a.body.callId === 'call-2')!;
    expect(unknown.raw.body).toBe(
      [
        '{',
        `  "callcenterId": "${CALLCENTER}",`,
        '  "callId": "call-2", "phone": "+84909999999", "calledNumber": "1900123",',
        '  "direction": "in", "status": "answered",',
        '  "startedAt": "2026-11-21T09:00:00Z", "endedAt": "2026-11-21T09:02:00Z", "durationSec": 120,',
        '  "recordingUrl": "https://rec.example/1.mp3", "agentExtension": "105",',
        '  "contactId": null',
        '}',
      ].join('\n'),
    );
    expect(unknown.headers['x-signature']).toBe(sig('call-2'));
    expect(gcalls.issued).toBe(1);
  });

  it('call start (getDataIframe): the Callbox gets the iframe data synchronously, CORS included', async () => {
    const pre = await t
      .http()
      .options(hook('gc-iframe'))
      .set('origin', ORIGIN)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type')
      .expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN);
    const known = await t
      .http()
      .post(hook('gc-iframe'))
      .set('origin', ORIGIN)
      .send({ callId: 'call-7', phone: '+84901234567', direction: 'in', agentExtension: '105' })
      .expect(200);
    expect(known.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(known.text).toBe(
      '{"found": true, "contact": {"id": "ct-1", "name": "Nguyễn Văn A", "phone": "+84901234567", "email": ' +
        '"a@example.vn"}, ' +
        `"iframeUrl": "http://${gcalls.hostPort}/contacts/ct-1", "callId": "call-7"}`,
    );
    const unknown = await t
      .http()
      .post(hook('gc-iframe'))
      .set('origin', ORIGIN)
      .send({ callId: 'call 8', phone: '+84 909' })
      .expect(200);
    expect(unknown.text).toBe('{"found": false, "phone": "+84 909", "callId": "call 8"}');
    expect(gcalls.accepted.map((a) => a.raw.target)).toEqual([
      `/api/contacts?phone=%2B84901234567&callcenterId=${CALLCENTER}`,
      `/api/contacts?phone=%2B84%20909&callcenterId=${CALLCENTER}`,
    ]);
  });

  it('the iframe creates a ticket (handleCreateTicket); a refused ticket is a 502 with the reason', async () => {
    const r = await t
      .http()
      .post(hook('gc-ticket'))
      .send({
        callId: 'call-1',
        phone: '+84901234567',
        contactId: 'ct-1',
        subject: 'Giao hàng "trễ"',
        description: 'Line 1\nLine 2',
      })
      .expect(200);
    expect(r.body).toEqual({ ok: true, ticketId: 'tk-1' });
    expect(gcalls.accepted[0]!.raw.body).toBe(
      `{"callcenterId": "${CALLCENTER}", "contactId": "ct-1", "phone": "+84901234567", "callId": "call-1", ` +
        `"subject": "Giao hàng \\"trễ\\"", "description": "Line 1\\nLine 2", "priority": "normal"}`,
    );
    expect(gcalls.accepted[0]!.headers['x-signature']).toBe(sig('+84901234567'));
    const refused = await t
      .http()
      .post(hook('gc-ticket'))
      .send({ phone: '+84901234567', subject: 'x', priority: 'urgent' })
      .expect(502);
    expect(refused.body).toEqual({ ok: false, status: 400, error: ['priority must be low|normal|high, got urgent'] });
    expect(gcalls.violations).toEqual(['POST /api/tickets: priority must be low|normal|high, got urgent']);
    gcalls.violations.length = 0;
  });

  it('the iframe creates a contact (handleCreateContact): created, then the existing one for that phone', async () => {
    const first = await t
      .http()
      .post(hook('gc-contact'))
      .send({ name: 'Trần Thị B', phone: '+84911222333', email: 'b@example.vn' })
      .expect(200);
    expect(first.body).toEqual({ ok: true, contactId: 'ct-101', created: true });
    expect(gcalls.accepted[0]!.raw.body).toBe(
      `{"callcenterId": "${CALLCENTER}", "name": "Trần Thị B", "phone": "+84911222333", "email": "b@example.vn"}`,
    );
    const again = await t
      .http()
      .post(hook('gc-contact'))
      .send({ name: 'B', phone: '+84911222333', email: '' })
      .expect(200);
    expect(again.body).toEqual({ ok: true, contactId: 'ct-101', created: false });
  });

  it('SendSMS: the form post, then the SMS note with the message id', async () => {
    const text = 'Xin chào — "đơn hàng" & more';
    const r = await t
      .http()
      .post(hook('gc-send-sms'))
      .send({ phone: '+84901234567', text, from: 'SHOP', contactId: 'ct-1' })
      .expect(200);
    expect(r.body).toEqual({ sent: true, messageId: 'sms-1', noted: true });
    const [sms, note] = gcalls.accepted;
    expect(sms!.raw.body).toBe(
      `callcenterId=${CALLCENTER}&to=%2B84901234567&from=SHOP` +
        '&text=Xin+ch%C3%A0o+%E2%80%94+%22%C4%91%C6%A1n+h%C3%A0ng%22+%26+more',
    );
    expect(sms!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(note!.body).toMatchObject({
      eventId: 'sms-1',
      contactId: 'ct-1',
      phone: '+84901234567',
      from: 'SHOP',
      content: text,
    });
    expect(new Date(note!.body.sentAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('sms.sent → the SMS note (createSMSNote) with the Md5 header', async () => {
    const [executionId] = await sendEvent(t, {
      id: 'gc-sms-1',
      type: 'sms.sent',
      at: '2026-11-21T11:00:00Z',
      contact: {
        id: 'ct-1',
        phone: '+84901234567',
        custom: { sms: { text: 'Xin chào — "your order" ships today', from: 'SHOP' } },
      },
    });
    expect((await finishedExecution(t, executionId!)).status).toBe('succeeded');
    const [note] = gcalls.acceptedAt('/api/sms-notes');
    expect(note!.headers['x-signature']).toBe(sig('+84901234567'));
    expect(note!.raw.body).toBe(
      `{"callcenterId": "${CALLCENTER}", "eventId": "gc-sms-1", "sentAt": "2026-11-21T11:00:00Z", ` +
        `"contactId": "ct-1", "phone": "+84901234567", "from": "SHOP", ` +
        `"content": "Xin chào — \\"your order\\" ships today"}`,
    );
  });

  it('a token refused with 401 is refreshed once and the request sent again', async () => {
    gcalls.revokeToken();
    const r = await t
      .http()
      .post(hook('gc-ticket'))
      .send({ phone: '+84901234567', subject: 'after refresh' })
      .expect(200);
    expect(r.body.ok).toBe(true);
    expect(gcalls.issued).toBe(2);
    expect(gcalls.accepted.map((a) => a.path)).toEqual(['/api/auth', '/api/tickets']);
    expect(gcalls.accepted[1]!.headers.authorization).toBe('Bearer gc-access-2');
  });
});
