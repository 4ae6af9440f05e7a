/**
 * `npm run test:chaos` (issue 7, part 2): the campaign run with one API process and two workers,
 * and while it delivers: SIGKILL a worker (restarted after a few seconds), stop PostgreSQL
 * (immediate shutdown, started again after a few seconds), SIGKILL the API process (restarted).
 * The posting client behaves like a dialer (resends a batch on a connection error or a 5xx).
 * Afterwards it checks the promises (every event delivered, none lost, duplicates explained,
 * every execution final) and exits non-zero when one is broken.
 *
 *   CHAOS_EVENTS          events (default 20000, batches of 1000)
 *   CHAOS_RATE            events/s the dialer posts at most (default 1000)
 *   CHAOS_BACKLOG         ... and it waits while more than this many accepted events are undelivered (2000):
 *                         the workers always have work, and the posting spans the kills (the gate is
 *                         lifted during the PostgreSQL outage and the API kill: the dialer keeps trying)
 *   CHAOS_WORKER_DOWN_S   seconds the killed worker stays down (3)
 *   CHAOS_PG_DOWN_S       seconds PostgreSQL stays down (5); CHAOS_PG_STOP immediate | fast (immediate)
 *   CHAOS_API_DOWN_S      seconds the API stays down (2)
 *   CHAOS_LIMIT           the flow's maxConcurrentRuns (default: the campaign benchmark's; 0 = none)
 *   CHAOS_WRITE_DOCS=1    also replace the "last run" block of docs/reliability.md
 * About 1–2 minutes at the default size. Data and logs in .data/bench-chaos (wiped each run).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CAMPAIGN_LIMIT, Cluster, campaignBatches, campaignFlow, sql } from './campaign-cluster';
import { postBatches, sleep, waitFor, waitFinal, type PostResult } from './campaign-lib';
import { analyse, type Disruption, type TryRecord } from './chaos-report';
import { ROOT } from './processes';
import type { NodeService } from './processes';
import type { ShutdownMode } from './pg-server';

const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const EVENTS = num('CHAOS_EVENTS', 20_000);
const RATE = num('CHAOS_RATE', 1000);
const BACKLOG = num('CHAOS_BACKLOG', 2000);
const WORKER_DOWN_S = num('CHAOS_WORKER_DOWN_S', 3);
const PG_DOWN_S = num('CHAOS_PG_DOWN_S', 5);
const API_DOWN_S = num('CHAOS_API_DOWN_S', 2);
const PG_STOP = (process.env.CHAOS_PG_STOP ?? 'immediate') as ShutdownMode;
const LIMIT = num('CHAOS_LIMIT', CAMPAIGN_LIMIT);
/**
 * A short lease, so a killed worker's jobs come back within seconds through the leases (the
 * expiry is left long on purpose: it is only the backstop).
 */
const QUEUE_ENV = {
  WORKER_CONCURRENCY: '50',
  QUEUE_LEASE_SECONDS: '3',
  QUEUE_EXPIRE_SECONDS: '60',
  RUN_DEADLINE_MS: '5000',
  EVENT_RETRY_DELAY_SECONDS: '1',
};
const DIR = path.join(ROOT, '.data/bench-chaos');

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

/** Restarts a crashed process the way a supervisor would, retrying while it cannot start. */
function supervise(c: Cluster, stopping: () => boolean): void {
  c.onUnexpectedExit = (s: NodeService) => {
    void (async () => {
      for (let i = 0; i < 30 && !stopping(); i++) {
        await sleep(1000);
        try {
          if (s.name === 'api') await c.startApi();
          else await c.restartWorker(c.workers.findIndex((w) => w.name === s.name));
          log(`supervisor: ${s.name} restarted`);
          return;
        } catch (err) {
          log(`supervisor: ${s.name} did not start again (${String(err).split('\n')[0]}); retrying`);
        }
      }
    })();
  };
}

