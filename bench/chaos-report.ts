/**
 * The verdict of the chaos test: checks its promises against the mock CRM's receive times, the
 * dialer's answers and the database, explains each duplicate delivery by a kill, and writes the
 * figures as markdown.
 */
import type { UnexpectedExit } from './campaign-cluster';
import { sql } from './campaign-cluster';
import type { PostResult } from './campaign-lib';
import { fmt } from './lib';

/** One kill or outage: from `start` (signal sent) to `end` (PostgreSQL back), `back` = the process is ready again. */
export interface Disruption {
  what: string;
  kind: 'worker' | 'postgres' | 'api';
  start: number;
  end: number;
  back: number;
  stoppedAt?: number;
}

/** One try of the dialer: `failure` undefined for a 202. */
export interface TryRecord {
  at: number;
  failure: string | undefined;
}

export interface ChaosInput {
  url: string;
  prefix: string;
  events: number;
  rate: number;
  backlog: number;
  /** The flow's maxConcurrentRuns (0: none), and the most deliveries the mock had in flight at once. */
  limit: number;
  inflightMax: number;
  post: PostResult;
  tries: TryRecord[];
  disruptions: Disruption[];
  mock: { times: Record<string, number | number[]>; perSecond: Record<string, number> };
  final: { states: Record<string, number>; final: boolean; at: number };
  crashes: UnexpectedExit[];
  t0: number;
  loadAvg: number;
  logDir: string;
}

/** A run delivered shortly before a kill (its job not yet completed) counts as in flight at that kill. */
const IN_FLIGHT_SLACK_MS = 2000;

interface Dup {
  id: string;
  times: number[];
  retryCount: number | undefined;
  by: Disruption | undefined;
}

