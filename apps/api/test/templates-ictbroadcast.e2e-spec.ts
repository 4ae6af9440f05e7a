import { IctRemoteFake, IctSoapFake } from './fakes/ictbroadcast.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

/** ICTBroadcast (seed 001): push call status at end of call (HTTP), and IVR → SOAP (WSDL) lookup. */
describe('templates: ICTBroadcast', () => {
  let t: TestApp;
  let remote: IctRemoteFake;
  let soapFake: IctSoapFake;
  beforeAll(async () => {
    [t, remote, soapFake] = await Promise.all([
      TestApp.start(),
      IctRemoteFake.start({ username: 'ict', password: 's3cret:pass' }),
      IctSoapFake.start(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), remote?.close(), soapFake?.close()]);
  });

  it('end of call → POST /call-status: JSON of call and contact tokens, Basic auth, raw headers', async () => {
    const conn = await createConnection(t, {
      name: 'ict remote',
      type: 'basic',
      username: 'ict',
      password: 's3cret:pass',
      fields: { baseUrl: remote.base },
    });
    await flowFromTemplate(t, 'ictbroadcast-end-of-call-push', 'ict-push', { remote: conn });
    const call = {
      id: 'ict-c-77',
      callerId: '+390612345678',
      calledNumber: '800100200',
      direction: 'in',
      status: 'completed',
      disposition: 'answered',
      startedAt: '2026-11-21T10:00:00Z',
      answeredAt: '2026-11-21T10:00:05Z',
      endedAt: '2026-11-21T10:03:05Z',
      durationSec: 180,
      recordingUrl: 'https://pbx.example/rec/77.wav',
      queue: 'sales',
      agent: { id: 'a1', name: 'Luca', extension: '201' },
    };
    const contact = {
      id: 'k-9',
      phone: '+390612345678',
      firstName: 'Ada "The Countess"',
      lastName: "O'Lovelace",
      email: 'ada@example.com',
    };
    const [executionId] = await sendEvent(t, {
      id: 'ict-evt-1',
      type: 'call.ended',
      call,
      contact,
      campaign: { id: 'cmp-1', name: 'Autunno' },
    });
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

  describe('IVR → SOAP lookup → respond, against a strict SOAP server', () => {
    let flowId: string;
    beforeAll(async () => {
      const conn = await createConnection(t, {
        name: 'lookup soap',
        type: 'none',
        fields: { wsdlUrl: soapFake.wsdlUrl },
      });
      flowId = (await flowFromTemplate(t, 'ictbroadcast-ivr-soap-lookup', 'ict-ivr', { soap_service: conn })).id;
    });
    beforeEach(() => {
      soapFake.exchanges.length = 0;
      soapFake.calls.length = 0;
    });

    it('stores the args as jsonb sorts them, and still sends them in the order of the WSDL sequence', async () => {
      // The premise: PostgreSQL gives the template's args back re-sorted (shorter keys first).
      const stored = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
      const lookup = stored.body.definition.nodes.find((n: { name: string }) => n.name === 'lookup');
      expect(Object.keys(lookup.config.args)).toEqual(['callId', 'digits', 'callerId']);

      const r = await t
        .http()
        .post('/api/v1/ivr/ict-ivr')
        .set('authorization', `Bearer ${t.apiKey}`)
        .send({ call: { id: 'ivr-1', callerId: '+390612345678' }, ivr: { digits: '2#' } })
        .expect(200);
      expect(soapFake.violations).toEqual([]);
      expect(r.body).toEqual({
        executionId: expect.any(String),
        status: 'succeeded',
        output: { queue: 'vip', vip: true, customerName: 'Ada Lovelace & Co' },
      });
      // The WSDL was fetched, then one SOAP 1.1 POST: its bytes as the service received them.
      expect(soapFake.exchanges.map((h) => `${h.method} ${h.url} ${h.status}`)).toEqual([
        'GET /lookup?wsdl 200',
        'POST /lookup 200',
      ]);
      const post = soapFake.exchanges[1]!;
      expect(post.headers.soapaction).toBe('"urn:ictbroadcast:lookup/GetCustomerInfo"');
      expect(post.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(post.body).toContain(
        '<soap:Body><GetCustomerInfoRequest xmlns="urn:ictbroadcast:lookup"><callerId>+390612345678' +
          '</callerId><digits>2#</digits><callId>ivr-1</callId></GetCustomerInfoRequest></soap:Body>',
      );
      expect(soapFake.calls).toEqual([{ callerId: '+390612345678', digits: '2#', callId: 'ivr-1' }]);
    });

    it('answers a non-VIP caller, and escapes tokens on the wire', async () => {
      const bob = await t
        .http()
        .post('/api/v1/ivr/ict-ivr?token=' + t.apiKey)
        .send({ call: { id: 'ivr-<2>&', callerId: '+390698765432' }, ivr: { digits: '1' } })
        .expect(200);
      expect(bob.body).toEqual({
        executionId: expect.any(String),
        status: 'succeeded',
        output: { queue: 'support', vip: false, customerName: 'Bob' },
      });
      expect(soapFake.violations).toEqual([]);
      expect(soapFake.exchanges.at(-1)!.body).toContain(
        '<callerId>+390698765432</callerId><digits>1</digits><callId>ivr-&lt;2&gt;&amp;</callId>',
      );
    });

    it('shows a SOAP fault in the answer and the execution: lookup step failed, the fallback answered', async () => {
      const r = await t
        .http()
        .post('/api/v1/ivr/ict-ivr')
        .set('x-api-key', t.apiKey)
        .send({ call: { id: 'ivr-3', callerId: '+15550000000' } })
        .expect(200);
      expect(soapFake.violations).toEqual([]);
      expect(soapFake.exchanges.at(-1)!.status).toBe(500);
      expect(r.body).toEqual({
        executionId: expect.any(String),
        status: 'succeeded',
        output: { queue: 'default', vip: false },
        error: { code: 'SOAP_FAULT', message: 'SOAP fault soap:Client: Unknown caller', node: 'lookup', handled: true },
      });
      await expectFallbackRecorded(r.body.executionId, /^SOAP fault soap:Client: Unknown caller$/);
    });

    it('shows an envelope the strict service refused the same way (an argument the WSDL does not have)', async () => {
      const current = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
      const definition = structuredClone(current.body.definition);
      definition.nodes.find((n: { name: string }) => n.name === 'lookup').config.args.extension = '{{ivr.digits}}';
      await t
        .as('put', `/api/v1/flows/${flowId}`)
        .send({ name: current.body.name, definition, revision: current.body.revision })
        .expect(200);
      await t.as('post', `/api/v1/flows/${flowId}/publish`).send({ note: 'extra arg' }).expect(200);
      try {
        const r = await t
          .http()
          .post('/api/v1/ivr/ict-ivr')
          .set('x-api-key', t.apiKey)
          .send({ call: { id: 'ivr-4', callerId: '+390612345678' }, ivr: { digits: '9' } })
          .expect(200);
        expect(soapFake.violations.join('\n')).toMatch(/extension: this element is not expected/);
        expect(soapFake.calls).toEqual([]);
        expect(r.body).toMatchObject({
          status: 'succeeded',
          output: { queue: 'default', vip: false },
          error: { code: 'SOAP_FAULT', node: 'lookup', handled: true },
        });
        await expectFallbackRecorded(r.body.executionId, /envelope refused: .*extension: this element is not expected/);
      } finally {
        const back = await t.as('get', `/api/v1/flows/${flowId}`).expect(200);
        await t
          .as('put', `/api/v1/flows/${flowId}`)
          .send({ name: back.body.name, definition: current.body.definition, revision: back.body.revision })
          .expect(200);
        await t.as('post', `/api/v1/flows/${flowId}/publish`).send({ note: 'back' }).expect(200);
      }
    });

    /**
     * GET /executions/:id: the run succeeded through its error path, the lookup step failed with the fault, the
     * fallback answered.
     */
    async function expectFallbackRecorded(executionId: string, faultMessage: RegExp): Promise<void> {
      await finishedExecution(t, executionId);
      const exec = await t.as('get', `/api/v1/executions/${executionId}`).expect(200);
      expect(exec.body.status).toBe('succeeded');
      expect(exec.body.error).toMatchObject({ code: 'SOAP_FAULT', nodeId: 'lookup', node: 'lookup', handled: true });
      expect(exec.body.error.message).toMatch(faultMessage);
      const steps = exec.body.steps.map((s: { name: string; status: string; handle?: string }) => [
        s.name,
        s.status,
        s.handle,
      ]);
      expect(steps).toEqual([
        ['ivr', 'succeeded', 'next'],
        ['lookup', 'failed', 'error'],
        ['fallback', 'succeeded', 'next'],
      ]);
      const lookup = exec.body.steps[1];
      expect(lookup.error).toMatchObject({ code: 'SOAP_FAULT', details: { faultcode: 'soap:Client', status: 500 } });
      expect(lookup.error.message).toMatch(faultMessage);
      expect(lookup.response.status).toBe(500);
    }
  });
});