/**
 * What the chaos schedule watches: events accepted so far, and the dialer's tries. While
 * `accepted < ungatedUntil` the backlog gate is lifted (the dialer keeps trying through an outage).
 */
interface Watch {
  accepted: number;
  tries: TryRecord[];
  ungatedUntil: number;
}

/**
 * Waits until `share` of the events are accepted and the mock has runs in flight (bounded), so the
 * kill lands while the dialer posts and the workers deliver.
 */
async function busyAt(c: Cluster, w: Watch, share: number, inflight = 5): Promise<void> {
  const posted = await waitFor(async () => (w.accepted >= share * EVENTS ? true : undefined), 180_000, 50);
  if (!posted) log(`${share * 100}% of the events not accepted in 180 s; going on`);
  await waitFor(async () => ((await c.crmStats()).inflight >= inflight ? true : undefined), 10_000, 10);
}

/** Waits (bounded) until, after `since`, the dialer got a 202 and the mock a delivery: recovered. */
async function recovered(c: Cluster, w: Watch, since: number): Promise<void> {
  await waitFor(
    async () => (w.tries.some((t) => !t.failure && t.at >= since) || w.accepted >= EVENTS ? true : undefined),
    60_000,
    100,
  );
  await waitFor(async () => ((await c.crmStats()).lastAt >= since ? true : undefined), 60_000, 100);
}

async function chaos(c: Cluster, w: Watch, disruptions: Disruption[]): Promise<void> {
  // Many deliveries in flight; the victim is the worker holding the most of them (jobs carry the
  // lease id of the worker that took them, and its lease row names the process).
  await busyAt(c, w, 0.15, LIMIT > 0 ? Math.ceil(LIMIT * 0.75) : 15);
  const holders = await sql<{ pid: number; n: number }>(
    c.pg.url,
    `SELECT w.pid, count(*)::int AS n FROM pgboss.job j JOIN queue_workers w ON w.id::text = j.output->>'worker'
     WHERE j.name = 'flow-runs' AND j.state = 'active' GROUP BY w.pid ORDER BY n DESC`,
  ).catch(() => []);
  const victimIndex = Math.max(
    0,
    c.workers.findIndex((x) => x.pid === holders[0]?.pid),
  );
  const victim = c.workers[victimIndex]!;
  log(`active jobs per worker process: ${JSON.stringify(holders)}`);
  let at = Date.now();
  await c.kill(victim, 'SIGKILL');
  log(`SIGKILL ${victim.name} (pid ${victim.pid})`);
  await sleep(WORKER_DOWN_S * 1000);
  await c.restartWorker(victimIndex);
  disruptions.push({ what: `SIGKILL ${victim.name}`, kind: 'worker', start: at, end: at, back: Date.now() });
  log(`${victim.name} restarted`);
  await recovered(c, w, Date.now());

  await busyAt(c, w, 0.4);
  // The dialer keeps posting through the outage (the backlog gate would hold it while nothing is
  // delivered), a few batches' worth: the rest is left for the API kill.
  w.ungatedUntil = w.accepted + 3000;
  at = Date.now();
  await c.pg.stop(PG_STOP);
  const down = Date.now();
  log(`PostgreSQL stopped (${PG_STOP} shutdown)`);
  await sleep(PG_DOWN_S * 1000);
  await c.pg.start();
  disruptions.push({
    what: `PostgreSQL ${PG_STOP} shutdown, restarted`,
    kind: 'postgres',
    start: at,
    end: Date.now(),
    back: Date.now(),
    stoppedAt: down,
  });
  log('PostgreSQL started again');
  await recovered(c, w, Date.now());
  w.ungatedUntil = 0;

  await busyAt(c, w, 0.7);
  w.ungatedUntil = Infinity;
  at = Date.now();
  await c.kill(c.api, 'SIGKILL');
  log('SIGKILL api');
  await sleep(API_DOWN_S * 1000);
  await c.startApi();
  disruptions.push({ what: 'SIGKILL api (ROLE=api)', kind: 'api', start: at, end: at, back: Date.now() });
  log('api restarted');
  w.ungatedUntil = 0;
  if (w.accepted >= EVENTS && !w.tries.some((t) => t.failure && t.at >= at))
    log('note: the posting had ended before the API was killed');
}

