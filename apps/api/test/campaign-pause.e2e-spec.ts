/**
 * Pausing a campaign (issue 19 §1): no worker process claims its queued runs while it is paused
 * (the API process runs none here: ROLE=api; two worker processes do), other campaigns go on, the
 * pause outlives the worker processes (killed and replaced), and resume delivers the rest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import { CampaignCrm, contactEvents, postEvents, publishCampaignFlow } from './support/campaigns';
import { sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

describe('campaign pause: held by every worker process, across their restarts', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let crm: CampaignCrm;
  let dataDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    mock = await LoopbackServer.start();
    crm = new CampaignCrm(mock);
    crm.delayMs = 10;
    await publishCampaignFlow(t, 'dialer', crm);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-pause-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    workers.push(...(await Promise.all([startWorkerProcess(t, dataDir), startWorkerProcess(t, dataDir)])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => killWorkerProcess(w)));
    await t?.close();
    await mock?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const progress = async (campaign: string) =>
    (await t.as('get', `/api/v1/campaigns/${campaign}`).expect(200)).body as {
      paused: boolean;
      queued: number;
      running: number;
      succeeded: number;
    };
  const delivered = (campaign: string, n: number) =>
    waitFor(async () => (crm.deliveredOf(campaign) >= n ? true : undefined), 30_000, `${n} of ${campaign}`);

  it('claims none of its runs while paused, in any process, then delivers them all on resume', async () => {
    await postEvents(t, t.apiKey, contactEvents('held', 5));
    await delivered('held', 5);
    const paused = await t.as('post', '/api/v1/campaigns/held/pause').expect(200);
    expect(paused.body).toMatchObject({ campaignId: 'held', paused: true, pausedAt: expect.any(String) });
    // Pausing twice is the same pause.
    const again = await t.as('post', '/api/v1/campaigns/held/pause').expect(200);
    expect(again.body.pausedAt).toBe(paused.body.pausedAt);

    await postEvents(
      t,
      t.apiKey,
      contactEvents('held', 200, () => '', 5),
    );
    await postEvents(t, t.apiKey, contactEvents('other', 50));
    // The workers are at work (another campaign is delivered), and poll a few more times.
    await delivered('other', 50);
    await sleep(1500);
    expect(crm.deliveredOf('held')).toBe(5);
    expect(await progress('held')).toMatchObject({ paused: true, queued: 200, running: 0, succeeded: 5 });

    // Both worker processes die; a new one starts: the pause is in the database, not in a process.
    await Promise.all(workers.splice(0).map((w) => killWorkerProcess(w)));
    workers.push(await startWorkerProcess(t, dataDir));
    await postEvents(
      t,
      t.apiKey,
      contactEvents('other', 20, () => '', 50),
    );
    await delivered('other', 70);
    await sleep(1500);
    expect(crm.deliveredOf('held')).toBe(5);
    expect(await progress('held')).toMatchObject({ paused: true, queued: 200, running: 0 });

    const resumed = await t.as('post', '/api/v1/campaigns/held/resume').expect(200);
    expect(resumed.body).toEqual({ campaignId: 'held', paused: false, pausedAt: null });
    await delivered('held', 205);
    await waitFor(
      async () => ((await progress('held')).succeeded === 205 ? true : undefined),
      10_000,
      'the counts to show 205 delivered',
    );
    expect(await progress('held')).toMatchObject({ paused: false, queued: 0, running: 0 });
    // Each contact once, the 5 before the pause included.
    expect([...crm.deliveries].filter(([k, n]) => k.startsWith('held|') && n !== 1)).toEqual([]);
    const audit = await t.as('get', '/api/v1/audit?limit=10').expect(200);
    const actions = audit.body.items.map((e: { action: string; targetId: string }) => `${e.action} ${e.targetId}`);
    expect(actions).toEqual(expect.arrayContaining(['campaign.paused held', 'campaign.resumed held']));
  }, 120_000);
});
