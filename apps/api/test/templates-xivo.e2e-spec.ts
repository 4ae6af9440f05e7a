import { CrmFake } from './fakes/crm.fake';
import { createConnection, flowFromTemplate } from './fakes/template-flows';
import { TestApp } from './harness';

const ORIGIN = 'https://xuc.example.com';

/** The request body of the seed's example (seed 004, "Web Service API"). */
const RINGING = {
  user: {
    userId: 54,
    agentId: 29,
    firstName: 'James',
    lastName: 'Bond',
    fullName: 'James Bond',
    token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x',
  },
  callee: '1023',
  caller: '1013',
  userData: { XIVO_USERID: '54', SIPCALLID: 'fd32a3a3-9647-457e-be04-16d7d408f271', USR_XIVO_DSTNUM: '3001' },
  callDataCallId: '1724763376.29',
  queue: { id: 2, name: 'edition', displayName: 'Edition', number: '3001' },
};

/** A comma list of a CORS header, lowercased. */
const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim().toLowerCase());

/**
 * XiVO (seed 004): the CC Agent's browser POSTs the ringing call to THIRD_PARTY_URL (after a CORS
 * preflight) and does what the JSON answer says (open, popup, run, none); THIRD_PARTY_LOGIN_URL
 * tells which XiVO a user logged in to. The test plays the browser and XiVO; the CRM fake checks
 * the lookups and logins it receives.
 */
