import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { LoopbackServer, type SeenRequest } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

const EVENTS = 24;
const LIMIT = 3;
const HOLD_MS = 1000;
/** Expiry far beyond the test: only the lease can free the killed worker's slots in time. */
const QUEUE_ENV = { QUEUE_EXPIRE_SECONDS: '120', QUEUE_LEASE_SECONDS: '3' };

/**
 * A CRM endpoint holding each request HOLD_MS; a request whose connection is cut (its worker was killed) stops counting
 * at once.
 */
class Crm {
  inFlight = 0;
  maxInFlight = 0;
  lastFullAt = 0;
  readonly deliveries = new Map<string, number>();

  readonly handle = async (req: SeenRequest, res: ServerResponse) => {
    const { event } = JSON.parse(req.body) as { event: string };
    this.deliveries.set(event, (this.deliveries.get(event) ?? 0) + 1);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    if (this.inFlight === LIMIT) this.lastFullAt = Date.now();
    let open = true;
    const done = () => {
      if (open) this.inFlight--;
      open = false;
    };
    res.once('close', done);
    await sleep(HOLD_MS);
    done();
    if (!res.destroyed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }
  };
}

describe('worker lease: a SIGKILLed worker holding a limited flow’s slots', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let dataDir: string;
  const workers: WorkerProcess[] = [];
  const crm = new Crm();

  beforeAll(async () => {
    // This process only accepts events: the two worker processes do all the running.
    t = await TestApp.start({ ...QUEUE_ENV, ROLE: 'api' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-lease-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    mock = await LoopbackServer.start();
    mock.on('POST /crm', crm.handle);
    await publishFlow(
      t,
      'campaign',
      chainFlow(
        { id: 't', type: 'trigger.campaign', name: 'start', config: { maxConcurrentRuns: LIMIT } },
        postNode(`${mock.base}/crm`, '{"event":"{{event.id}}"}'),
      ),
    );
    const env = { ...QUEUE_ENV, WORKER_CONCURRENCY: String(LIMIT), QUEUE_POLL_SECONDS: '0.5', LOG_LEVEL: 'warn' };
    workers.push(...(await Promise.all([startWorkerProcess(t, dataDir, env), startWorkerProcess(t, dataDir, env)])));
  }, 30_000);
  afterAll(async () => {
    for (const w of workers) await killWorkerProcess(w);
    await t.close();
    await mock.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the survivor takes the slots back within the lease, not the expiry; no event lost, the limit held', async () => {
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      id: `lease-${i}`,
      type: 'campaign.contact',
      campaign: { id: 'c' },
      contact: { phone: '+15550100' },
    }));
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events).expect(202);
    await waitFor(
      async () => (crm.inFlight === LIMIT && crm.deliveries.size > LIMIT ? true : undefined),
      15_000,
      'the flow to run at its limit',
    );

    // The worker holding most of the flow's slots (all of them, usually).
    const holders: { pid: number; n: number }[] = await t.db.query(
      `SELECT w.pid, count(*)::int AS n FROM pgboss.job j JOIN queue_workers w ` +
        `ON w.id::text = j.output->>'worker' WHERE j.state = 'active' GROUP BY 1 ORDER BY 2 DESC`,
    );
    const victim = workers.find((w) => w.child.pid === holders[0]!.pid)!;
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim).toBeDefined();
    const killedAt = Date.now();
    await killWorkerProcess(victim);
    // Its requests are cut with it: the flow runs below its limit until the slots come back.
    await waitFor(
      async () => (crm.inFlight < LIMIT ? true : undefined),
      2_000,
      'the killed worker’s requests to be cut',
    );

    await waitFor(
      async () => (crm.lastFullAt > killedAt ? true : undefined),
      10_000,
      'the flow to be back at its limit',
    );
    const resumedAfterMs = crm.lastFullAt - killedAt;
    expect(resumedAfterMs).toBeLessThan(10_000);

    await waitFor(
      async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM executions WHERE event_id LIKE 'lease-%' AND status = 'succeeded'`,
        );
        return n === EVENTS ? true : undefined;
      },
      20_000,
      `all ${EVENTS} executions to succeed`,
    );
    const statuses = await t.db.query(
      `SELECT status, count(*)::int AS n FROM executions WHERE event_id LIKE 'lease-%' GROUP BY status`,
    );
    expect(statuses).toEqual([{ status: 'succeeded', n: EVENTS }]);
    expect(events.filter((e) => !crm.deliveries.has(e.id))).toEqual([]);
    const duplicates = [...crm.deliveries.values()].reduce((a, n) => a + n - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(holders[0]!.n);
    expect(crm.maxInFlight).toBeLessThanOrEqual(LIMIT);
    // Reclaimed by the survivor, logged once per reclaim, and the dead lease dropped.
    const log = survivor.output.join('');
    expect(log).toContain('reclaimed the runs of dead workers');
    const [{ n: leases }] = await t.db.query(`SELECT count(*)::int AS n FROM queue_workers`);
    expect(leases).toBe(1);
    process.stdout.write(
      `lease reclaim: the flow was back at its limit ${resumedAfterMs} ms after the SIGKILL ` +
        `(QUEUE_EXPIRE_SECONDS 120, lease 3 s); ` +
        `${duplicates} duplicate deliveries of ${holders[0]!.n} runs in flight\n`,
    );
  }, 40_000);
});
