import { CrmFake } from './fakes/crm.fake';
import { createConnection, flowFromTemplate } from './fakes/template-flows';
import { TestApp } from './harness';

const ORIGIN = 'https://xuc.example.com';

/** The request body of the seed's example (seed 004, "Web Service API"). */
const RINGING = {
  user: { userId: 54, agentId: 29, firstName: 'James', lastName: 'Bond', fullName: 'James Bond', token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x' },
  callee: '1023',
  caller: '1013',
  userData: { XIVO_USERID: '54', SIPCALLID: 'fd32a3a3-9647-457e-be04-16d7d408f271', USR_XIVO_DSTNUM: '3001' },
  callDataCallId: '1724763376.29',
  queue: { id: 2, name: 'edition', displayName: 'Edition', number: '3001' },
};

/**
 * XiVO (seed 004): the CC Agent's browser POSTs the ringing call to THIRD_PARTY_URL (after a CORS
 * preflight) and opens what the JSON answer says. The test plays the browser; the CRM fake checks
 * the lookup it receives.
 */
describe('templates: XiVO third-party integration', () => {
  let t: TestApp;
  let crm: CrmFake;
  let url: string;
  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), CrmFake.start('xivo-crm-token')]);
    crm.contacts.set('1013', { id: 'c-1013', name: 'M. Moneypenny', url: 'https://crm.example.com/contacts/c-1013?from=xivo&call=1724763376.29' });
    const conn = await createConnection(t, { name: 'xivo crm', type: 'bearer', token: 'xivo-crm-token', fields: { baseUrl: crm.base } });
    await flowFromTemplate(t, 'xivo-agent-third-party', 'xivo-popup', { crm: conn });
    url = `/api/v1/hooks/xivo-popup?token=${t.apiKey}`;
  });
  afterAll(async () => {
    await Promise.all([t?.close(), crm?.close()]);
  });

  it("answers the browser's CORS preflight for the JSON POST (no key needed)", async () => {
    for (const path of [url, '/api/v1/hooks/xivo-popup']) {
      const r = await t.http().options(path).set('origin', ORIGIN).set('access-control-request-method', 'POST').set('access-control-request-headers', 'content-type').expect(204);
      expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(r.headers['access-control-allow-methods']).toMatch(/\bPOST\b/);
      expect(r.headers['access-control-allow-headers']).toMatch(/\bcontent-type\b/i);
    }
  });

  it('a known caller: {action:"open", event, url, autopause, title} from the CRM lookup', async () => {
    const r = await t.http().post(url).set('origin', ORIGIN).set('content-type', 'application/json').send(JSON.stringify(RINGING)).expect(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(r.body).toEqual({
      action: 'open',
      event: 'EventEstablished',
      url: 'https://crm.example.com/contacts/c-1013?from=xivo&call=1724763376.29',
      autopause: true,
      autopauseReason: 'crm',
      title: 'M. Moneypenny (Edition)',
    });
    expect(crm.violations).toEqual([]);
    const [lookup] = crm.acceptedAt('/contacts/lookup');
    expect(lookup!.query).toEqual({ phone: '1013', queue: 'edition', callId: '1724763376.29', agent: '29' });
    expect(lookup!.headers.authorization).toBe('Bearer xivo-crm-token');
  });

  it('an unknown caller, or a CRM failure: {action:"none"}', async () => {
    const unknown = await t.http().post(url).set('origin', ORIGIN).send({ ...RINGING, caller: '0033999' }).expect(200);
    expect(unknown.body).toEqual({ action: 'none' });
    crm.failLookups = true;
    const down = await t.http().post(url).set('origin', ORIGIN).send(RINGING).expect(200);
    expect(down.body).toEqual({ action: 'none' });
    crm.failLookups = false;
    expect(crm.violations).toEqual([]);
  });
});
