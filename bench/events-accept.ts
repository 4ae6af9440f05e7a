/**
 * Acceptance of `POST /api/v1/events` by one API process (ROLE=api, no workers: what one process
 * takes in, durably, before the 202), beside a baseline in the same run: BENCH_EVENTS_AB=<another
 * checkout, built> runs that checkout's build as a second process set (its own PostgreSQL), fed the
 * same batches in interleaved rounds. Per configuration: accepted events/s, the batch answer's
 * p50/p99/max, the longest event-loop block of the API process (prom-client's
 * nodejs_eventloop_lag_max_seconds, reset by each scrape) and the latency of a request needing no
 * database sent every 2 ms meanwhile (what an IVR call on the same process waits behind a batch).
 */
import os from 'node:os';
import path from 'node:path';
import { BENCH_METRICS_TOKEN } from './api-context';
import { Cluster } from './campaign-cluster';
import { eventsFlow } from './events.bench';
import { fmt } from './lib';
import { ROOT } from './processes';

/** Measured once by hand (issue 20 goal 3), not by this run: what the rows above compare. */
const WHERE_THE_TIME_GOES = [
  'Where the time of a batch of 1000 goes (CPU profile of the ROLE=api process and pg_stat_statements over 20 ' +
    "batches, one client, this shared host under load, 2026-12-06). Before: ~65 ms of the API process's CPU per " +
    'batch (class-transformer + class-validator per event ~21 ms; the pg driver building array literals, every run ' +
    "input escaped as a jsonb[] element for the executions rows, ~12 ms, then serialised again in pg-boss's JSON " +
    'of the jobs, and writing it all ~13 ms; body parsing ~3.5 ms; the answer ~3.4 ms) and ~80-110 ms of ' +
    "PostgreSQL in three statements: pg-boss's job insert ~40-60 ms (json_to_recordset, ON CONFLICT DO " +
    'NOTHING: a speculative insertion into every unique index), the executions rows ~19-26 ms, ' +
    'the idempotency claim ~18-25 ms, foreign-key checks included; the commit ~0.',
  'After: ~25 ms of API CPU per batch: plainly valid events are checked by hand (class-validator only words the ' +
    'problems of the others, so a batch with invalid events answers as before), and ONE statement ' +
    '(triggers/event-enqueue.ts) takes one JSON document of the runs, sent once: it claims the (flow, event id) ' +
    'pairs, writes the queued executions rows and the jobs (their data built in SQL, a plain INSERT with the ' +
    "values pg-boss's own insert gives: tested column for column) and wakes the workers. PostgreSQL then spends " +
    '~50-100 ms per batch, mostly writing: ~2.4 MB of WAL per 1000 events (jobs 1.2 MB, executions 0.9 MB, ' +
    'claims 0.4 MB), 13 index entries and 3 foreign-key checks per event. With one client the API process is ' +
    "idle ~85 % of the time, waiting for PostgreSQL; two clients overlap its work with the database's.",
  "Event loop: the body's JSON.parse (~2 ms for 1000 events, in body-parser) and the checks run in one go; " +
    'building the runs and serialising them follow in chunks of 250 with a turn of the loop between (before: ' +
    'class-validator held the loop for ~20 ms of CPU per batch, several times that on a loaded host).',
];

interface Config {
  batch: number;
  clients: number;
}

interface Sample {
  perSec: number;
  batchMs: number[];
  loopMaxMs: number;
  pingMs: number[];
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The event-loop maximum since the last scrape, ms (NaN without /metrics). */
async function loopMaxMs(base: string): Promise<number> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('nodejs_eventloop_lag_max_seconds'));
  return line ? Number(line.split(' ').pop()) * 1000 : NaN;
}

function eventBatches(prefix: string, count: number, batch: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i += batch)
    out.push(
      JSON.stringify(
        Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
          id: `${prefix}-${i + j}`,
          type: 'call.ended',
          call: {
            id: `call-${i + j}`,
            callerId: `+3906${String(i + j).padStart(7, '0')}`,
            direction: 'in',
            disposition: 'answered',
            durationSec: 42,
          },
        })),
      ),
    );
  return out;
}