/** Checks the promises; returns the markdown report and the list of broken promises. */
export async function analyse(x: ChaosInput): Promise<{ markdown: string; broken: string[] }> {
  const s = (t: number) => fmt((t - x.t0) / 1000, 1);
  const posted = [...Array(x.events).keys()].map((n) => `${x.prefix}-${n}`);
  const missing = posted.filter((id) => x.mock.times[id] === undefined);
  const deliveries = Object.values(x.mock.times).reduce<number>((n, t) => n + (Array.isArray(t) ? t.length : 1), 0);

  // Each duplicate: its job's retries, and the kill it was in flight at.
  const dupEntries = Object.entries(x.mock.times).filter((e): e is [string, number[]] => Array.isArray(e[1]));
  const jobIds = dupEntries.map(([id]) => x.post.executionIds.get(id)).filter((v): v is string => !!v);
  const jobs = jobIds.length
    ? await sql<{ id: string; retry_count: number }>(
        x.url,
        `SELECT id::text, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[]) UNION ALL ` +
          `SELECT id::text, retry_count FROM pgboss.archive WHERE id = ANY($1::uuid[])`,
        [jobIds],
      )
    : [];
  const retries = new Map(jobs.map((j) => [j.id, j.retry_count]));
  const dups: Dup[] = dupEntries.map(([id, times]) => {
    const retryCount = retries.get(x.post.executionIds.get(id) ?? '');
    const first = Math.min(...times);
    const by = x.disruptions.find((d) => d.kind !== 'api' && first >= d.start - IN_FLIGHT_SLACK_MS && first <= d.end);
    return { id, times, retryCount, by: by && (retryCount ?? 0) >= 1 ? by : undefined };
  });
  const unexplained = dups.filter((d) => !d.by);

  const [rows] = await sql<{ rows: number; events: number }>(
    x.url,
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events FROM executions WHERE event_id LIKE $1`,
    [`${x.prefix}-%`],
  );
  const notSucceeded = await sql<{ status: string; code: string | null; n: number }>(
    x.url,
    `SELECT status, error->>'code' AS code, count(*)::int AS n FROM executions ` +
      `WHERE event_id LIKE $1 AND status <> 'succeeded' GROUP BY 1, 2 ORDER BY 3 DESC`,
    [`${x.prefix}-%`],
  );
  const pending = (x.final.states.queued ?? 0) + (x.final.states.running ?? 0);
  const http500 = x.tries.filter((t) => t.failure === 'HTTP 500').length;

  const checks: [boolean, string][] = [
    [
      x.post.executionIds.size === x.events,
      `every event accepted (202 with its execution id): ${fmt(x.post.executionIds.size)} / ${fmt(x.events)}`,
    ],
    [
      missing.length === 0,
      `every event delivered at least once: ${fmt(x.events - missing.length)} / ` +
        `${fmt(x.events)}${missing.length ? ` (missing e.g. ${missing.slice(0, 5).join(', ')})` : ''}`,
    ],
    [
      rows!.rows === rows!.events && rows!.events === x.events,
      `one execution per event (resent batches did not run again): ` +
        `${fmt(rows!.rows)} executions for ${fmt(rows!.events)} events`,
    ],
    [
      unexplained.length === 0,
      `every duplicate delivery explained by a kill it was in flight at (job retried): ` +
        `${fmt(dups.length - unexplained.length)} / ${fmt(dups.length)}${
          unexplained.length
            ? ` (unexplained e.g. ${unexplained
                .slice(0, 3)
                .map((d) => `${d.id} at ${d.times.map(s).join('/')} s, retries ${d.retryCount ?? '?'}`)
                .join('; ')})`
            : ''
        }`,
    ],
    [
      x.final.final && pending === 0,
      `every execution in a final state: ${Object.entries(x.final.states)
        .map(([k, n]) => `${fmt(n)} ${k}`)
        .join(', ')}`,
    ],
    [
      x.crashes.length === 0,
      `no process exited on its own: ` +
        `${x.crashes.length ? x.crashes.map((c) => `${c.name} (${c.how}) at ${s(c.at)} s`).join(', ') : 'none'}`,
    ],
    [
      x.limit === 0 || x.inflightMax <= x.limit,
      `the flow's limit held through the kills: at most ${x.inflightMax} ` +
        `deliveries in flight at once (limit ${x.limit > 0 ? x.limit : 'none'})`,
    ],
    [http500 === 0, `POST /events never answered 500 (a database outage should read 503): ${http500} answers 500`],
    await countersCheck(x.url),
  ];
  const broken = checks.filter(([ok]) => !ok).map(([, what]) => what);

  const all = Object.values(x.mock.times)
    .flatMap((t) => (Array.isArray(t) ? t : [t]))
    .sort((a, b) => a - b);
  const disruptionRows = x.disruptions.map((d, i) => {
    // Up to the next disruption (or 30 s after this one is back): what follows is this one's doing.
    const windowEnd = Math.min(d.back + 30_000, x.disruptions[i + 1]?.start ?? Infinity);
    let pause = 0;
    let prev = d.start;
    for (const t of all) {
      if (t < d.start) continue;
      if (t > windowEnd) break;
      pause = Math.max(pause, t - prev);
      prev = t;
    }
    const firstAfter = all.find((t) => t >= d.back);
    const failed = x.tries.filter((t) => t.failure && t.at >= d.start && t.at <= windowEnd);
    const kinds = Object.entries(
      failed.reduce<Record<string, number>>((m, t) => ((m[t.failure!] = (m[t.failure!] ?? 0) + 1), m), {}),
    );
    const firstOk = x.tries.find((t) => !t.failure && t.at >= d.start);
    const mine = dups.filter((u) => u.by === d);
    const redone = mine.length ? Math.max(...mine.map((u) => Math.max(...u.times))) : undefined;
    return (
      `| ${s(d.start)} | ${d.what} | ${fmt((d.back - d.start) / 1000, 1)} | ` +
      `${kinds.length ? kinds.map(([k, n]) => `${n} × ${k}`).join(', ') : 'none'} | ` +
      `${firstOk ? fmt((firstOk.at - d.start) / 1000, 1) : '–'} | ${fmt(pause / 1000, 1)} | ` +
      `${firstAfter ? fmt((firstAfter - d.back) / 1000, 2) : '–'} | ` +
      `${mine.length} | ${redone ? fmt((redone - d.start) / 1000, 1) : '–'} |`
    );
  });
  const lastDelivery = all[all.length - 1] ?? x.t0;
  const markdown = [
    `Run of ${new Date(x.t0).toISOString().slice(0, 16).replace('T', ' ')} UTC: ` +
      `${fmt(x.events)} campaign.contact events (ids \`${x.prefix}-*\`) for one flow (trigger.campaign, ` +
      `maxConcurrentRuns ${x.limit > 0 ? x.limit : 'none'} → http POST to the mock CRM), ` +
      `posted in batches of 1000 by a dialer-like client (at most ${fmt(x.rate)} events/s, ` +
      `and only while fewer than ${fmt(x.backlog)} accepted events wait for delivery, ` +
      `except during the PostgreSQL outage and the API kill; on a connection error or a 5xx it waits 250 ms ` +
      `doubling to 2 s and resends the same batch); one API process (ROLE=api), two worker processes ` +
      `(WORKER_CONCURRENCY=50, QUEUE_LEASE_SECONDS=3, QUEUE_EXPIRE_SECONDS=60, RUN_DEADLINE_MS=5000, ` +
      `EVENT_RETRY_DELAY_SECONDS=1); mock CRM answering in 10 ms. ` +
      `1-minute load average at the start: ${fmt(x.loadAvg, 2)}. Logs: \`${x.logDir}/*.log\`.`,
    '',
    `Times in seconds from the start of the run; ` +
      `"back" = the process ready again (health 200, or its workers started).`,
    '',
    '| at s | disruption | down s | dialer tries failed (until the next ' +
      'disruption) | first 202 after it s | longest delivery pause s | first delivery ' +
      'after back s | duplicates it explains | in-flight runs redone within s |',
    '|---:|---|---:|---|---:|---:|---:|---:|---:|',
    ...disruptionRows,
    '',
    `- posting: ${fmt(x.post.events)} events in ${fmt((x.post.endedAt - x.post.startedAt) / 1000, 1)} s, ` +
      `${fmt(x.post.resends)} batch resends (${
        Object.entries(x.post.failures)
          .map(([k, n]) => `${n} × ${k}`)
          .join(', ') || 'no failed tries'
      });`,
    `- deliveries: ${fmt(deliveries)} for ${fmt(x.events - missing.length)} distinct events, ` +
      `**${fmt(dups.length)} duplicates** (${fmt(deliveries - (x.events - missing.length))} extra deliveries); ` +
      `last first-delivery ${s(lastDelivery)} s, executions all final at ${s(x.final.at)} s;`,
    `- executions not succeeded: ${
      notSucceeded.length
        ? notSucceeded.map((r) => `${fmt(r.n)} ${r.status}${r.code ? ` (${r.code})` : ''}`).join(', ')
        : 'none'
    }.`,
    '',
    ...checks.map(([ok, what]) => `- ${ok ? '✓' : '✗ **broken**:'} ${what}`),
  ].join('\n');
  return { markdown, broken };
}

