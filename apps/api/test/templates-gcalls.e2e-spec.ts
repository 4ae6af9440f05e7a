import { createHash } from 'node:crypto';
import { GcallsFake } from './fakes/gcalls.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const CALLCENTER = 'cc-042';

/**
 * Gcalls (seed 000): the Integrator's Auth endpoint (a token_endpoint connection) feeds GetData and
 * PostData at end of call (saveLogCRM), and the SMS note on sms.sent (createSMSNote).
 */
describe('templates: Gcalls', () => {
  let t: TestApp;
  let gcalls: GcallsFake;
  let conn: string;
  beforeAll(async () => {
    [t, gcalls] = await Promise.all([TestApp.start(), GcallsFake.start({ username: 'integrator', password: 'gc-pass', callcenterId: CALLCENTER })]);
    gcalls.contacts.set('+84901234567', { id: 'ct-1', name: 'Nguyen Van A' });
    conn = await createConnection(t, {
      name: 'gcalls integrator',
      type: 'token_endpoint',
      // Gcalls' Host has no scheme ("app.gcalls.co"); `scheme` is http only for this loopback fake.
      fields: { host: gcalls.hostPort, callcenterId: CALLCENTER, scheme: 'http' },
      request: { method: 'POST', url: 'http://{{{connection.host}}}/api/auth', body: { type: 'json', template: '{"username": "integrator", "password": "{{secrets.password}}"}' } },
      tokenPath: 'access_token',
      expiresInPath: 'expires_in',
      apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
      secrets: { password: 'gc-pass' },
    });
    await flowFromTemplate(t, 'gcalls-call-log', 'gcalls-log', { gcalls: conn });
    await flowFromTemplate(t, 'gcalls-sms-note', 'gcalls-sms', { gcalls: conn });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), gcalls?.close()]);
  });

  const call = (id: string, callerId: string) => ({
    id, callerId, calledNumber: '1900123', direction: 'in', status: 'completed', disposition: 'answered',
    startedAt: '2026-11-21T09:00:00Z', endedAt: '2026-11-21T09:02:00Z', durationSec: 120, recordingUrl: 'https://rec.example/1.mp3', agent: { extension: '105' },
  });

  it('end of call: Auth → GetData (bearer + MD5 header) → PostData of the call log with the contact found', async () => {
    const [executionId] = await sendEvent(t, { id: 'gc-1', type: 'call.ended', call: call('call-1', '+84901234567') });
    const run = await finishedExecution(t, executionId!);
    expect(gcalls.violations).toEqual([]);
    expect(run.status).toBe('succeeded');
    expect(gcalls.accepted.map((a) => `${a.method} ${a.path}`)).toEqual(['POST /api/auth', 'GET /api/contacts', 'POST /api/calllogs']);
    const [, getData, postData] = gcalls.accepted;
    expect(getData!.query).toEqual({ phone: '+84901234567', callcenterId: CALLCENTER });
    expect(getData!.headers['x-signature']).toBe(md5(`${CALLCENTER}+84901234567`));
    expect(postData!.headers.authorization).toBe('Bearer gc-access-1');
    expect(postData!.body).toEqual({
      callcenterId: CALLCENTER, callId: 'call-1', phone: '+84901234567', calledNumber: '1900123', direction: 'in', status: 'answered',
      startedAt: '2026-11-21T09:00:00Z', endedAt: '2026-11-21T09:02:00Z', durationSec: 120, recordingUrl: 'https://rec.example/1.mp3', agentExtension: '105', contactId: 'ct-1',
    });
  });

  it('an unknown caller (GetData 404) still saves the log, with contactId null; the token is reused', async () => {
    gcalls.accepted.length = 0;
    const [executionId] = await sendEvent(t, { id: 'gc-2', type: 'call.ended', call: call('call-2', '+84909999999') });
    expect((await finishedExecution(t, executionId!)).status).toBe('succeeded');
    expect(gcalls.violations).toEqual([]);
    expect(gcalls.accepted.map((a) => `${a.method} ${a.path}`)).toEqual(['GET /api/contacts', 'POST /api/calllogs']);
    expect(gcalls.accepted[1]!.body).toMatchObject({ callId: 'call-2', phone: '+84909999999', contactId: null });
    expect(gcalls.issued).toBe(1);
  });

  it('sms.sent → the SMS note with the bearer token and MD5 header', async () => {
    gcalls.accepted.length = 0;
    const [executionId] = await sendEvent(t, {
      id: 'gc-sms-1', type: 'sms.sent', at: '2026-11-21T11:00:00Z',
      contact: { id: 'ct-1', phone: '+84901234567', custom: { sms: { text: 'Xin chào — "your order" ships today', from: 'SHOP' } } },
    });
    expect((await finishedExecution(t, executionId!)).status).toBe('succeeded');
    expect(gcalls.violations).toEqual([]);
    const [note] = gcalls.acceptedAt('/api/sms-notes');
    expect(note!.headers.authorization).toBe('Bearer gc-access-1');
    expect(note!.headers['x-signature']).toBe(md5(`${CALLCENTER}+84901234567`));
    expect(note!.body).toEqual({
      callcenterId: CALLCENTER, eventId: 'gc-sms-1', sentAt: '2026-11-21T11:00:00Z', contactId: 'ct-1', phone: '+84901234567', from: 'SHOP',
      content: 'Xin chào — "your order" ships today',
    });
  });
});
