import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';

const ROOT = path.resolve(__dirname, '../../..');
const EVENTS = 200;
/** Short expiry so jobs of the killed worker come back quickly (maintenance then runs every second). */
const QUEUE_ENV = { QUEUE_EXPIRE_SECONDS: '4', EVENT_RETRY_DELAY_SECONDS: '1', RUN_DEADLINE_MS: '3000' };

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

/** Starts apps/api/test/support/worker-main.ts as a separate process on the test database. */
async function startWorker(t: TestApp, dataDir: string): Promise<Worker> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/test/support/worker-main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...QUEUE_ENV,
      DATABASE_URL: t.databaseUrl,
      ROLE: 'worker',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      OUTBOUND_ALLOW: '127.0.0.1',
      WORKER_CONCURRENCY: '4',
      QUEUE_POLL_SECONDS: '0.5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output.push(d.toString());
      if (output.join('').includes('worker ready')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.join('')}`)));
  });
  await ready;
  return { child, output, exited };
}

describe('queue workers: a worker killed mid-flight', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let dataDir: string;
  const workers: Worker[] = [];
  const deliveries = new Map<string, number>();
  const delivered = () => [...deliveries.values()].reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    // This process only accepts events (ROLE=api): the worker processes do all the running.
    t = await TestApp.start({ ...QUEUE_ENV, ROLE: 'api' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-worker-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    mock = await LoopbackServer.start();
    mock.on('POST /slow', async (req, res) => {
      const { event } = JSON.parse(req.body) as { event: string };
      deliveries.set(event, (deliveries.get(event) ?? 0) + 1);
      await sleep(40);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await publishFlow(
      t,
      'crash',
      chainFlow(
        { id: 't', type: 'trigger.end_of_call', name: 'start', config: {} },
        postNode(`${mock.base}/slow`, '{"event":"{{event.id}}"}'),
      ),
    );
  });
  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
    await t.close();
    await mock.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no event: every run is delivered at least once and ends succeeded', async () => {
    const first = await startWorker(t, dataDir);
    workers.push(first);
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      id: `crash-${i}`,
      type: 'call.ended',
      call: { id: `call-${i}` },
    }));
    const accepted = await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events).expect(202);
    expect(accepted.body.accepted.every((a: { executionIds: string[] }) => a.executionIds.length === 1)).toBe(true);

    await waitFor(async () => (delivered() >= 50 ? true : undefined), 20_000, 'the first worker to be mid-flight');
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = delivered();
    expect(atKill).toBeLessThan(EVENTS);

    const second = await startWorker(t, dataDir);
    workers.push(second);
    await waitFor(
      async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM executions WHERE event_id LIKE 'crash-%' AND status = 'succeeded'`,
        );
        return n === EVENTS ? n : undefined;
      },
      40_000,
      `all ${EVENTS} executions to succeed`,
    );

    const statuses = await t.db.query(
      `SELECT status, count(*)::int AS n FROM executions WHERE event_id LIKE 'crash-%' GROUP BY status`,
    );
    expect(statuses).toEqual([{ status: 'succeeded', n: EVENTS }]);
    const missing = events.filter((e) => !deliveries.has(e.id));
    expect(missing).toEqual([]);
    const duplicates = [...deliveries.values()].reduce((a, n) => a + n - 1, 0);
    process.stdout.write(
      `worker crash: ${atKill} deliveries before SIGKILL, ${delivered()} in all, ` +
        `${duplicates} duplicate deliveries (runs in flight at the kill)\n`,
    );
    // Only runs in flight at the kill may repeat (WORKER_CONCURRENCY = 4).
    expect(duplicates).toBeLessThanOrEqual(4);

    // SIGTERM: Nest's shutdown hooks close the app (queue stopped, writes flushed), then re-raise the signal.
    const stopping = Date.now();
    second.child.kill('SIGTERM');
    await second.exited;
    expect(second.child.signalCode ?? second.child.exitCode).toBe('SIGTERM');
    expect(Date.now() - stopping).toBeLessThan(5_000);
  }, 60_000);
});
