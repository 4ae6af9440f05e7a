import { Brix365ModuleFake, PbxFake } from './fakes/brix365.fake';
import { createConnection, flowFromTemplate } from './fakes/template-flows';
import { TestApp } from './harness';

const MODULE_TOKEN = 'brx-mod-token-91';
const PBX_KEY = 'pbx-api-key-17';

/**
 * BRIX365 (seed 002), both directions of a custom telephony module. PBX → module: the webhook
 * "handles the GET and POST HTTP requests" with a "required token parameter"; the flow forwards
 * each event to the module's webhook (a strict fake of the module: token, JSON members in order).
 * Module → PBX: the script functions VoipGenerateCall, VoipGetMembers, VoipGetCallLink,
 * VoipTestConnection and the call page's accept / hang up / redirect / hold call webhook flows;
 * the test plays the module's script, a strict fake plays the PBX's API.
 */
describe('templates: BRIX365', () => {
  let t: TestApp;
  let module: Brix365ModuleFake;
  let pbx: PbxFake;
  const hook = (key: string, query = '') => `/api/v1/hooks/${key}?token=${t.apiKey}${query}`;
  beforeAll(async () => {
    [t, module, pbx] = await Promise.all([
      TestApp.start(),
      Brix365ModuleFake.start(MODULE_TOKEN),
      PbxFake.start(PBX_KEY),
    ]);
    const mod = await createConnection(t, {
      name: 'brix module',
      type: 'api_key',
      placement: 'query',
      paramName: 'token',
      apiKey: MODULE_TOKEN,
      fields: { webhookUrl: module.webhookUrl },
    });
    await flowFromTemplate(t, 'brix365-pbx-webhook', 'brix-pbx', { module: mod });
    const pbxConn = await createConnection(t, {
      name: 'pbx api',
      type: 'api_key',
      placement: 'header',
      paramName: 'X-Api-Key',
      apiKey: PBX_KEY,
      fields: { baseUrl: pbx.base },
    });
    for (const [id, key] of [
      ['brix365-generate-call', 'brix-call'],
      ['brix365-members', 'brix-members'],
      ['brix365-call-link', 'brix-link'],
      ['brix365-test-connection', 'brix-test'],
      ['brix365-call-actions', 'brix-action'],
    ]) {
      await flowFromTemplate(t, id!, key!, { pbx: pbxConn });
    }
  });
  afterAll(async () => {
    await Promise.all([t?.close(), module?.close(), pbx?.close()]);
  });
  afterEach(() => {
    expect(module.violations).toEqual([]);
    expect(pbx.violations).toEqual([]);
  });

  describe('PBX → module webhook', () => {
    const forwarded = () => module.acceptedAt(Brix365ModuleFake.PATH);

    it("GET with query parameters: an incoming call, forwarded as JSON with the module's token", async () => {
      const r = await t
        .http()
        .get(hook('brix-pbx'))
        .query({ event: 'INCOMING', call_id: 'pbx-1', from: '+74951234567', to: '101' })
        .expect(200);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.body).toEqual({ ok: true, event: 'incoming', callId: 'pbx-1' });
      const [got] = forwarded();
      expect(got!.raw.method).toBe('POST');
      expect(got!.raw.target).toBe(`${Brix365ModuleFake.PATH}?token=${MODULE_TOKEN}`);
      const body =
        '{"event": "incoming", "callId": "pbx-1", "srcPhone": "+74951234567", "dstPhone": "101", ' +
        '"recordUrl": null, "durationSec": null}';
      expect(got!.raw.body).toBe(body);
      expect(got!.raw.headers).toEqual([
        ['host', module.hostPort],
        ['connection', 'keep-alive'],
        ['content-type', 'application/json'],
        ['content-length', String(body.length)],
      ]);
    });

    it('POST form (hang-up) and POST JSON (the recording link): the duration as whole seconds', async () => {
      await t
        .http()
        .post(hook('brix-pbx'))
        .type('form')
        .send({ event: 'hangup', call_id: 'pbx-1', from: '+74951234567', to: '101', duration: '95' })
        .expect(200);
      const recordUrl = 'https://pbx.example/records/pbx-1.mp3?sig=a%2Bb&x=1';
      const r = await t
        .http()
        .post(hook('brix-pbx'))
        .send({
          event: 'record',
          call_id: 'pbx-1',
          from: '+74951234567',
          to: '101',
          record_url: recordUrl,
          duration: 0,
        })
        .expect(200);
      expect(r.body).toEqual({ ok: true, event: 'record', callId: 'pbx-1' });
      expect(
        forwarded()
          .slice(-2)
          .map((a) => a.raw.body),
      ).toEqual([
        '{"event": "hangup", "callId": "pbx-1", "srcPhone": "+74951234567", "dstPhone": "101", "recordUrl": null, ' +
          '"durationSec": 95}',
        `{"event": "record", "callId": "pbx-1", "srcPhone": "+74951234567", "dstPhone": "101", ` +
          `"recordUrl": "${recordUrl}", "durationSec": 0}`,
      ]);
      expect(module.events.map((e) => e.event)).toEqual(['incoming', 'hangup', 'record']);
    });

    it(
      'refuses what it cannot forward: unknown event, a duration that is not whole seconds (400); no or a wrong ' +
        'token (401); PUT (405)',
      async () => {
        const before = module.accepted.length;
        expect(
          (await t.http().get(hook('brix-pbx')).query({ event: 'dtmf', call_id: 'pbx-2' }).expect(400)).body,
        ).toEqual({ ok: false, error: 'unknown event', event: 'dtmf' });
        for (const duration of ['1.5', '95s', '-3', '1,"x":2']) {
          const r = await t
            .http()
            .post(hook('brix-pbx'))
            .send({ event: 'hangup', call_id: 'pbx-2', from: '1', to: '2', duration })
            .expect(400);
          expect(r.body).toEqual({ ok: false, error: 'duration must be whole seconds', duration });
        }
        await t.http().get('/api/v1/hooks/brix-pbx').query({ event: 'incoming', call_id: 'pbx-3' }).expect(401);
        await t
          .http()
          .get('/api/v1/hooks/brix-pbx')
          .query({ token: 'wrong', event: 'incoming', call_id: 'pbx-3' })
          .expect(401);
        await t.http().put(hook('brix-pbx')).send({ event: 'incoming' }).expect(405);
        expect(module.accepted.length).toBe(before);
      },
    );

    it('answers 502 when the module refuses the event (its token is wrong)', async () => {
      const wrong = await createConnection(t, {
        name: 'stale token',
        type: 'api_key',
        placement: 'query',
        paramName: 'token',
        apiKey: 'old-token',
        fields: { webhookUrl: module.webhookUrl },
      });
      await flowFromTemplate(t, 'brix365-pbx-webhook', 'brix-pbx-2', { module: wrong });
      const r = await t
        .http()
        .get(hook('brix-pbx-2'))
        .query({ event: 'incoming', call_id: 'pbx-9', from: '1', to: '2' })
        .expect(502);
      expect(r.body).toEqual({ ok: false, error: 'the module did not accept the event', status: 401 });
    });
  });

  describe('module → PBX', () => {
    it('VoipGenerateCall: the PBX originates the call', async () => {
      const r = await t.http().post(hook('brix-call')).send({ srcPhone: '101', dstPhone: '+74951234567' }).expect(200);
      expect(r.body).toEqual({ ok: true, callId: 'pbx-1' });
      const [got] = pbx.acceptedAt('/calls');
      expect(got!.raw.body).toBe('{"from": "101", "to": "+74951234567"}');
      expect(got!.raw.headers.map(([n, v]) => `${n}: ${v}`)).toEqual([
        `host: ${pbx.hostPort}`,
        'connection: keep-alive',
        'content-type: application/json',
        `x-api-key: ${PBX_KEY}`,
        'content-length: 37',
      ]);
      expect((await t.http().post(hook('brix-call')).send({ srcPhone: '101' }).expect(400)).body).toEqual({
        ok: false,
        error: 'srcPhone and dstPhone are required',
      });
      const bad = await t
        .http()
        .post(hook('brix-call'))
        .send({ srcPhone: '101', dstPhone: 'not a number' })
        .expect(502);
      expect(bad.body).toEqual({ ok: false, error: 'the PBX refused or failed', status: 400 });
      expect(pbx.violations).toEqual(['POST /calls: to must be a phone number or extension, got "not a number"']);
      pbx.violations.length = 0;
    });

    it("VoipGetMembers: the PBX's extensions as VoipMember items", async () => {
      pbx.extensions.push(
        { extension: '101', name: 'Anna', email: 'anna@example.com' },
        { extension: '102', name: 'Boris "B"', email: '' },
      );
      const r = await t.http().get(hook('brix-members')).expect(200);
      expect(r.text).toBe('[{"id": "101", "name": "Anna"}, {"id": "102", "name": "Boris \\"B\\""}]');
      expect(pbx.acceptedAt('/extensions')[0]!.raw.target).toBe('/extensions');
    });

    it('VoipGetCallLink: a fresh link for the callData saved with the recording; none → 404', async () => {
      pbx.recordings.set('pbx 7', 'https://pbx.example/rec/7.mp3?exp=1700000000&sig=x%2By');
      const r = await t
        .http()
        .post(hook('brix-link'))
        .send({ callData: { callId: 'pbx 7', recordUrl: 'https://stale' } })
        .expect(200);
      expect(r.body).toEqual({ url: 'https://pbx.example/rec/7.mp3?exp=1700000000&sig=x%2By' });
      expect(pbx.acceptedAt('/recordings')[0]!.raw.target).toBe('/recordings?call_id=pbx%207');
      expect(
        (
          await t
            .http()
            .post(hook('brix-link'))
            .send({ callData: { callId: 'nope' } })
            .expect(404)
        ).body,
      ).toEqual({ url: null });
    });

    it('VoipTestConnection: success with the PBX version, or the reason it failed (always 200)', async () => {
      expect((await t.http().get(hook('brix-test')).expect(200)).body).toEqual({
        success: true,
        message: 'PBX 3.2.1 answered: ok',
      });
      const wrongKey = await createConnection(t, {
        name: 'pbx wrong key',
        type: 'api_key',
        placement: 'header',
        paramName: 'X-Api-Key',
        apiKey: 'nope',
        fields: { baseUrl: pbx.base },
      });
      await flowFromTemplate(t, 'brix365-test-connection', 'brix-test-2', { pbx: wrongKey });
      expect((await t.http().get(hook('brix-test-2')).expect(200)).body).toEqual({
        success: false,
        failReason: 'the PBX answered HTTP 401',
      });
      const down = await createConnection(t, {
        name: 'pbx down',
        type: 'none',
        fields: { baseUrl: 'http://127.0.0.1:9' },
      });
      await flowFromTemplate(t, 'brix365-test-connection', 'brix-test-3', { pbx: down });
      expect((await t.http().get(hook('brix-test-3')).expect(200)).body).toEqual({
        success: false,
        failReason: 'the PBX could not be reached (HTTP_NETWORK)',
      });
    });

    it('the call page: accept, hold and resume, redirect, hang up', async () => {
      await t.http().post(hook('brix-call')).send({ srcPhone: '102', dstPhone: '+74957654321' }).expect(200);
      const call = [...pbx.calls.values()].at(-1)!;
      const act = (body: Record<string, unknown>) =>
        t
          .http()
          .post(hook('brix-action'))
          .send({ srcPhone: '102', dstPhone: '+74957654321', ...body });
      expect((await act({ action: 'accept' }).expect(200)).body).toEqual({ ok: true, action: 'accept' });
      expect(call.state).toBe('talking');
      await act({ action: 'hold', hold: true }).expect(200);
      expect(call.state).toBe('held');
      await act({ action: 'hold', hold: false }).expect(200);
      expect(call.state).toBe('talking');
      await act({ action: 'redirect', redirectTo: '105' }).expect(200);
      expect(call).toMatchObject({ state: 'transferred', target: '105' });
      await act({ action: 'hangup' }).expect(200);
      expect(call.state).toBe('ended');
      const sent = pbx.accepted.filter((a) => a.path.startsWith('/calls/')).map((a) => `${a.path} ${a.raw.body}`);
      const parties = '"from": "102", "to": "+74957654321"';
      expect(sent).toEqual([
        `/calls/answer {${parties}}`,
        `/calls/hold {${parties}, "hold": true}`,
        `/calls/hold {${parties}, "hold": false}`,
        `/calls/transfer {${parties}, "target": "105"}`,
        `/calls/hangup {${parties}}`,
      ]);
    });

    it('an unknown action is a 400 (nothing sent); a call the PBX does not have is a 404', async () => {
      const before = pbx.accepted.length;
      expect(
        (await t.http().post(hook('brix-action')).send({ action: 'record', srcPhone: '1', dstPhone: '2' }).expect(400))
          .body,
      ).toEqual({
        ok: false,
        error: 'action must be accept, hangup, redirect or hold',
        action: 'record',
      });
      expect(pbx.accepted.length).toBe(before);
      const r = await t
        .http()
        .post(hook('brix-action'))
        .send({ action: 'hangup', srcPhone: '999', dstPhone: '888' })
        .expect(404);
      expect(r.body).toEqual({ ok: false, error: 'the PBX has no such call', action: 'hangup' });
    });
  });
});
