import { PbxApiFake } from './fakes/pbx-api.fake';
import { RetailCrmFake } from './fakes/retailcrm.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

const API_KEY = 'rcrm-key-123';
const PBX_TOKEN = 'pbx-token-456';
/** Every byte value: a recording must arrive untouched. */
const AUDIO = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 31 + 7) % 256));

/** A call record in RetailCRM's calls[] shape, as a PBX pushes its history. */
const callRecord = (i: number) => ({
  date: `2026-11-21 10:${String(i % 60).padStart(2, '0')}:00`,
  type: i % 2 ? 'out' : 'in',
  phone: `+7916${String(i).padStart(7, '0')}`,
  code: '100',
  result: 'answered',
  duration: 30 + (i % 100),
  externalId: `pbx-${i}`,
});
const calls = (n: number) => Array.from({ length: n }, (_, i) => callRecord(i));
/** The raw body bytes of the last request the fake saw at `path`. */
const rawAt = (fake: { server: { seen: { url: string; body: string }[] } }, path: string) =>
  fake.server.seen.filter((r) => r.url.split('?')[0] === path).map((r) => r.body);

/**
 * RetailCRM (seed 003), every pattern end to end through its template, against fakes that check
 * bytes: module registration, call events, upload right after a call, history of any size in
 * requests of 50 (a batch node), and RetailCRM's own calls back — makeCallUrl, changeUserStatusUrl,
 * recordUrl — authenticated by the clientId it was registered with (each flow's webhook secret).
 */
