/**
 * Live campaign progress (issue 19 §1): the counters stay exactly what COUNT(*) says while events are
 * delivered concurrently by two worker processes, and GET /campaigns[/:id] serve them as JSON and
 * as server-sent events that follow the delivery.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import {
  CampaignCrm,
  contactEvents,
  countsInOneSnapshot,
  openStream,
  postEvents,
  publishCampaignFlow,
  tenantOf,
  type CounterRow,
} from './support/campaigns';
import { sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

type Progress = { campaignId: string; queued: number; running: number; succeeded: number; failed: number } & Record<
  string,
  unknown
>;

describe('campaign progress: counters and live streams', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let crm: CampaignCrm;
  let tenant: string;
  let dataDir: string;
  let worker: WorkerProcess;
  const flows: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    mock = await LoopbackServer.start();
    crm = new CampaignCrm(mock);
    tenant = await tenantOf(t);
    flows.dialer = (await publishCampaignFlow(t, 'dialer', crm)).id;
    flows.spring = (await publishCampaignFlow(t, 'spring-only', crm, { campaignIds: ['spring'] })).id;
    // SMS results of the 'live' campaign, 10 at a time: a delivery that lasts a few seconds.
    const live = { campaignIds: ['live'], events: ['sms.sent'], maxConcurrentRuns: 10 };
    flows.live = (await publishCampaignFlow(t, 'live-sms', crm, live)).id;
    // A second process runs queued runs too: claims and finishes race across processes.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-campaign-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    worker = await startWorkerProcess(t, dataDir);
  }, 60_000);

  afterAll(async () => {
    if (worker) await killWorkerProcess(worker);
    await t?.close();
    await mock?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (rows: CounterRow[], campaign: string, flow: string) =>
    rows.find((r) => r.campaign_id === campaign && r.flow_id === flows[flow]);

  it('keeps every count equal to COUNT(*) at every reading while two processes deliver concurrently', async () => {
    crm.delayMs = 3;
    const spring = contactEvents('spring', 1500, (i) => (i % 10 === 3 ? '500' : i % 10 === 7 ? 'net' : ''));
    const autumn = contactEvents('autumn', 500, (i) => (i % 25 === 0 ? '500' : ''));
    // Events without a campaign count under '' (per flow only).
    const none = contactEvents('none', 100).map(({ campaign: _, ...e }) => e);
    // A dialer resends a batch it got no answer for: no run twice, no count twice.
    const resent = spring.slice(0, 250);
    const posting = Promise.all([
      postEvents(t, t.apiKey, spring),
      postEvents(t, t.apiKey, [...autumn, ...none], 200, 2),
      postEvents(t, t.apiKey, resent),
    ]);
    let readings = 0;
    let inFlight = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const s = await countsInOneSnapshot(t, tenant);
      expect(s.counters).toEqual(s.counted);
      expect(s.failures).toEqual(s.failuresCounted);
      readings++;
      const open = s.counters.reduce((n, r) => n + r.queued + r.running, 0);
      if (open > 0) inFlight++;
      const done = s.counters.reduce((n, r) => n + r.succeeded + r.failed, 0);
      if (open === 0 && done === 1500 * 2 + 500 + 100) break;
      if (Date.now() > deadline) throw new Error(`not delivered in time: ${JSON.stringify(s.counters)}`);
      await sleep(100);
    }
    await posting;
    expect(inFlight).toBeGreaterThanOrEqual(3);
    process.stdout.write(`campaign counters: ${readings} readings equal to COUNT(*), ${inFlight} mid-delivery\n`);

    const { counters } = await countsInOneSnapshot(t, tenant);
    const springCounts = { accepted: 1500, retried: 0, queued: 0, running: 0, succeeded: 1200, failed: 300 };
    expect(row(counters, 'spring', 'dialer')).toMatchObject(springCounts);
    expect(row(counters, 'spring', 'spring')).toMatchObject(springCounts);
    expect(row(counters, 'autumn', 'dialer')).toMatchObject({ accepted: 500, succeeded: 480, failed: 20 });
    expect(row(counters, 'autumn', 'spring')).toBeUndefined();
    expect(row(counters, '', 'dialer')).toMatchObject({ accepted: 100, succeeded: 100, failed: 0 });
    // Every contact reached the CRM exactly once per flow.
    expect(crm.deliveredOf('spring')).toBe(1500);
    expect([...crm.deliveries.values()].every((n) => n <= 2)).toBe(true);
  }, 120_000);

  it('answers a campaign with its flows and failures grouped by error code, each with an example run', async () => {
    const r = await t.as('get', '/api/v1/campaigns/spring').expect(200);
    expect(r.body).toMatchObject({
      campaignId: 'spring',
      paused: false,
      accepted: 3000,
      succeeded: 2400,
      failed: 600,
      queued: 0,
      running: 0,
    });
    expect(r.body.flows.map((f: { flowKey: string }) => f.flowKey).sort()).toEqual(['dialer', 'spring-only']);
    const groups = r.body.failures as {
      flowId: string;
      code: string;
      count: number;
      example: { executionId: string };
    }[];
    expect(groups.map((g) => [g.code, g.count]).sort()).toEqual([
      ['HTTP_NETWORK', 150],
      ['HTTP_NETWORK', 150],
      ['HTTP_STATUS', 150],
      ['HTTP_STATUS', 150],
    ]);
    for (const g of groups) {
      const run = await t.as('get', `/api/v1/executions/${g.example.executionId}`).expect(200);
      expect(run.body).toMatchObject({ status: 'failed', flowId: g.flowId, error: { code: g.code } });
    }
    const list = await t.as('get', '/api/v1/campaigns').expect(200);
    expect(list.body.items.map((c: Progress) => c.campaignId).sort()).toEqual(['autumn', 'spring']);
    const dialer = list.body.flows.find((f: { flowId: string }) => f.flowId === flows.dialer);
    expect(dialer).toMatchObject({ accepted: 2100, succeeded: 1780, failed: 320 });
    await t.as('get', '/api/v1/campaigns/no-such-campaign').expect(404);
    const missing = await t.as('get', '/api/v1/campaigns/no-such-campaign').expect(404);
    expect(missing.body.details).toEqual({ code: 'CAMPAIGN_NOT_FOUND' });
  });

  it('streams a campaign as server-sent events that follow its delivery', async () => {
    const unknown = openStream(t, '/api/v1/campaigns/live');
    await unknown.ready;
    expect(unknown.status).toBe(404);
    unknown.close();

    crm.delayMs = 40;
    const sms = (n: number, from: number) =>
      contactEvents('live', n, () => '', from).map((e) => ({ ...e, type: 'sms.sent' }));
    await postEvents(t, t.apiKey, sms(1, 0));
    const stream = openStream(t, '/api/v1/campaigns/live');
    const list = openStream(t, '/api/v1/campaigns');
    await Promise.all([stream.ready, list.ready]);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await postEvents(t, t.apiKey, sms(600, 1), 100, 1);
    const last = () => stream.events[stream.events.length - 1]?.data as Progress | undefined;
    await waitFor(async () => (last()?.succeeded === 601 ? true : undefined), 60_000, 'the stream to show all');
    const seen = stream.events.map((e) => e.data as Progress & { ratePerSecond: number | null });
    expect(stream.events.every((e) => e.event === 'progress')).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.succeeded).toBeGreaterThanOrEqual(seen[i - 1]!.succeeded);
    expect(stream.events.map((e) => Number(e.id))).toEqual(seen.map((_, i) => i + 1));
    // While runs were left, the server said how fast they went and when they would be done.
    expect(seen.some((p) => p.queued + p.running > 0 && (p.ratePerSecond ?? 0) > 0 && p.estimatedEndAt)).toBe(true);
    expect(last()).toMatchObject({ queued: 0, running: 0, estimatedEndAt: null });
    // The list stream got the campaign too, as it appeared.
    // (Its own refresh may come a moment after the campaign's.)
    const lists = () => list.events.map((e) => e.data as { items: Progress[] });
    const listed = () => lists().some((l) => l.items.some((c) => c.campaignId === 'live' && c.succeeded === 601));
    await waitFor(async () => (listed() ? true : undefined), 10_000, 'the list stream to show all');
    expect(list.events.every((e) => e.event === 'campaigns')).toBe(true);
    stream.close();
    list.close();
  }, 90_000);
});
