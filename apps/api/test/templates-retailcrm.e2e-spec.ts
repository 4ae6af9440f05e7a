import { RetailCrmFake } from './fakes/retailcrm.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

const API_KEY = 'rcrm-key-123';

/** A call record in RetailCRM's calls[] shape. */
const callRecord = (i: number) => ({
  date: `2026-11-21 10:${String(i % 60).padStart(2, '0')}:00`, type: i % 2 ? 'out' : 'in', phone: `+7916000${String(i).padStart(4, '0')}`,
  code: '100', result: 'answered', duration: 30 + i, externalId: `pbx-${i}`, recordUrl: `https://pbx.example/rec/${i}.mp3`,
});

/**
 * RetailCRM (seed 003): call events (form field `event` = JSON, types in/out/hangup) and the
 * call-history upload (form field `calls`, "до 50 звонков" per request), the API key as ?apiKey=.
 */
describe('templates: RetailCRM', () => {
  let t: TestApp;
  let rcrm: RetailCrmFake;
  beforeAll(async () => {
    [t, rcrm] = await Promise.all([TestApp.start(), RetailCrmFake.start(API_KEY)]);
    const conn = await createConnection(t, { name: 'retailcrm', type: 'api_key', placement: 'query', paramName: 'apiKey', apiKey: API_KEY, fields: { baseUrl: rcrm.base } });
    await flowFromTemplate(t, 'retailcrm-call-events', 'rcrm-events', { retailcrm: conn });
    await flowFromTemplate(t, 'retailcrm-calls-upload', 'rcrm-history', { retailcrm: conn });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), rcrm?.close()]);
  });

  describe('call events', () => {
    const events = () => rcrm.acceptedAt('/api/v5/telephony/call/event');

    it('incoming ringing → type in; end of call → hangup (client phone, agent code, external phone)', async () => {
      const call = { id: 'c-in-1', callerId: '+7-555-555-55-55', calledNumber: '+7-444-444-44-44', direction: 'in', agent: { extension: 100 } };
      const ids = [...(await sendEvent(t, { id: 'rc-1', type: 'call.ringing', call })), ...(await sendEvent(t, { id: 'rc-2', type: 'call.ended', call: { ...call, disposition: 'answered' } }))];
      for (const id of ids) expect((await finishedExecution(t, id)).status).toBe('succeeded');
      expect(rcrm.violations).toEqual([]);
      const ringing = { phone: '+7-555-555-55-55', codes: ['100'], callExternalId: 'c-in-1', externalPhone: '+7-444-444-44-44' };
      expect(events().map((e) => e.body).sort((a, b) => a.type.localeCompare(b.type))).toEqual([{ ...ringing, type: 'hangup' }, { ...ringing, type: 'in' }]);
      for (const e of events()) expect(e.query).toEqual({ apiKey: API_KEY });
    });

    it('outgoing ringing → type out: phone is the number dialled, externalPhone the caller id; no agent → codes []', async () => {
      const [id] = await sendEvent(t, { id: 'rc-3', type: 'call.ringing', call: { id: 'c-out-1', callerId: '+7-499-999-99-99', calledNumber: '+79121234567', direction: 'outbound' } });
      expect((await finishedExecution(t, id!)).status).toBe('succeeded');
      expect(rcrm.violations).toEqual([]);
      expect(events().at(-1)!.body).toEqual({ phone: '+79121234567', type: 'out', codes: [], callExternalId: 'c-out-1', externalPhone: '+7-499-999-99-99' });
    });
  });

  describe('call history upload in batches of at most 50', () => {
    const hook = '/api/v1/hooks/rcrm-history';
    const uploads = () => rcrm.acceptedAt('/api/v5/telephony/calls/upload');
    beforeEach(() => {
      rcrm.accepted.length = 0;
    });

    it('120 calls → 3 requests of 50, 50 and 20 calls, in order, each with ?apiKey=', async () => {
      const calls = Array.from({ length: 120 }, (_, i) => callRecord(i));
      const r = await t.http().post(hook).set('x-api-key', t.apiKey).send({ calls }).expect(200);
      expect(r.body).toEqual({ success: true, calls: 120, batches: 3 });
      expect(rcrm.violations).toEqual([]);
      expect(uploads().map((u) => u.body.length)).toEqual([50, 50, 20]);
      expect(uploads().flatMap((u) => u.body)).toEqual(calls);
      for (const u of uploads()) expect(u.query).toEqual({ apiKey: API_KEY });
    });

    it('exactly 50 → one request; 200 → four; 1 → one', async () => {
      for (const [n, batches] of [[50, [50]], [200, [50, 50, 50, 50]], [1, [1]]] as const) {
        rcrm.accepted.length = 0;
        const calls = Array.from({ length: n }, (_, i) => callRecord(i));
        const r = await t.http().post(hook).set('x-api-key', t.apiKey).send({ calls }).expect(200);
        expect(r.body).toEqual({ success: true, calls: n, batches: batches.length });
        expect(uploads().map((u) => u.body.length)).toEqual(batches);
      }
      expect(rcrm.violations).toEqual([]);
    });

    it('refuses more than 200 calls (413) and an empty push (400) without uploading', async () => {
      const tooMany = await t.http().post(hook).set('x-api-key', t.apiKey).send({ calls: Array.from({ length: 201 }, (_, i) => callRecord(i)) }).expect(413);
      expect(tooMany.body).toMatchObject({ success: false, calls: 201 });
      await t.http().post(hook).set('x-api-key', t.apiKey).send({ calls: [] }).expect(400);
      await t.http().post(hook).set('x-api-key', t.apiKey).send({}).expect(400);
      expect(uploads()).toEqual([]);
    });

    it('answers 502 when RetailCRM refuses a batch; the batches before it were uploaded', async () => {
      const calls = Array.from({ length: 80 }, (_, i) => callRecord(i));
      calls[60] = { ...calls[60]!, type: 'sideways' };
      const r = await t.http().post(hook).set('x-api-key', t.apiKey).send({ calls }).expect(502);
      expect(r.body).toMatchObject({ success: false, uploaded: { batch1: 200, batch2: 400 } });
      expect(uploads().map((u) => u.body.length)).toEqual([50]);
      expect(rcrm.violations).toEqual([expect.stringMatching(/calls\[10\] needs date, phone and type in\|out/)]);
      rcrm.violations.length = 0;
    });
  });
});
