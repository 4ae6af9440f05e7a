import { CrmFake } from './fakes/crm.fake';
import { createConnection, flowFromTemplate } from './fakes/template-flows';
import { TestApp } from './harness';

/**
 * BRIX365 (seed 002): the webhook "handles the GET and POST HTTP requests. It must also include a
 * required token parameter." The test plays the PBX; the CRM fake checks the parsed event it gets.
 */
describe('templates: BRIX365 PBX webhook', () => {
  let t: TestApp;
  let crm: CrmFake;
  const hook = '/api/v1/hooks/brix-pbx';
  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), CrmFake.start('crm-token')]);
    const conn = await createConnection(t, { name: 'brix crm', type: 'bearer', token: 'crm-token', fields: { baseUrl: crm.base } });
    await flowFromTemplate(t, 'brix365-pbx-webhook', 'brix-pbx', { crm: conn });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), crm?.close()]);
  });

  it('GET with ?token= and query parameters: an incoming call', async () => {
    const r = await t.http().get(hook).query({ token: t.apiKey, event: 'INCOMING', call_id: 'pbx-1', from: '+74951234567', to: '101' }).expect(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).toEqual({ ok: true, type: 'incoming', callId: 'pbx-1' });
    expect(crm.violations).toEqual([]);
    expect(crm.acceptedAt('/voip/events').map((a) => a.body)).toEqual([
      { type: 'incoming', callId: 'pbx-1', srcPhone: '+74951234567', dstPhone: '101', recordUrl: null, durationSec: null, via: 'GET' },
    ]);
  });

  it('POST form body with ?token=: a hang-up', async () => {
    const r = await t.http().post(`${hook}?token=${t.apiKey}`).type('form').send({ event: 'hangup', call_id: 'pbx-1', from: '+74951234567', to: '101', duration: '95' }).expect(200);
    expect(r.body).toEqual({ ok: true, type: 'hangup', callId: 'pbx-1' });
    expect(crm.acceptedAt('/voip/events')[1]!.body).toEqual({ type: 'hangup', callId: 'pbx-1', srcPhone: '+74951234567', dstPhone: '101', recordUrl: null, durationSec: '95', via: 'POST' });
  });

  it('POST JSON: the recording link', async () => {
    const recordUrl = 'https://pbx.example/records/pbx-1.mp3?sig=a%2Bb&x=1';
    const r = await t.http().post(`${hook}?token=${t.apiKey}`).send({ event: 'record', call_id: 'pbx-1', from: '+74951234567', to: '101', record_url: recordUrl, duration: 95 }).expect(200);
    expect(r.body).toEqual({ ok: true, type: 'record', callId: 'pbx-1' });
    expect(crm.violations).toEqual([]);
    expect(crm.acceptedAt('/voip/events')[2]!.body).toMatchObject({ type: 'record', recordUrl, durationSec: 95 });
  });

  it('answers 400 for an unknown event (nothing forwarded), 401 without the token, 405 for PUT', async () => {
    const before = crm.accepted.length;
    const r = await t.http().get(hook).query({ token: t.apiKey, event: 'dtmf', call_id: 'pbx-2' }).expect(400);
    expect(r.body).toEqual({ ok: false, error: 'unknown event', event: 'dtmf' });
    await t.http().get(hook).query({ event: 'incoming', call_id: 'pbx-3' }).expect(401);
    await t.http().get(hook).query({ token: 'wrong', event: 'incoming', call_id: 'pbx-3' }).expect(401);
    await t.http().put(`${hook}?token=${t.apiKey}`).send({ event: 'incoming' }).expect(405);
    expect(crm.accepted.length).toBe(before);
  });

  it('answers 502 when the CRM refuses the event', async () => {
    const wrong = await createConnection(t, { name: 'wrong token', type: 'bearer', token: 'not-the-crm-token', fields: { baseUrl: crm.base } });
    await flowFromTemplate(t, 'brix365-pbx-webhook', 'brix-pbx-2', { crm: wrong });
    const r = await t.http().get('/api/v1/hooks/brix-pbx-2').query({ token: t.apiKey, event: 'incoming', call_id: 'pbx-9', from: '1', to: '2' }).expect(502);
    expect(r.body).toEqual({ ok: false, error: 'the CRM did not accept the event' });
    expect(crm.violations).toEqual([expect.stringMatching(/^POST \/voip\/events: authorization/)]);
  });
});