describe('templates: XiVO third-party integration', () => {
  let t: TestApp;
  let crm: CrmFake;
  let url: string;
  let loginSecret: string;
  let flow: { id: string; definition: any };
  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), CrmFake.start('xivo-crm-token')]);
    crm.contacts.set('1013', {
      id: 'c-1013',
      name: 'M. Moneypenny',
      url: 'https://crm.example.com/contacts/c-1013?from=xivo&call=1724763376.29',
    });
    const conn = await createConnection(t, {
      name: 'xivo crm',
      type: 'bearer',
      token: 'xivo-crm-token',
      fields: { baseUrl: crm.base },
    });
    flow = await flowFromTemplate(t, 'xivo-agent-third-party', 'xivo-popup', { crm: conn });
    const login = await flowFromTemplate(t, 'xivo-login-url', 'xivo-login', { crm: conn });
    // The agent's browser sees these URLs: they carry each flow's own secret, not an API key.
    const secret = async (id: string) =>
      (await t.as('post', `/api/v1/flows/${id}/webhook-secret`).send({}).expect(201)).body.secret;
    url = `/api/v1/hooks/xivo-popup?secret=${await secret(flow.id)}`;
    loginSecret = await secret(login.id);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), crm?.close()]);
  });
  afterEach(() => {
    expect(crm.violations).toEqual([]);
  });

  it(
    'answers the preflight with at least POST, OPTIONS and Origin, X-Requested-With, Content-Type, Accept, ' +
      'whatever the browser asks',
    async () => {
      for (const path of [url, '/api/v1/hooks/xivo-popup']) {
        for (const asked of [
          undefined,
          'content-type',
          'X-Requested-With',
          'accept, origin, x-requested-with, content-type, x-custom',
        ]) {
          const req = t.http().options(path).set('origin', ORIGIN).set('access-control-request-method', 'POST');
          const r = await (asked ? req.set('access-control-request-headers', asked) : req).expect(204);
          expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
          expect(list(r.headers['access-control-allow-methods'])).toEqual(expect.arrayContaining(['post', 'options']));
          expect(list(r.headers['access-control-allow-headers'])).toEqual(
            expect.arrayContaining(['origin', 'x-requested-with', 'content-type', 'accept']),
          );
          if (asked?.includes('x-custom'))
            expect(list(r.headers['access-control-allow-headers'])).toContain('x-custom');
          expect(r.text).toBe('');
        }
      }
    },
  );

  it('a known caller: {action:"open", event, url, autopause, autopauseReason, title} from the CRM lookup', async () => {
    const r = await t
      .http()
      .post(url)
      .set('origin', ORIGIN)
      .set('x-requested-with', 'XMLHttpRequest')
      .set('content-type', 'application/json')
      .send(JSON.stringify(RINGING))
      .expect(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(r.text).toBe(
      '{"action": "open", "event": "EventEstablished", "url": ' +
        '"https://crm.example.com/contacts/c-1013?from=xivo&call=1724763376.29", ' +
        '"autopause": true, "autopauseReason": "crm", "title": "M. Moneypenny (Edition)"}',
    );
    const [lookup] = crm.acceptedAt('/contacts/lookup');
    expect(lookup!.raw.target).toBe('/contacts/lookup?phone=1013&queue=edition&callId=1724763376.29&agent=29');
    expect(lookup!.raw.headers.map(([n]) => n)).toEqual(['host', 'connection', 'authorization']);
  });

  it('an unknown caller, or a CRM failure: {action:"none"}', async () => {
    const unknown = await t
      .http()
      .post(url)
      .set('origin', ORIGIN)
      .send({ ...RINGING, caller: '0033999' })
      .expect(200);
    expect(unknown.text).toBe('{"action": "none"}');
    crm.failLookups = true;
    const down = await t.http().post(url).set('origin', ORIGIN).send(RINGING).expect(200);
    expect(down.body).toEqual({ action: 'none' });
    crm.failLookups = false;
  });

  /** Saves the flow with the settings node's values changed, and publishes it. */
  async function settings(values: Record<string, string>): Promise<void> {
    const current = await t.as('get', `/api/v1/flows/${flow.id}`).expect(200);
    const definition = current.body.definition;
    const node = definition.nodes.find((n: { id: string }) => n.id === 'settings');
    node.config.values = node.config.values.map((v: { name: string; value: string }) => ({
      ...v,
      value: values[v.name] ?? v.value,
    }));
    await t.as('put', `/api/v1/flows/${flow.id}`).send({ definition, revision: current.body.revision }).expect(200);
    await t.as('post', `/api/v1/flows/${flow.id}/publish`).send({}).expect(200);
  }

  it(
    "the other answers of the seed: popup (multitab, on ringing) and run (the desktop assistant's executable with " +
      'its arguments)',
    async () => {
      await settings({ action: 'popup', event: 'EventRinging', multitab: 'true', autopause: 'false' });
      const popup = await t.http().post(url).set('origin', ORIGIN).send(RINGING).expect(200);
      expect(popup.text).toBe(
        '{"action": "popup", "event": "EventRinging", "url": ' +
          '"https://crm.example.com/contacts/c-1013?from=xivo&call=1724763376.29", ' +
          '"multitab": true, "autopause": false, "autopauseReason": "crm", "title": "M. Moneypenny (Edition)"}',
      );
      await settings({
        action: 'run',
        event: 'EventReleased',
        executable: 'C:\\CRM\\crm.exe',
        autopause: 'true',
        autopauseReason: 'backoffice',
      });
      const run = await t.http().post(url).set('origin', ORIGIN).send(RINGING).expect(200);
      expect(run.text).toBe(
        '{"action": "run", "event": "EventReleased", "url": "C:\\\\CRM\\\\crm.exe", "executableArgs": ["c-1013", ' +
          '"1724763376.29"], ' +
          '"autopause": true, "autopauseReason": "backoffice", "title": "M. Moneypenny (Edition)"}',
      );
      expect(run.body.url).toBe('C:\\CRM\\crm.exe');
    },
  );

  it("THIRD_PARTY_LOGIN_URL: login and XiVOCC host reach the CRM, not the flow's secret or XiVO's token", async () => {
    // XiVO fills %{login}, %{xivocchost} (and %{token}, here under another name than our ?secret=).
    const login =
      `/api/v1/hooks/xivo-login?secret=${loginSecret}&login=jbond&xivoccHost=xivocc.example.com` +
      '&xivoToken=eyJhbGciOiJIUzI1NiJ9.e30.sig';
    const r = await t.http().get(login).set('origin', ORIGIN).expect(200);
    expect(r.body).toEqual({ ok: true });
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    const [got] = crm.acceptedAt('/xivo/logins');
    expect(got!.raw.body).toMatch(
      /^\{"login": "jbond", "xivoccHost": "xivocc\.example\.com", "loggedInAt": "\d{4}-\d\d-\d\dT[\d:.]+Z"\}$/,
    );
    expect(got!.raw.body).not.toContain('eyJ');
    expect(got!.raw.body).not.toContain(loginSecret);
    expect(crm.logins.map((l) => l.login)).toEqual(['jbond']);
    await t.http().get(`/api/v1/hooks/xivo-login?secret=${loginSecret}&login=jbond`).expect(400);
    // Another flow's secret, or none, opens nothing.
    await t.http().get(`/api/v1/hooks/xivo-login?login=jbond&xivoccHost=x`).expect(401);
    await t
      .http()
      .get(`${url.replace('xivo-popup', 'xivo-login')}&login=jbond&xivoccHost=x`)
      .expect(401);
    await t.http().post(login).send({}).expect(405);
  });
});
