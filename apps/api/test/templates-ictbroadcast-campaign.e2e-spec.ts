import { IctCampaignRemoteFake } from './fakes/ictbroadcast-campaign.fake';
import { createConnection, flowFromTemplate, sendEvent } from './fakes/template-flows';
import { TestApp } from './harness';
import { finishedExecution } from './support/triggers';

/**
 * ICTBroadcast (seed 001): the integration add-on "può essere utilizzato nelle campagne": a
 * campaign pushes each contact's call result to the remote with call and contact tokens. The test
 * plays the dialer (campaign.contact events); the fake is the remote, checking the XML document,
 * the raw headers, the query and the auth.
 */
describe('templates: ICTBroadcast campaign', () => {
  let t: TestApp;
  let remote: IctCampaignRemoteFake;
  beforeAll(async () => {
    [t, remote] = await Promise.all([TestApp.start(), IctCampaignRemoteFake.start('ict-remote-token')]);
    const conn = await createConnection(t, {
      name: 'ict remote',
      type: 'bearer',
      token: 'ict-remote-token',
      fields: { baseUrl: remote.base },
    });
    await flowFromTemplate(t, 'ictbroadcast-campaign-push', 'ict-campaign', { remote: conn });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), remote?.close()]);
  });
  afterEach(() => {
    expect(remote.violations).toEqual([]);
  });

  const contactEvent = (n: number, contact: Record<string, unknown>, call: Record<string, unknown> = {}) => ({
    id: `ict-cc-${n}`,
    type: 'campaign.contact',
    at: `2026-11-21T10:0${n}:00Z`,
    campaign: { id: 'autunno-24', name: 'Autunno & Co' },
    contact: {
      id: `k-${n}`,
      phone: `+39061234560${n}`,
      firstName: 'Ada',
      lastName: 'Rossi',
      email: `ada${n}@example.it`,
      ...contact,
    },
    call: {
      id: `c-${n}`,
      status: 'completed',
      disposition: 'answered',
      startedAt: `2026-11-21T10:0${n}:05Z`,
      endedAt: `2026-11-21T10:0${n}:45Z`,
      durationSec: 40,
      ...call,
    },
  });

  it('one push per contact: the XML of campaign, contact and call tokens, escaped, exactly as sent', async () => {
    const ids = [
      ...(await sendEvent(t, contactEvent(1, { firstName: 'Ann "Nan"', lastName: "O'Brien & <Figli>" }))),
      ...(await sendEvent(
        t,
        contactEvent(2, {}, { disposition: 'no_answer', durationSec: 0, startedAt: '', endedAt: '' }),
      )),
    ];
    for (const id of ids) expect((await finishedExecution(t, id)).status).toBe('succeeded');
    const got = remote.acceptedAt('/campaign-results').sort((a, b) => a.raw.target.localeCompare(b.raw.target));
    expect(got.map((g) => g.raw.target)).toEqual([
      '/campaign-results?campaign_id=autunno-24&contact_id=k-1',
      '/campaign-results?campaign_id=autunno-24&contact_id=k-2',
    ]);
    expect(got[0]!.raw.body).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<campaignResult>',
        '  <campaign id="autunno-24">Autunno &amp; Co</campaign>',
        '  <contact id="k-1">',
        '    <phone>+390612345601</phone>',
        '    <firstName>Ann &quot;Nan&quot;</firstName>',
        '    <lastName>O&apos;Brien &amp; &lt;Figli&gt;</lastName>',
        '    <email>ada1@example.it</email>',
        '  </contact>',
        '  <call id="c-1">',
        '    <status>completed</status>',
        '    <disposition>answered</disposition>',
        '    <startedAt>2026-11-21T10:01:05Z</startedAt>',
        '    <endedAt>2026-11-21T10:01:45Z</endedAt>',
        '    <durationSec>40</durationSec>',
        '  </call>',
        '  <event id="ict-cc-1" at="2026-11-21T10:01:00Z"/>',
        '</campaignResult>',
      ].join('\n'),
    );
    expect(got[0]!.raw.headers.map(([n, v]) => `${n}: ${v}`)).toEqual([
      `host: ${remote.hostPort}`,
      'connection: keep-alive',
      'x-integration: ICTBroadcast',
      'x-campaign-id: autunno-24',
      'content-type: application/xml; charset=utf-8',
      'authorization: Bearer ict-remote-token',
      `content-length: ${Buffer.byteLength(got[0]!.raw.body)}`,
    ]);
    expect(remote.results.find((r) => r.contact.id === 'k-1')!.contact).toEqual({
      id: 'k-1',
      phone: '+390612345601',
      firstName: 'Ann "Nan"',
      lastName: "O'Brien & <Figli>",
      email: 'ada1@example.it',
    });
    expect(remote.results.find((r) => r.contact.id === 'k-2')!.call).toMatchObject({
      disposition: 'no_answer',
      durationSec: 0,
    });
  });

  it('a busy remote (503) gets the same push again; other events do not start the flow', async () => {
    remote.accepted.length = 0;
    remote.failNext = 1;
    const [id] = await sendEvent(t, contactEvent(3, {}));
    const run = await finishedExecution(t, id!);
    expect(run.status).toBe('succeeded');
    const pushes = remote.acceptedAt('/campaign-results');
    expect(pushes.map((p) => p.raw.body === pushes.at(-1)!.raw.body)).toEqual([true, true]);
    expect(remote.results.filter((r) => r.contact.id === 'k-3')).toHaveLength(1);
    expect(await sendEvent(t, { ...contactEvent(4, {}), type: 'call.ended' })).toEqual([]);
  });
});