/** Posts `events` in batches from `clients` loops; pings the process meanwhile. */
async function phase(c: Cluster, cfg: Config, events: number, prefix: string): Promise<Sample> {
  const bodies = eventBatches(prefix, events, cfg.batch);
  await loopMaxMs(c.base); // resets the maximum
  const batchMs: number[] = [];
  const pingMs: number[] = [];
  let done = false;
  const pinger = (async () => {
    while (!done) {
      const t = performance.now();
      // 401 from the metrics route: the HTTP stack and a guard, no database.
      await fetch(`${c.base}/metrics`, { headers: { authorization: 'Bearer wrong' } }).then((r) => r.arrayBuffer());
      pingMs.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: cfg.clients }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const b0 = performance.now();
        const res = await fetch(`${c.base}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': c.apiKey },
          body,
        });
        const text = await res.text();
        if (res.status !== 202) throw new Error(`POST /events answered ${res.status} ${text.slice(0, 300)}`);
        batchMs.push(performance.now() - b0);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await pinger;
  return { perSec: events / seconds, batchMs, loopMaxMs: await loopMaxMs(c.base), pingMs };
}

/** Returns the markdown of the acceptance part of the events section. */
export async function benchEventsAccept(o: {
  events: number;
  rounds: number;
  baseline?: string;
  log(m: string): void;
}): Promise<string> {
  const load0 = os.loadavg()[0];
  const configs: Config[] = [
    { batch: 1000, clients: 1 },
    { batch: 1000, clients: 2 },
    { batch: 500, clients: 1 },
  ];
  const variants: { name: string; c: Cluster; samples: Map<Config, Sample[]> }[] = [];
  try {
    for (const [name, root] of o.baseline
      ? [['before', o.baseline] as const, ['after', undefined] as const]
      : [['this build', undefined] as const]) {
      const c = await Cluster.start({
        dir: path.join(ROOT, `.data/bench-events-${name.replace(' ', '-')}`),
        workers: 0,
        root,
        log: o.log,
      });
      variants.push({ name, c, samples: new Map(configs.map((k) => [k, []])) });
      await c.publish('bench-events', eventsFlow(c.crm.base));
      // Unmeasured: compiles the flow, warms the JIT and PostgreSQL's caches.
      await phase(c, configs[0]!, Math.min(o.events, 5000), 'warmup');
    }
    for (let r = 0; r < o.rounds; r++)
      for (const cfg of configs)
        for (const v of r % 2 ? [...variants].reverse() : variants) {
          const s = await phase(v.c, cfg, o.events, `r${r}-b${cfg.batch}-c${cfg.clients}`);
          v.samples.get(cfg)!.push(s);
          o.log(
            `events: ${v.name}, batches of ${cfg.batch}, ${cfg.clients} client(s): ${fmt(s.perSec)}/s, ` +
              `batch p50 ${fmt(
                pct(
                  [...s.batchMs].sort((a, b) => a - b),
                  50,
                ),
              )} ms, loop max ${fmt(s.loopMaxMs, 1)} ms`,
          );
        }
  } finally {
    for (const v of variants) await v.c.close();
  }
  const rows = configs.flatMap((cfg) =>
    variants.map((v) => {
      const ss = v.samples.get(cfg)!;
      const batch = ss.flatMap((s) => s.batchMs).sort((a, b) => a - b);
      const ping = ss.flatMap((s) => s.pingMs).sort((a, b) => a - b);
      return (
        `| ${v.name} | ${cfg.batch} | ${cfg.clients} | ${fmt(median(ss.map((s) => s.perSec)))} | ` +
        `${fmt(pct(batch, 50))} | ${fmt(pct(batch, 99))} | ${fmt(batch.at(-1)!)} | ` +
        `${fmt(Math.max(...ss.map((s) => s.loopMaxMs)), 1)} | ${fmt(pct(ping, 99), 1)} | ${fmt(ping.at(-1)!, 1)} |`
      );
    }),
  );
  return [
    `### Acceptance by one API process${o.baseline ? ', before and after in the same run' : ''}`,
    '',
    `${fmt(o.events)} \`call.ended\` events per row and round, ${o.rounds} interleaved rounds, posted to a ROLE=api ` +
      'process with no workers (the jobs stay queued: this is what one process takes in; each 202 after the ' +
      'commit), its own PostgreSQL' +
      (o.baseline ? `; "before" runs the build of ${o.baseline}, "after" this one, side by side.` : '.'),
    'Accepted/s is the median round; batch percentiles and the pings pool every round. Loop max: the longest ' +
      'event-loop delay of the API process over the row (nodejs_eventloop_lag_max_seconds). Ping: a request that ' +
      'needs no database (a refused /metrics scrape) sent every 2 ms meanwhile, what an IVR call would wait.',
    `1-minute load average at the start: ${load0.toFixed(2)}, at the end: ${os.loadavg()[0].toFixed(2)}.`,
    '',
    '| build | batch | clients | accepted/s | batch p50 ms | batch p99 ms | batch max ms | loop max ms ' +
      '| ping p99 ms | ping max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...WHERE_THE_TIME_GOES,
  ].join('\n');
}