async function main(): Promise<number> {
  const prefix = `chaos-${Date.now().toString(36)}`;
  log(`${EVENTS} events at ${RATE}/s; API + 2 workers; data in ${path.relative(ROOT, DIR)}`);
  const c = await Cluster.start({ dir: DIR, workers: 2, env: QUEUE_ENV, log });
  let stopping = false;
  supervise(c, () => stopping);
  try {
    await c.publish('chaos-campaign', campaignFlow(c.crm.base, LIMIT));
    const w: Watch = { accepted: 0, tries: [], ungatedUntil: 0 };
    const { tries } = w;
    const disruptions: Disruption[] = [];
    const posting: Promise<PostResult> = postBatches(c.base, c.apiKey, campaignBatches(prefix, EVENTS, 1000), {
      ratePerSec: RATE,
      giveUpMs: 180_000,
      gate: async () => {
        await waitFor(
          async () =>
            w.accepted < w.ungatedUntil || w.accepted - (await c.crmStats()).distinct < BACKLOG ? true : undefined,
          300_000,
          50,
        );
      },
      onTry: (failure, accepted) => {
        tries.push({ at: Date.now(), failure });
        w.accepted = accepted;
      },
    });
    const [post] = await Promise.all([posting, chaos(c, w, disruptions)]);
    log(`posted: ${post.events} events, ${post.resends} resends ${JSON.stringify(post.failures)}`);
    const delivered = await waitFor(
      async () => ((await c.crmStats()).distinct >= EVENTS ? true : undefined),
      180_000,
      250,
    );
    log(delivered ? 'every event delivered' : 'NOT every event delivered within 180 s');
    const final = await waitFinal(c.pg.url, prefix, 120_000);
    log(`executions: ${JSON.stringify(final.states)}`);
    // Late duplicates (expired jobs retried) arrive a little after the last first delivery.
    await sleep(3000);
    const mock = (await (await fetch(`${c.crm.base}/report`)).json()) as {
      times: Record<string, number | number[]>;
      perSecond: Record<string, number>;
    };
    const { inflightMax } = await c.crmStats();
    stopping = true;
    const { markdown, broken } = await analyse({
      inflightMax,
      url: c.pg.url,
      prefix,
      events: EVENTS,
      rate: RATE,
      backlog: BACKLOG,
      limit: LIMIT,
      post,
      tries,
      disruptions,
      mock,
      final,
      crashes: c.unexpectedExits,
      t0,
      loadAvg: os.loadavg()[0],
      logDir: path.relative(ROOT, DIR),
    });
    fs.writeFileSync(path.join(DIR, 'report.md'), markdown);
    process.stdout.write(`${markdown}\n`);
    if (process.env.CHAOS_WRITE_DOCS === '1') writeDocs(markdown);
    log(broken.length ? `BROKEN PROMISES:\n- ${broken.join('\n- ')}` : 'every promise kept');
    return broken.length ? 1 : 0;
  } finally {
    stopping = true;
    await c.close();
  }
}

/** Replaces the marker-delimited "last run" block of docs/reliability.md. */
function writeDocs(markdown: string): void {
  const file = path.join(ROOT, 'docs/reliability.md');
  const [open, close] = ['<!-- chaos:last-run -->', '<!-- /chaos:last-run -->'];
  const doc = fs.readFileSync(file, 'utf8');
  const i = doc.indexOf(open);
  const j = doc.indexOf(close);
  if (i < 0 || j < i) {
    log(`docs/reliability.md has no ${open} block; not written`);
    return;
  }
  fs.writeFileSync(file, `${doc.slice(0, i + open.length)}\n${markdown.trim()}\n${doc.slice(j)}`);
  log('docs/reliability.md updated');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
