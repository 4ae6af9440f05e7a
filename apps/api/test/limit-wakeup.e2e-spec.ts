import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { FLOW_RUNS_QUEUE } from '../src/queue/flow-runs.queue';
import { notifySql } from '../src/queue/queue-signals';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * A worker held back by a flow's limit starts the next job within milliseconds of a release by
 * another process, not at its next poll (QUEUE_POLL_SECONDS 30 here): the release is notified
 * (LISTEN/NOTIFY), and a worker finishing a limited job hands its slot to the next job itself.
 */
describe('maxConcurrentRuns: a release wakes a worker held back by the limit', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let dataDir: string;
  let flowId = '';
  const workers: WorkerProcess[] = [];
  /** Arrival time (ms, performance.now) per event id. */
  const arrived = new Map<string, number>();
  /** Requests the mock holds until the test lets them go (event id → answer). */
  const held = new Map<string, () => void>();
  const holdIds = new Set<string>();

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-wakeup-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    mock = await LoopbackServer.start();
    mock.on('POST /one', async (req, res) => {
      const { event } = JSON.parse(req.body) as { event: string };
      arrived.set(event, performance.now());
      if (holdIds.has(event)) await new Promise<void>((r) => held.set(event, r));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const flow = await publishFlow(
      t,
      'one-at-a-time',
      chainFlow(
        { id: 't', type: 'trigger.campaign', name: 'start', config: { campaignIds: ['wake'], maxConcurrentRuns: 1 } },
        postNode(`${mock.base}/one`, '{"event":"{{event.id}}"}'),
      ),
    );
    flowId = flow.id;
    // Polls every 30 s: anything sooner is a wake-up.
    const env = { WORKER_CONCURRENCY: '4', QUEUE_POLL_SECONDS: '30' };
    workers.push(...(await Promise.all([startWorkerProcess(t, dataDir, env), startWorkerProcess(t, dataDir, env)])));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await killWorkerProcess(w);
    await t.close();
    await mock.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (id: string) =>
    t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send({ id, type: 'campaign.contact', campaign: { id: 'wake' }, contact: { phone: '+15550100' } })
      .expect(202);

  it('starts the next job on another process’s release, not at the poll', async () => {
    // Another process holds the flow's only slot (an active job of the flow, as a worker leaves it).
    const [holder] = await t.db.query(
      `INSERT INTO pgboss.job (name, data, state, started_on)
       VALUES ($1, $2::jsonb, 'active', now()) RETURNING id::text`,
      [FLOW_RUNS_QUEUE, JSON.stringify({ flowId, maxConcurrentRuns: 1, tenantId: 'other' })],
    );
    const id = `wake-${crypto.randomBytes(4).toString('hex')}`;
    // The commit is notified too: both workers fetch at once, and are held back by the limit.
    await post(id);
    await sleep(1_000);
    expect(arrived.has(id)).toBe(false);

    // The other process releases its slot as a worker does: the job leaves `active`, then the release is notified.
    const releasedAt = performance.now();
    await t.db.query(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = $1`, [holder.id]);
    await t.db.query(notifySql('released'));
    await waitFor(async () => (arrived.has(id) ? true : undefined), 10_000, 'the held-back job to start');
    const ms = arrived.get(id)! - releasedAt;
    process.stdout.write(`held back by the limit: started ${ms.toFixed(1)} ms after another process's release\n`);
    expect(ms).toBeLessThan(500);
  });

  it('hands a finished job’s slot to the next queued job in the same round trip', async () => {
    const first = `first-${crypto.randomBytes(4).toString('hex')}`;
    const second = `second-${crypto.randomBytes(4).toString('hex')}`;
    holdIds.add(first);
    await post(first);
    await waitFor(async () => (held.has(first) ? true : undefined), 10_000, 'the first run to reach the CRM');
    await post(second);
    await sleep(1_000);
    expect(arrived.has(second)).toBe(false);
    const answeredAt = performance.now();
    held.get(first)!();
    await waitFor(async () => (arrived.has(second) ? true : undefined), 10_000, 'the second run');
    const ms = arrived.get(second)! - answeredAt;
    process.stdout.write(`limit 1: the next run reached the CRM ${ms.toFixed(1)} ms after the previous answer\n`);
    expect(ms).toBeLessThan(500);
    const rows: { status: string }[] = await t.db.query(
      `SELECT status FROM executions WHERE event_id = ANY($1::text[]) ORDER BY event_id`,
      [[first, second]],
    );
    await waitFor(
      async () =>
        (
          await t.db.query(`SELECT 1 FROM executions WHERE event_id = ANY($1::text[]) AND status = 'succeeded'`, [
            [first, second],
          ])
        ).length === 2
          ? true
          : undefined,
      10_000,
      'both runs to succeed',
    );
    expect(rows).toHaveLength(2);
  });

  it('finished every run through the one-statement path (no fallback, no error logged)', () => {
    for (const w of workers) expect(w.output.join('')).not.toMatch(/failed|error/i);
  });
});
