/**
 * Campaign actions (issue 19 §1): retry-all is idempotent as events are (a request id, and at most
 * one retry per failed run), the routes need the permissions the runs list and the single retry
 * need, and a tenant never sees or acts on another tenant's campaign of the same id.
 */
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { signInWithRoles } from './flow-fixtures';
import { TestApp } from './harness';
import {
  CampaignCrm,
  contactEvents,
  countsInOneSnapshot,
  postEvents,
  publishCampaignFlow,
  tenantOf,
} from './support/campaigns';
import { chainFlow, postNode, sleep, waitFor } from './support/triggers';

type Counts = { queued: number; running: number; succeeded: number; failed: number; retried: number };

describe('campaign retry-all, permissions and tenants', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let crm: CampaignCrm;
  let tenant: string;

  beforeAll(async () => {
    t = await TestApp.start();
    mock = await LoopbackServer.start();
    crm = new CampaignCrm(mock);
    tenant = await tenantOf(t);
    await publishCampaignFlow(t, 'dialer', crm);
  });

  afterAll(async () => {
    await t?.close();
    await mock?.close();
  });

  const retry = (campaign: string, body: Record<string, unknown>, token = t.token) =>
    t.http().post(`/api/v1/campaigns/${campaign}/retry`).set('authorization', `Bearer ${token}`).send(body);
  const progress = async (campaign: string, token = t.token) =>
    (await t.http().get(`/api/v1/campaigns/${campaign}`).set('authorization', `Bearer ${token}`).expect(200))
      .body as Counts & { accepted: number; paused: boolean; failures: { code: string; count: number }[] };
  const settled = (campaign: string, want: Partial<Counts>, token = t.token) =>
    waitFor(
      async () => {
        const p = await progress(campaign, token);
        const done = p.queued + p.running === 0 && Object.entries(want).every(([k, v]) => p[k as keyof Counts] === v);
        return done ? p : undefined;
      },
      30_000,
      `${campaign} to reach ${JSON.stringify(want)}`,
    );
  const retryRuns = async (campaign: string) =>
    (
      await t.db.query(
        `SELECT count(*)::int AS n, count(DISTINCT retry_of)::int AS distinct_old FROM executions
         WHERE tenant_id = $1 AND campaign_id = $2 AND trigger_type = 'retry'`,
        [tenant, campaign],
      )
    )[0] as { n: number; distinct_old: number };

  it('retries each failed run once per request id: a repeat, concurrent or late, queues nothing again', async () => {
    crm.failing = true;
    await postEvents(
      t,
      t.apiKey,
      contactEvents('winter', 300, (i) => ['500', 'net', ''][i % 3]!),
    );
    await settled('winter', { succeeded: 100, failed: 200 });

    // The CRM still fails: the HTTP_STATUS runs are retried and fail again.
    const first = await retry('winter', { requestId: 'r-status', code: 'HTTP_STATUS' }).expect(202);
    expect(first.body).toEqual({ requestId: 'r-status', queued: 100, skipped: 0, repeated: false });
    await settled('winter', { retried: 100, failed: 200 });
    // The same request again (a resent click): it answers what it did and queues nothing, even
    // though its retries failed again; the same id with other filters is refused.
    const late = await retry('winter', { requestId: 'r-status', code: 'HTTP_STATUS' }).expect(202);
    expect(late.body).toEqual({ ...first.body, repeated: true });
    const reused = await retry('winter', { requestId: 'r-status' }).expect(409);
    expect(reused.body.details).toEqual({ code: 'CAMPAIGN_RETRY_REQUEST_REUSED' });
    await sleep(300);
    expect(await retryRuns('winter')).toEqual({ n: 100, distinct_old: 100 });

    // Fixed CRM; a double click: two identical requests at once.
    crm.failing = false;
    const both = await Promise.all([retry('winter', { requestId: 'r-all' }), retry('winter', { requestId: 'r-all' })]);
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    expect(both.map((r) => r.body.repeated).sort()).toEqual([false, true]);
    expect(both.map((r) => r.body.queued)).toEqual([200, 200]);
    const done = await settled('winter', { succeeded: 300, failed: 0, retried: 300 });
    expect(done.failures).toEqual([]);
    // A new action finds nothing left to retry.
    expect((await retry('winter', { requestId: 'r-new' }).expect(202)).body).toMatchObject({ queued: 0 });
    // One retry per failed run, never two: 100 + 200 retries, each of a different run.
    expect(await retryRuns('winter')).toEqual({ n: 300, distinct_old: 300 });
    const s = await countsInOneSnapshot(t, tenant);
    expect(s.counters).toEqual(s.counted);
    expect(s.counters.find((r) => r.campaign_id === 'winter')).toMatchObject({ accepted: 300, failed: 0 });
  }, 90_000);

  it('needs executions.read to read progress and flows.run to retry, pause or resume', async () => {
    const viewer = await signInWithRoles(t, ['Viewer']);
    await t.http().get('/api/v1/campaigns').set('authorization', `Bearer ${viewer.token}`).expect(200);
    await progress('winter', viewer.token);
    await retry('winter', { requestId: 'v' }, viewer.token).expect(403);
    for (const action of ['pause', 'resume'])
      await t
        .http()
        .post(`/api/v1/campaigns/winter/${action}`)
        .set('authorization', `Bearer ${viewer.token}`)
        .expect(403);
    const blind = await signInWithRoles(t, [], ['flows.read', 'flows.run']);
    await t.http().get('/api/v1/campaigns').set('authorization', `Bearer ${blind.token}`).expect(403);
    await t.http().get('/api/v1/campaigns/winter').set('authorization', `Bearer ${blind.token}`).expect(403);
    const pause = await t
      .http()
      .post('/api/v1/campaigns/winter/pause')
      .set('authorization', `Bearer ${blind.token}`)
      .expect(200);
    expect(pause.body).toMatchObject({ campaignId: 'winter', paused: true });
    await t.as('post', '/api/v1/campaigns/winter/resume').expect(200);
  });

  it("keeps tenants apart: another tenant's campaign of the same id is another campaign", async () => {
    const password = 'quiet harbour beacon 42';
    await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Tenant B', adminEmail: 'admin-b@test.local', adminPassword: password })
      .expect(201);
    const login = await t.http().post('/api/v1/auth/login').send({ email: 'admin-b@test.local', password }).expect(200);
    const b = login.body.accessToken as string;
    const asB = (method: 'get' | 'post', url: string) => t.http()[method](url).set('authorization', `Bearer ${b}`);
    const keyB = (
      await asB('post', '/api/v1/api-keys')
        .send({ name: 'b', scopes: ['triggers.invoke'] })
        .expect(201)
    ).body.key as string;
    const trigger = { id: 't', type: 'trigger.campaign', name: 'start', config: {} };
    const body = '{"campaign":"b-{{campaign.id}}","contact":"{{contact.id}}","fail":"{{contact.fail}}"}';
    const flow = await asB('post', '/api/v1/flows')
      .send({ name: 'b dialer', key: 'b-dialer', definition: chainFlow(trigger, postNode(crm.url, body)) })
      .expect(201);
    await asB('post', `/api/v1/flows/${flow.body.id}/publish`).send({}).expect(200);

    crm.failing = true;
    await postEvents(
      t,
      keyB,
      contactEvents('winter', 30, (i) => (i < 10 ? '500' : '')),
    );
    await postEvents(t, t.apiKey, contactEvents('a-only', 5));
    await settled('winter', { succeeded: 20, failed: 10 }, b);
    await settled('a-only', { succeeded: 5 });

    // Each sees its own 'winter' only.
    expect(await progress('winter', b)).toMatchObject({ accepted: 30, failed: 10, retried: 0 });
    expect(await progress('winter')).toMatchObject({ accepted: 300, failed: 0, retried: 300 });
    const listB = await asB('get', '/api/v1/campaigns').expect(200);
    expect(listB.body.items.map((c: { campaignId: string }) => c.campaignId)).toEqual(['winter']);
    expect(listB.body.flows.map((f: { flowId: string }) => f.flowId)).toEqual([flow.body.id]);
    // Nothing of A's is B's to see or act on.
    for (const [method, path] of [
      ['get', '/api/v1/campaigns/a-only'],
      ['post', '/api/v1/campaigns/a-only/pause'],
      ['post', '/api/v1/campaigns/a-only/resume'],
    ] as const)
      expect((await asB(method, path).expect(404)).body.details).toEqual({ code: 'CAMPAIGN_NOT_FOUND' });
    await asB('post', '/api/v1/campaigns/a-only/retry').send({ requestId: 'x' }).expect(404);

    // B pauses its 'winter': A's 'winter' goes on; B's new runs wait.
    await asB('post', '/api/v1/campaigns/winter/pause').expect(200);
    expect(await progress('winter')).toMatchObject({ paused: false });
    await postEvents(
      t,
      keyB,
      contactEvents('winter', 10, () => '', 100),
    );
    await postEvents(
      t,
      t.apiKey,
      contactEvents('winter', 10, () => '', 1000),
    );
    await settled('winter', { succeeded: 310 });
    expect(await progress('winter', b)).toMatchObject({ paused: true, queued: 10, succeeded: 20 });
    // B's retry-all retries B's failed runs only; A's retry with the same request id is A's own.
    crm.failing = false;
    expect((await retry('winter', { requestId: 'same-id' }, b).expect(202)).body.queued).toBe(10);
    expect((await retry('winter', { requestId: 'same-id' }).expect(202)).body).toMatchObject({ repeated: false });
    await asB('post', '/api/v1/campaigns/winter/resume').expect(200);
    await settled('winter', { succeeded: 40, failed: 0 }, b);
    expect(await progress('winter')).toMatchObject({ accepted: 310, retried: 300 });
  }, 90_000);
});
