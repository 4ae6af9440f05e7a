import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PoolClient } from 'pg';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { FLOW_RUNS_QUEUE } from '../src/queue/flow-runs.queue';
import { FETCH_LOCK_KEY } from '../src/queue/limited-fetch';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

const LIMIT = 3;
const HOLD_MS = 200;

/**
 * Standby jobs (queue/job-ownership.ts): a limited flow's next run starts the moment one of its runs
 * ends, not once the finishing statement that frees the slot has committed. Shown by blocking every
 * finishing statement and fetch (the test takes the queue's fetch lock exclusively): runs keep
 * reaching the CRM, never more than the limit at once, and every event is delivered exactly once.
 */
describe('maxConcurrentRuns: standby jobs keep a limited flow busy while the database is slow', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let dataDir: string;
  const workers: WorkerProcess[] = [];
  const deliveries = new Map<string, number>();
  /** CRM arrival times (ms, performance.now). */
  const arrivals: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-standby-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    mock = await LoopbackServer.start();
    mock.on('POST /crm', async (req, res) => {
      const { event } = JSON.parse(req.body) as { event: string };
      deliveries.set(event, (deliveries.get(event) ?? 0) + 1);
      arrivals.push(performance.now());
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(HOLD_MS);
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await publishFlow(
      t,
      'standby',
      chainFlow(
        {
          id: 't',
          type: 'trigger.campaign',
          name: 'start',
          config: { campaignIds: ['standby'], maxConcurrentRuns: LIMIT },
        },
        postNode(`${mock.base}/crm`, '{"event":"{{event.id}}"}'),
      ),
    );
    const env = { WORKER_CONCURRENCY: '10', QUEUE_POLL_SECONDS: '30' };
    workers.push(...(await Promise.all([startWorkerProcess(t, dataDir, env), startWorkerProcess(t, dataDir, env)])));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await killWorkerProcess(w);
    await t.close();
    await mock.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (ids: string[]) =>
    t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send(
        ids.map((id) => ({ id, type: 'campaign.contact', campaign: { id: 'standby' }, contact: { phone: '+1555' } })),
      )
      .expect(202);

  const standbyRows = async (): Promise<number> => {
    const [r] = await t.db.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND output->>'standby' IS NOT NULL`,
      [FLOW_RUNS_QUEUE],
    );
    return (r as { n: number }).n;
  };

  it('starts runs while every finishing statement waits, within the limit, each event once', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `standby-${i}-${crypto.randomBytes(3).toString('hex')}`);
    // The campaign's progress counts runs running; standby jobs are not, until they start.
    let maxRunning = 0;
    const sampler = setInterval(() => {
      void t.db
        .query(`SELECT running::int AS n FROM campaign_counters WHERE campaign_id = 'standby'`)
        .then((r: { n: number }[]) => (maxRunning = Math.max(maxRunning, r[0]?.n ?? 0)))
        .catch(() => undefined);
    }, 20);
    sampler.unref(); // should a wait below fail, it does not keep the test process alive
    await post(ids);
    // Running steadily: a few runs finished, so standby jobs were reserved by finishing statements.
    await waitFor(async () => (deliveries.size >= 3 * LIMIT ? true : undefined), 20_000, 'the first runs');
    await waitFor(async () => ((await standbyRows()) > 0 ? true : undefined), 10_000, 'standby jobs reserved');
    const pool = (t.db.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
    const blocker = await pool.connect();
    let during: number;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1)', [FETCH_LOCK_KEY]);
      // Jobs handed over by a statement that committed as the lock was taken start at once; runs
      // started later replace runs that ended (HOLD_MS each) while every statement waits.
      const from = performance.now() + 40;
      await sleep(1_500);
      during = arrivals.filter((a) => a >= from).length;
      await blocker.query('COMMIT');
    } finally {
      blocker.release();
    }
    process.stdout.write(`standby: ${during} runs reached the CRM while every finishing statement was held\n`);
    // Without standby jobs no run starts while finishing statements wait (their slots are not freed).
    expect(during).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (deliveries.size === ids.length ? true : undefined), 30_000, 'every delivery');
    clearInterval(sampler);
    expect(maxInFlight).toBeLessThanOrEqual(LIMIT);
    expect(maxRunning).toBeGreaterThan(0);
    expect(maxRunning).toBeLessThanOrEqual(LIMIT);
    expect([...deliveries.values()].filter((n) => n !== 1)).toEqual([]);
    await waitFor(
      async () => {
        const [c] = await t.db.query(
          `SELECT queued::int, running::int, succeeded::int FROM campaign_counters WHERE campaign_id = 'standby'`,
        );
        const r = c as { queued: number; running: number; succeeded: number } | undefined;
        return r && r.succeeded === ids.length && r.running === 0 && r.queued === 0 ? true : undefined;
      },
      10_000,
      'the campaign counters to settle',
    );
    // Once the backlog is gone, the standby jobs left over went back and ran: none is held.
    await waitFor(async () => ((await standbyRows()) === 0 ? true : undefined), 5_000, 'no standby job left');
  }, 90_000);

  it('a pause hands the standby jobs back at once: no run starts once it is answered', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `pause-${i}-${crypto.randomBytes(3).toString('hex')}`);
    await post(ids);
    await waitFor(async () => ((await standbyRows()) > 0 ? true : undefined), 20_000, 'standby jobs reserved');
    await t.as('post', '/api/v1/campaigns/standby/pause').expect(200);
    const answered = performance.now();
    await sleep(HOLD_MS * 3);
    // Runs in flight at the pause end; none starts after it (a signal's delivery takes milliseconds).
    expect(arrivals.filter((a) => a > answered + 50)).toEqual([]);
    expect(await standbyRows()).toBe(0);
    await t.as('post', '/api/v1/campaigns/standby/resume').expect(200);
    await waitFor(async () => (ids.every((id) => deliveries.has(id)) ? true : undefined), 30_000, 'every delivery');
    expect(ids.filter((id) => deliveries.get(id) !== 1)).toEqual([]);
    expect(maxInFlight).toBeLessThanOrEqual(LIMIT);
  }, 90_000);

  it('a worker that stops hands its standby jobs back; the other runs them, each once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `stop-${i}-${crypto.randomBytes(3).toString('hex')}`);
    await post(ids);
    await waitFor(async () => ((await standbyRows()) > 0 ? true : undefined), 20_000, 'standby jobs reserved');
    const [gone] = workers.splice(0, 1);
    gone!.child.kill('SIGTERM');
    await gone!.exited;
    await waitFor(async () => (ids.every((id) => deliveries.has(id)) ? true : undefined), 30_000, 'every delivery');
    expect(ids.filter((id) => deliveries.get(id) !== 1)).toEqual([]);
    expect(maxInFlight).toBeLessThanOrEqual(LIMIT);
    await waitFor(async () => ((await standbyRows()) === 0 ? true : undefined), 5_000, 'no standby job left');
    expect(gone!.output.join('')).not.toMatch(/error/i);
  }, 90_000);
});