describe('templates: RetailCRM', () => {
  let t: TestApp;
  let rcrm: RetailCrmFake;
  let pbx: PbxApiFake;
  let clientId: string;
  const hook = (key: string) => `${t.baseUrl}/api/v1/hooks/${key}`;

  beforeAll(async () => {
    // Default limits: a 26,000-call push (~3 MB) fits WEBHOOK_BODY_LIMIT_BYTES (8 MiB), not BODY_LIMIT_BYTES (1 MiB).
    [t, rcrm, pbx] = await Promise.all([TestApp.start(), RetailCrmFake.start(API_KEY), PbxApiFake.start(PBX_TOKEN)]);
    const retailcrm = await createConnection(t, {
      name: 'retailcrm',
      type: 'api_key',
      placement: 'header',
      paramName: 'X-API-KEY',
      apiKey: API_KEY,
      fields: { baseUrl: rcrm.base, timezone: 'Europe/Moscow', recordHookUrl: `${t.baseUrl}/api/v1/hooks/rcrm-record` },
    });
    const pbxConn = await createConnection(t, {
      name: 'pbx',
      type: 'bearer',
      token: PBX_TOKEN,
      fields: { baseUrl: pbx.base },
    });
    await flowFromTemplate(t, 'retailcrm-call-events', 'rcrm-events', { retailcrm });
    await flowFromTemplate(t, 'retailcrm-call-upload', 'rcrm-upload', { retailcrm });
    await flowFromTemplate(t, 'retailcrm-calls-upload', 'rcrm-history', { retailcrm });
    await flowFromTemplate(t, 'retailcrm-register-module', 'rcrm-register', { retailcrm });
    const callbacks = [
      await flowFromTemplate(t, 'retailcrm-make-call', 'rcrm-make-call', { pbx: pbxConn }),
      await flowFromTemplate(t, 'retailcrm-user-status', 'rcrm-status', { pbx: pbxConn }),
      await flowFromTemplate(t, 'retailcrm-record', 'rcrm-record', { pbx: pbxConn }),
    ];
    // One clientId for the three flows RetailCRM calls: generated on the first, set on the others.
    clientId = (await t.as('post', `/api/v1/flows/${callbacks[0]!.id}/webhook-secret`).send({}).expect(201)).body
      .secret;
    for (const f of callbacks.slice(1))
      await t.as('post', `/api/v1/flows/${f.id}/webhook-secret`).send({ secret: clientId }).expect(201);
    pbx.recordings.set('c-up-1', { contentType: 'audio/mpeg', bytes: AUDIO });
  });
  afterAll(async () => {
    expect(rcrm.unexpected()).toEqual([]);
    await Promise.all([t?.close(), rcrm?.close(), pbx?.close()]);
  });
  afterEach(() => {
    expect(rcrm.violations).toEqual([]);
    expect(pbx.violations).toEqual([]);
  });

  describe("module registration (integration-modules/{code}/edit) and RetailCRM's calls back", () => {
    const register = (body: Record<string, unknown>) =>
      t.http().post('/api/v1/hooks/rcrm-register').set('x-api-key', t.apiKey).send(body);
    const settings = () => ({
      code: 'my-telephony',
      clientId,
      name: 'Название телефонии',
      makeCallUrl: hook('rcrm-make-call'),
      changeUserStatusUrl: hook('rcrm-status'),
      additionalCodes: [
        { userId: '1', code: 100 },
        { userId: '2', code: 200 },
      ],
      externalPhones: [
        { siteCode: 'shop1', externalPhone: '+7-499-999-99-99' },
        { siteCode: 'shop2', externalPhone: '+7-499-888-88-88' },
      ],
    });

    it('registers the module as in the seed: form field integrationModule, no unset fields; 201 then 200', async () => {
      expect((await register(settings()).expect(200)).body).toEqual({ success: true, status: 201 });
      const [raw] = rawAt(rcrm, '/api/v5/integration-modules/my-telephony/edit');
      const s = settings();
      const json =
        `{"code":"my-telephony","active":true,"name":"Название телефонии",` +
        `"clientId":"${clientId}","integrations":{"telephony":{"makeCallUrl":"${s.makeCallUrl}",` +
        `"allowEdit":false,"inputEventSupported":true,` +
        `"additionalCodes":[{"userId":"1","code":100},{"userId":"2","code":200}],` +
        `"externalPhones":[{"siteCode":"shop1","externalPhone":"+7-499-999-99-99"},{"siteCode":"shop2",` +
        `"externalPhone":"+7-499-888-88-88"}],"changeUserStatusUrl":"${s.changeUserStatusUrl}"}}}`;
      expect(raw).toBe(new URLSearchParams([['integrationModule', json]]).toString());
      const seen = rcrm.server.seen.at(-1)!;
      expect(seen.headers['x-api-key']).toBe(API_KEY);
      expect(seen.url).toBe('/api/v5/integration-modules/my-telephony/edit');
      expect((await register(settings()).expect(200)).body).toEqual({ success: true, status: 200 });
    });

    it('refuses a registration without clientId or makeCallUrl (nothing sent)', async () => {
      const before = rcrm.server.seen.length;
      for (const drop of ['clientId', 'makeCallUrl', 'code']) {
        const body: Record<string, unknown> = settings();
        delete body[drop];
        await register(body).expect(400);
      }
      expect(rcrm.server.seen.length).toBe(before);
    });

    it("makeCallUrl: RetailCRM's GET with phone=+79121234567 reaches the PBX as +79121234567; 200 back", async () => {
      const r = await rcrm.makeCall({ code: '100', phone: '+79121234567', userId: '1' });
      expect(r.status).toBe(200);
      const sent = pbx.acceptedAt('/calls/originate').at(-1)!;
      expect(pbx.server.seen.at(-1)!.body).toBe('{"extension":"100","number":"+79121234567","userId":"1"}');
      expect(sent.headers.authorization).toBe(`Bearer ${PBX_TOKEN}`);
      // With the store's external number (a shop's line) it is passed on.
      expect(
        (await rcrm.makeCall({ code: '200', phone: '+79121234567', userId: '2', externalPhone: '+74999999999' }))
          .status,
      ).toBe(200);
      expect(pbx.server.seen.at(-1)!.body).toBe(
        '{"extension":"200","number":"+79121234567","userId":"2","externalPhone":"+74999999999"}',
      );
    });

    it('makeCallUrl: a wrong clientId is 401 (PBX not asked); a refusing PBX or missing phone is not 200', async () => {
      const before = pbx.server.seen.length;
      expect(
        (await rcrm.makeCall({ code: '100', phone: '+79121234567', userId: '1' }, `${clientId.slice(0, -2)}zz`)).status,
      ).toBe(401);
      expect((await rcrm.makeCall({ code: '100', phone: '+79121234567', userId: '1' }, t.apiKey)).status).toBe(401);
      expect(pbx.server.seen.length).toBe(before);
      pbx.busy.add('300');
      expect((await rcrm.makeCall({ code: '300', phone: '+79121234567', userId: '3' })).status).toBe(502);
      expect((await rcrm.makeCall({ code: '100', phone: '', userId: '1' })).status).toBe(400);
    });

    it('changeUserStatusUrl: busy/dinner/break pause the extension, free frees it; unknown status is 400', async () => {
      for (const [status, paused] of [
        ['busy', true],
        ['dinner', true],
        ['break', true],
        ['free', false],
      ] as const) {
        expect((await rcrm.changeUserStatus({ code: '100', userId: '1', status })).status).toBe(200);
        expect(pbx.server.seen.at(-1)!.body).toBe(
          `{"extension":"100","status":"${status}","paused":${paused},"userId":"1"}`,
        );
      }
      const before = pbx.server.seen.length;
      expect((await rcrm.changeUserStatus({ code: '100', userId: '1', status: 'lunch' })).status).toBe(400);
      expect(
        (await rcrm.changeUserStatus({ code: '100', userId: '1', status: 'busy' }, 'not-the-client-id-0000')).status,
      ).toBe(401);
      expect(pbx.server.seen.length).toBe(before);
    });
  });

  describe('call events (call/event, form field event = JSON)', () => {
    const events = () => rawAt(rcrm, '/api/v5/telephony/call/event');
    const eventBody = (json: string) => new URLSearchParams([['event', json]]).toString();

    it('incoming ringing → in; end of call → hangup; a form field of compact JSON, the key in X-API-KEY', async () => {
      const call = {
        id: 'c-in-1',
        callerId: '+7-555-555-55-55',
        calledNumber: '+7-444-444-44-44',
        direction: 'in',
        agent: { extension: 100 },
      };
      const ids = [
        ...(await sendEvent(t, { id: 'rc-1', type: 'call.ringing', call })),
        ...(await sendEvent(t, { id: 'rc-2', type: 'call.ended', call: { ...call, disposition: 'answered' } })),
      ];
      for (const id of ids) expect((await finishedExecution(t, id)).status).toBe('succeeded');
      const json = (type: string) =>
        `{"phone":"+7-555-555-55-55","type":"${type}","codes":["100"],` +
        `"callExternalId":"c-in-1","externalPhone":"+7-444-444-44-44"}`;
      expect([...events()].sort()).toEqual([eventBody(json('hangup')), eventBody(json('in'))].sort());
      for (const r of rcrm.server.seen.filter((s) => s.url === '/api/v5/telephony/call/event')) {
        expect(r.headers['x-api-key']).toBe(API_KEY);
        expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      }
    });

    it('outgoing → out, phone = number dialled; no agent → codes []; unknown externalPhone left out', async () => {
      const [id] = await sendEvent(t, {
        id: 'rc-3',
        type: 'call.ringing',
        call: { id: 'c-out-1', callerId: '', calledNumber: '+79121234567', direction: 'outbound' },
      });
      expect((await finishedExecution(t, id!)).status).toBe('succeeded');
      expect(events().at(-1)).toBe(
        eventBody('{"phone":"+79121234567","type":"out","codes":[],"callExternalId":"c-out-1"}'),
      );
    });
  });

  describe('call history upload (calls/upload, form field calls = JSON, at most 50 per request)', () => {
    const uploads = () =>
      rawAt(rcrm, '/api/v5/telephony/calls/upload').map(
        (b) => JSON.parse(new URLSearchParams(b).get('calls')!) as ReturnType<typeof callRecord>[],
      );
    beforeEach(() => {
      rcrm.server.seen.length = 0;
      rcrm.accepted.length = 0;
    });

    it("after each call: a record, date in the account's time zone, empty fields out; recordUrl plays it", async () => {
      const call = {
        id: 'c-up-1',
        callerId: '+79161234567',
        calledNumber: '+74951112233',
        direction: 'in',
        disposition: 'answered',
        startedAt: '2026-11-21T07:00:05Z',
        durationSec: 42,
        recordingUrl: 'https://pbx.example/rec/c-up-1.mp3',
        agent: { extension: '100' },
      };
      const [id] = await sendEvent(t, { id: 'up-1', type: 'call.ended', call });
      expect((await finishedExecution(t, id!)).status).toBe('succeeded');
      const recordUrl = `${t.baseUrl}/api/v1/hooks/rcrm-record?call=c-up-1`;
      const json =
        `[{"date":"2026-11-21 10:00:05","type":"in","phone":"+79161234567","code":"100","result":"answered",` +
        `"duration":42,"externalId":"c-up-1","externalPhone":"+74951112233","recordUrl":"${recordUrl}"}]`;
      expect(rawAt(rcrm, '/api/v5/telephony/calls/upload')).toEqual([
        new URLSearchParams([['calls', json]]).toString(),
      ]);

      // RetailCRM plays it: GET recordUrl&clientId=… → the PBX's bytes with their content type.
      const played = await rcrm.playRecording(recordUrl);
      expect(played.status).toBe(200);
      expect(played.headers['content-type']).toBe('audio/mpeg');
      expect(played.body.equals(AUDIO)).toBe(true);
      expect(pbx.server.seen.at(-1)!.url).toBe('/recordings?call=c-up-1');
      expect((await rcrm.playRecording(`${t.baseUrl}/api/v1/hooks/rcrm-record?call=nope`)).status).toBe(404);
      expect((await rcrm.playRecording(recordUrl, 'someone-elses-client-id')).status).toBe(401);
      // A long call (12 MB, past the 5 MB of other responses) plays whole; a PBX failing is a 502, not "no such".
      const long = Buffer.alloc(12 * 1024 * 1024, 7);
      pbx.recordings.set('c-long', { contentType: 'audio/x-wav', bytes: long });
      const longPlayed = await rcrm.playRecording(`${t.baseUrl}/api/v1/hooks/rcrm-record?call=c-long`);
      expect([longPlayed.status, longPlayed.headers['content-type'], longPlayed.body.equals(long)]).toEqual([
        200,
        'audio/x-wav',
        true,
      ]);
      pbx.recordingsDown = true;
      try {
        expect((await rcrm.playRecording(recordUrl)).status).toBe(502);
      } finally {
        pbx.recordingsDown = false;
      }
    });

    it('an outgoing unanswered call, no agent or recording: result "no answer", no code or recordUrl', async () => {
      const call = {
        id: 'c-up-2',
        callerId: '+74951112233',
        calledNumber: '+79160000000',
        direction: 'out',
        disposition: 'no_answer',
        startedAt: '2026-11-21T23:59:59Z',
        durationSec: 0,
      };
      const [id] = await sendEvent(t, { id: 'up-2', type: 'call.ended', call });
      expect((await finishedExecution(t, id!)).status).toBe('succeeded');
      const json =
        '[{"date":"2026-11-22 02:59:59","type":"out","phone":"+79160000000","result":"no answer",' +
        '"duration":0,"externalId":"c-up-2","externalPhone":"+74951112233"}]';
      expect(rawAt(rcrm, '/api/v5/telephony/calls/upload')).toEqual([
        new URLSearchParams([['calls', json]]).toString(),
      ]);
    });

    it('a push of 260 calls → 6 requests of 50, 50, 50, 50, 50 and 10, in order, nothing lost', async () => {
      const list = calls(260);
      const r = await t
        .http()
        .post('/api/v1/hooks/rcrm-history')
        .set('x-api-key', t.apiKey)
        .send({ calls: list })
        .expect(200);
      expect(r.body).toEqual({ success: true, calls: 260, batches: 6 });
      expect(uploads().map((u) => u.length)).toEqual([50, 50, 50, 50, 50, 10]);
      expect(uploads().flat()).toEqual(list);
      expect(rawAt(rcrm, '/api/v5/telephony/calls/upload')[0]).toBe(
        new URLSearchParams([['calls', JSON.stringify(list.slice(0, 50))]]).toString(),
      );
    });

    it('empty fields a PBX pushes ("", null) are left out of the upload, as RetailCRM wants them', async () => {
      const list: Record<string, unknown>[] = [
        { ...callRecord(1), externalPhone: '', recordUrl: '', code: '' },
        { ...callRecord(2), externalPhone: null },
      ];
      await t.http().post('/api/v1/hooks/rcrm-history').set('x-api-key', t.apiKey).send({ calls: list }).expect(200);
      const { externalPhone: _e, recordUrl: _r, code: _c, ...first } = list[0]!;
      const { externalPhone: _n, ...second } = list[1]!;
      expect(uploads()).toEqual([[first, second]]);
      expect(rawAt(rcrm, '/api/v5/telephony/calls/upload')[0]).not.toContain('%22%22');
    });

    it('a push of 26,000 calls → 520 requests of 50, in order, in bounded time; a small execution record', async () => {
      const list = calls(26_000);
      const started = Date.now();
      const r = await t
        .http()
        .post('/api/v1/hooks/rcrm-history')
        .set('x-api-key', t.apiKey)
        .send({ calls: list })
        .expect(200);
      const ms = Date.now() - started;
      expect(r.body).toEqual({ success: true, calls: 26_000, batches: 520 });
      const got = uploads();
      expect(got).toHaveLength(520);
      expect(got.every((u) => u.length === 50)).toBe(true);
      expect(got.flat().map((c) => c.externalId)).toEqual(list.map((c) => c.externalId));
      expect(ms).toBeLessThan(25_000);
      const row = await finishedExecution(t, r.headers['x-execution-id'] as string);
      const [{ steps }] = await t.db.query(`SELECT steps FROM executions WHERE id = $1`, [row.id]);
      const parsed = typeof steps === 'string' ? JSON.parse(steps) : steps;
      expect(parsed.length).toBeLessThan(12);
      expect(parsed.find((s: { name: string }) => s.name === 'batches').output).toMatchObject({
        total: 26_000,
        chunks: 520,
        succeeded: 520,
        failed: 0,
        recordedChunks: [0, 1, 2],
        omittedSteps: 517,
      });
    }, 90_000);

    it('RetailCRM refusing a batch: others are uploaded, 502 says how many failed; an empty push is 400', async () => {
      const list = calls(130);
      (list[77] as Record<string, unknown>).type = 'sideways';
      const r = await t
        .http()
        .post('/api/v1/hooks/rcrm-history')
        .set('x-api-key', t.apiKey)
        .send({ calls: list })
        .expect(502);
      expect(r.body).toEqual({ success: false, error: expect.any(String), calls: 130, batches: 3, failedBatches: 1 });
      expect(uploads().map((u) => u.length)).toEqual([50, 50, 30]);
      expect(rcrm.acceptedAt('/api/v5/telephony/calls/upload').map((a) => a.body.length)).toEqual([50, 30]);
      expect(rcrm.violations).toEqual([expect.stringMatching(/calls\[27\]\.type must be in or out/)]);
      rcrm.violations.length = 0;
      await t.http().post('/api/v1/hooks/rcrm-history').set('x-api-key', t.apiKey).send({ calls: [] }).expect(400);
      await t.http().post('/api/v1/hooks/rcrm-history').set('x-api-key', t.apiKey).send({}).expect(400);
      expect(
        (
          await t
            .http()
            .post('/api/v1/hooks/rcrm-history')
            .set('x-api-key', t.apiKey)
            .send({ calls: { a: 1 } })
            .expect(400)
        ).body.error,
      ).toMatch(/items must be a list/);
    });
  });
});
