import { IctRemoteFake, IctSoapFake } from './fakes/ictbroadcast.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution, waitFor } from './support/triggers';

/** ICTBroadcast (seed 001): push call status at end of call (HTTP), and IVR → SOAP (WSDL) lookup. */
describe('templates: ICTBroadcast', () => {
  let t: TestApp;
  let remote: IctRemoteFake;
  let soapFake: IctSoapFake;
  beforeAll(async () => {
    [t, remote, soapFake] = await Promise.all([TestApp.start(), IctRemoteFake.start({ username: 'ict', password: 's3cret:pass' }), IctSoapFake.start()]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), remote?.close(), soapFake?.close()]);
  });

  it('end of call → POST /call-status: JSON of call and contact tokens, Basic auth, raw headers', async () => {
    const conn = await createConnection(t, { name: 'ict remote', type: 'basic', username: 'ict', password: 's3cret:pass', fields: { baseUrl: remote.base } });
    await flowFromTemplate(t, 'ictbroadcast-end-of-call-push', 'ict-push', { remote: conn });
    const call = {
      id: 'ict-c-77', callerId: '+390612345678', calledNumber: '800100200', direction: 'in', status: 'completed', disposition: 'answered',
      startedAt: '2026-11-21T10:00:00Z', answeredAt: '2026-11-21T10:00:05Z', endedAt: '2026-11-21T10:03:05Z', durationSec: 180,
      recordingUrl: 'https://pbx.example/rec/77.wav', queue: 'sales', agent: { id: 'a1', name: 'Luca', extension: '201' },
    };
    const contact = { id: 'k-9', phone: '+390612345678', firstName: 'Ada "The Countess"', lastName: "O'Lovelace", email: 'ada@example.com' };
    const [executionId] = await sendEvent(t, { id: 'ict-evt-1', type: 'call.ended', call, contact, campaign: { id: 'cmp-1', name: 'Autunno' } });
    const run = await finishedExecution(t, executionId!);
    expect(remote.violations).toEqual([]);
    expect(run.status).toBe('succeeded');
    const [got] = remote.acceptedAt('/call-status');
    expect(got!.query).toEqual({ call_id: 'ict-c-77' });
    expect(got!.headers['x-call-id']).toBe('ict-c-77');
    // Tokens arrive intact: quotes and apostrophes were escaped for JSON, numbers stay numbers.
    expect(got!.body).toEqual({
      event: 'call_status',
      call: { ...call, agent: undefined, agentExtension: '201', queue: 'sales' },
      contact,
      campaign: { id: 'cmp-1', name: 'Autunno' },
    });
  });

  describe('IVR → SOAP lookup → respond', () => {
    beforeAll(async () => {
      const conn = await createConnection(t, { name: 'lookup soap', type: 'none', fields: { wsdlUrl: soapFake.wsdlUrl } });
      await flowFromTemplate(t, 'ictbroadcast-ivr-soap-lookup', 'ict-ivr', { soap_service: conn });
    });

    it('calls GetCustomerInfo with the caller id and digits and answers the queue the IVR needs', async () => {
      const r = await t.http().post('/api/v1/ivr/ict-ivr').set('authorization', `Bearer ${t.apiKey}`).send({ call: { id: 'ivr-1', callerId: '+390612345678' }, ivr: { digits: '2#' } }).expect(200);
      expect(r.body).toMatchObject({ status: 'succeeded', output: { queue: 'vip', vip: true, customerName: 'Ada Lovelace & Co' } });
      expect(soapFake.calls).toEqual([{ callerId: '+390612345678', digits: '2#', callId: 'ivr-1' }]);
      // The WSDL was fetched, then one SOAP 1.1 POST with the operation's SOAPAction.
      expect(soapFake.hits.map((h) => `${h.method} ${h.url}`)).toEqual(['GET /lookup?wsdl', 'POST /lookup']);
      const post = soapFake.hits[1]!;
      expect(post.soapAction).toMatch(/^"?urn:ictbroadcast:lookup\/GetCustomerInfo"?$/);
      expect(post.contentType).toMatch(/^text\/xml/);
    });

    it('answers a non-VIP caller, and the fallback on a SOAP fault', async () => {
      const bob = await t.http().post('/api/v1/ivr/ict-ivr?token=' + t.apiKey).send({ call: { id: 'ivr-2', callerId: '+390698765432' }, ivr: { digits: '1' } }).expect(200);
      expect(bob.body.output).toEqual({ queue: 'support', vip: false, customerName: 'Bob' });
      const unknown = await t.http().post('/api/v1/ivr/ict-ivr').set('x-api-key', t.apiKey).send({ call: { id: 'ivr-3', callerId: '+15550000000' } }).expect(200);
      expect(unknown.body).toMatchObject({ status: 'succeeded', output: { queue: 'default', vip: false } });
      expect(soapFake.calls.map((c) => c.callerId)).toEqual(['+390612345678', '+390698765432', '+15550000000']);
    });
  });
});