/** Campaign counters (issue 19) against COUNT(*) of the executions, once everything is final. */
async function countersCheck(url: string): Promise<[boolean, string]> {
  const counters = await sql<Record<string, unknown>>(
    url,
    `SELECT campaign_id, flow_id::text, accepted::int, retried::int, queued::int, running::int, succeeded::int,
       failed::int FROM campaign_counters ORDER BY 1, 2`,
  );
  const counted = await sql<Record<string, unknown>>(
    url,
    `SELECT campaign_id, flow_id::text, (count(*) FILTER (WHERE trigger_type = 'event'))::int AS accepted,
       (count(*) FILTER (WHERE trigger_type = 'retry'))::int AS retried,
       (count(*) FILTER (WHERE status = 'queued' AND retried_by IS NULL))::int AS queued,
       (count(*) FILTER (WHERE status = 'running' AND retried_by IS NULL))::int AS running,
       (count(*) FILTER (WHERE status = 'succeeded' AND retried_by IS NULL))::int AS succeeded,
       (count(*) FILTER (WHERE status IN ('failed', 'timeout') AND retried_by IS NULL))::int AS failed
     FROM executions WHERE campaign_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const same = JSON.stringify(counters) === JSON.stringify(counted);
  const what = (rows: Record<string, unknown>[]) =>
    rows.map((r) => `${String(r.campaign_id)}: ${fmt(Number(r.accepted))} accepted, ${fmt(Number(r.succeeded))} ok`);
  return [
    same,
    `campaign counters equal COUNT(*) of the executions after the kills: ${what(counters).join('; ') || 'none'}` +
      (same ? '' : ` (counted: ${what(counted).join('; ')})`),
  ];
}
