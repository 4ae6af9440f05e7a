/**
 * IVR end to end: autocannon → `POST /api/v1/ivr/<key>` on the real API (own process, PostgreSQL,
 * API key check, execution rows, metrics, JSON logs) → flow trigger.ivr → http POST to the mock
 * CRM (own process) → respond. Beside it, same run, same CRM: a minimal raw Node http server doing
 * the same three steps by hand (bench/raw-ivr-server.js).
 */
import os from 'node:os';
import path from 'node:path';
import { chain, startApiContext, type ApiContext } from './api-context';
import { cpuMeter, nodeProcesses, postgresPids } from './cpu';
import { fmt, httpLoad, type LoadResult } from './lib';
import { ROOT, startScript } from './processes';

/** Issue 20, goal 4: at least 60 % of raw, p99 within 5 ms of raw (one process, 10 and 50 connections). */
export const IVR_TARGETS = { minRatio: 0.6, maxExtraP99Ms: 5 };

export function ivrFlow(crmBase: string) {
  return chain([
    { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 3000, fallback: { queue: 'default' } } },
    {
      id: 'h',
      type: 'http',
      name: 'lookup',
      config: {
        method: 'POST',
        url: `${crmBase}/crm/lookup`,
        body: { type: 'json', template: '{"phone":"{{call.callerId}}","callId":"{{call.id}}"}' },
      },
    },
    {
      id: 'r',
      type: 'respond',
      name: 'answer',
      config: {
        body: {
          type: 'json',
          template: '{"queue":"{{nodes.lookup.body.queue}}","vip":{{json nodes.lookup.body.vip}}}',
        },
      },
    },
  ]);
}

const REQUEST = JSON.stringify({
  call: { id: 'bench-call-1', callerId: '+390612345677', direction: 'in' },
  ivr: { digits: '1' },
});

type Measured = LoadResult & { cpu: Record<string, number> };

/** Warms up, then runs the measured load and the CPU it cost the given process groups, per answered request. */
async function measured(
  load: (phase: { durationSec?: number; warmupSec: 0 }) => Promise<LoadResult>,
  warmupSec: number,
  groups: Record<string, () => number[]>,
): Promise<Measured> {
  if (warmupSec > 0) await load({ durationSec: warmupSec, warmupSec: 0 });
  const meter = cpuMeter(groups);
  const r = await load({ warmupSec: 0 });
  return { ...r, cpu: meter.stop(r.count) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The round with the median throughput (a real measurement, so its columns belong together). */
function medianRound(rs: Measured[]): Measured {
  return [...rs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((rs.length - 1) / 2)]!;
}

function row(connections: number, r: Measured, ratio: string): string {
  const pg = r.cpu.pg === undefined ? '–' : fmt(r.cpu.pg);
  return (
    `| ${connections} | ${r.label} | ${fmt(r.perSecond)} | ${fmt(r.p50)} | ` +
    `${fmt(r.p99)} | ${r.errors} | ${ratio} | ${fmt(r.cpu.server ?? NaN)} | ${pg} |`
  );
}

/**
 * Publishes the IVR flow on the API of `c` and checks that one call answers what the raw server answers; what to load
 * it with.
 */
async function ivrTarget(c: ApiContext): Promise<{ url: string; headers: Record<string, string> }> {
  const key = await c.publish('bench-ivr', ivrFlow(c.crm.base));
  const url = `${c.api.base}/api/v1/ivr/${key}`;
  const headers = { 'content-type': 'application/json', 'x-api-key': c.apiKey };
  const probe = (await (await fetch(url, { method: 'POST', headers, body: REQUEST })).json()) as {
    status: string;
    output: unknown;
  };
  if (probe.status !== 'succeeded' || JSON.stringify(probe.output) !== '{"queue":"gold","vip":true}')
    throw new Error(`IVR probe on ${c.api.base} answered ${JSON.stringify(probe)}`);
  return { url, headers };
}

/** Returns the markdown section for bench/README.md. */
export async function benchIvr(
  ctx: ApiContext,
  opts: { durationSec: number; warmupSec: number; concurrency: number[]; rounds: number },
): Promise<string> {
  const { url, headers } = await ivrTarget(ctx);
  // One process per core, as a deployment sets PROCESSES: the API and, for a fair pair, the raw server.
  const cores = Math.max(2, os.availableParallelism());
  const multi = await startApiContext({ PROCESSES: String(cores) }, path.join(ROOT, '.data/bench-processes'));
  const multiTarget = await ivrTarget(multi);
  const raw = await startScript(path.join(__dirname, 'raw-ivr-server.js'), { CRM_URL: `${ctx.crm.base}/crm/lookup` });
  const rawMulti = await startScript(path.join(__dirname, 'raw-ivr-server.js'), {
    CRM_URL: `${ctx.crm.base}/crm/lookup`,
    RAW_PROCESSES: String(cores),
  });
  const apiN = `api ×${cores}`;
  const rawN = `raw ×${cores}`;
  /** The API rows judged against the targets, and their names in the verdicts. */
  const judged: [label: string, name: string][] = [
    ['api', 'API, 1 process'],
    [apiN, `API, PROCESSES=${cores}`],
  ];
  // The same flow in Node-RED, when it is installed (a devDependency), for the side-by-side row.
  const nodeRed = await startScript(path.join(__dirname, 'nodered-ivr-server.js'), {
    CRM_URL: `${ctx.crm.base}/crm/lookup`,
  }).catch(() => undefined);
  const rows: string[] = [];
  const verdicts: string[] = [];
  const rounds = Math.max(1, opts.rounds);
  const roundSec = Math.max(2, Math.round(opts.durationSec / rounds));
  try {
    for (const connections of opts.concurrency) {
      const o = { connections, durationSec: roundSec, warmupSec: 0 as const, body: REQUEST };
      const servers: {
        label: string;
        load: (ph: { durationSec?: number; warmupSec: 0 }) => Promise<LoadResult>;
        groups: Record<string, () => number[]>;
      }[] = [
        {
          label: 'raw',
          load: (ph) =>
            httpLoad('raw Node http server', {
              ...o,
              ...ph,
              url: `${raw.base}/ivr`,
              headers: { 'content-type': 'application/json' },
            }),
          groups: { server: () => [raw.child.pid!] },
        },
        {
          label: rawN,
          load: (ph) =>
            httpLoad(`raw Node http server, ${cores} processes`, {
              ...o,
              ...ph,
              url: `${rawMulti.base}/ivr`,
              headers: { 'content-type': 'application/json' },
            }),
          groups: { server: () => nodeProcesses(rawMulti.child.pid!) },
        },
        {
          label: 'api',
          load: (ph) => httpLoad('API: POST /api/v1/ivr/:key', { ...o, ...ph, url, headers }),
          groups: { server: () => [ctx.api.child.pid!], pg: () => postgresPids(path.dirname(ctx.api.logFile)) },
        },
        {
          label: apiN,
          load: (ph) => httpLoad(`API, PROCESSES=${cores}`, { ...o, ...ph, ...multiTarget }),
          groups: {
            server: () => nodeProcesses(multi.api.child.pid!),
            pg: () => postgresPids(path.dirname(multi.api.logFile)),
          },
        },
      ];
      if (nodeRed) {
        servers.push({
          label: 'red',
          load: (ph) =>
            httpLoad('Node-RED 4: http in → template → http request → http response', {
              ...o,
              ...ph,
              url: `${nodeRed.base}/ivr`,
              headers: { 'content-type': 'application/json' },
            }),
          groups: { server: () => [nodeRed.child.pid!] },
        });
      }
      // Rounds interleave the servers (raw first, then last, ...) so a slower spell of a shared
      // machine weighs on all of them alike; each figure is the median round.
      const results = new Map<string, Measured[]>(servers.map((x) => [x.label, []]));
      for (const x of servers) await x.load({ durationSec: opts.warmupSec, warmupSec: 0 });
      for (let i = 0; i < rounds; i++) {
        for (const x of i % 2 === 0 ? servers : [...servers].reverse())
          results.get(x.label)!.push(await measured(x.load, 0, x.groups));
      }
      const base = medianRound(results.get('raw')!);
      const baseN = medianRound(results.get(rawN)!);
      // The ratio of each round (two servers measured moments apart); the row shows the median.
      const ratios = (label: string, to = 'raw') =>
        results.get(label)!.map((r, i) => r.perSecond / results.get(to)![i]!.perSecond);
      rows.push(row(connections, base, '1.00'));
      rows.push(row(connections, baseN, fmt(median(ratios(rawN)), 2)));
      for (const [label, name] of judged) {
        const api = medianRound(results.get(label)!);
        const ratio = median(ratios(label));
        const extraP99 = api.p99 - base.p99;
        const okRatio = ratio >= IVR_TARGETS.minRatio;
        const okP99 = extraP99 <= IVR_TARGETS.maxExtraP99Ms;
        rows.push(row(connections, api, fmt(ratio, 2)));
        verdicts.push(
          `- ${name}, concurrency ${connections}: throughput ${fmt(ratio * 100)}% of raw ` +
            `(target ≥ ${IVR_TARGETS.minRatio * 100}%: ${okRatio ? 'met' : '**not met**'}); ` +
            `p99 ${fmt(api.p99)} ms vs raw ${fmt(base.p99)} ms + ${IVR_TARGETS.maxExtraP99Ms} ` +
            `ms (${okP99 ? 'met' : `**not met**, ${fmt(extraP99)} ms over raw`}); ` +
            (label === apiN ? `${fmt(median(ratios(apiN, rawN)) * 100)}% of raw ×${cores}; ` : '') +
            `rounds: ${ratios(label)
              .map((x) => fmt(x * 100))
              .join(', ')} %.`,
        );
      }
      const reds = results.get('red');
      if (reds) rows.push(row(connections, medianRound(reds), fmt(median(ratios('red')), 2)));
    }
  } finally {
    await raw.stop();
    await rawMulti.stop();
    await nodeRed?.stop();
    await multi.close();
  }
  return [
    '## IVR end to end: the API vs a raw Node server',
    '',
    `Flow: trigger.ivr → http POST (JSON) to a loopback mock CRM → respond (JSON), published through \`POST ` +
      `/api/v1/flows\` + \`/publish\` and called as \`POST /api/v1/ivr/<key>\` with an API key (\`X-Api-Key\`).`,
    `The API runs as its own process from the ${ctx.api.what}, with \`--max-semi-space-size=64\` ` +
      `as \`npm start\` runs it, its embedded PostgreSQL (execution rows written), ` +
      `LOG_LEVEL=info to a file (successful trigger calls log at debug, so they are not written), metrics on.`,
    'The raw baseline (bench/raw-ivr-server.js) parses the JSON, POSTs to the same mock ' +
      'CRM with a keep-alive agent and answers JSON: no framework, auth, database or logs.',
    `"API, PROCESSES=${cores}" is the same API started with \`PROCESSES=${cores}\` (one process ` +
      `per core of this machine, as a deployment runs it: ${cores} server processes on one port, ` +
      `each connection handed to the one with the fewest open, with their own embedded PostgreSQL); ` +
      `"raw Node http server, ${cores} processes" is the raw server under node:cluster, ` +
      `so each API row has a raw row with as many processes. Their CPU columns sum all their processes.`,
    'Node-RED (bench/nodered-ivr-server.js, embedded runtime, editor off) runs the same call with its own ' +
      'nodes: http in → template (the CRM body) → http request ' +
      '(parsed JSON) → http response; no auth, no records.',
    `Load: autocannon in the bench process, N keep-alive connections, one request at a time each; ` +
      `after a ${opts.warmupSec} s warm-up of each server, ${rounds} rounds of ${roundSec} s that interleave ` +
      `the servers; each row is its median round, the ratio the median of the per-round ratios. ` +
      `Latencies in ms (autocannon measures whole milliseconds); errors = non-2xx, timeouts and socket errors.`,
    'CPU per request: user + system time of the server process, and for the API of its PostgreSQL (the ' +
      'execution rows), divided by the answered requests (from /proc). Every process shares the same 2 cores, ' +
      'so throughput follows the CPU a request costs all of them together: these two columns say where the ' +
      'difference to raw goes. What the API does that raw does not, per call: API key check, input check, ' +
      'a run of the compiled flow with its step records (rendered request, response, timings), metrics, ' +
      'and an execution row with those steps encoded and copied into PostgreSQL (after answering, in batches, ' +
      'by binary COPY). Measured on this machine by switching parts off in the built API (1 process, ' +
      "5 interleaved rounds): the API's own HTTP, API-key and input check with one call of its outbound client " +
      'instead of a flow run answered 105% of raw; the whole run without its execution row 58%; ' +
      "with the row encoded but not sent to PostgreSQL 47%; everything 39% (that session's run of this table " +
      'gave 45-46%). Then four changes: trigger calls stopped waiting on a flow or API-key lookup every TTL (now ' +
      'refreshed in the background while the cached value is served; those waits queued every call in flight ' +
      'behind PostgreSQL and were most of the p99), execution inserts got cheaper (ascending list indexes, ' +
      "no tenants foreign key), ended runs stopped surviving V8's young-generation collections (a long-lived Set " +
      'with an entry per run in flight kept them: 4-5 MB copied and 8-25 ms paused per collection, ' +
      'now ~0.8 MB and ~3.5 ms), and the code between a trigger call and its flow run got lean (layers of ' +
      'promises and closures per call, a connection resolver that built five arrays and a Set per run to scrub ' +
      "nothing; measured in-process, ~20 µs of CPU per call around the engine's own run became ~4). " +
      'API CPU per IVR call on a quiet host: 105-130 µs before these, 88-92 after the first three, ' +
      "71-75 after the fourth (a busy host adds up to a third, as in this run's table). " +
      'One process is bound by its one thread; the second core is what PROCESSES uses.',
    '',
    '| connections | what | req/s | p50 ms | p99 ms | errors | ' +
      'ratio to raw | server CPU µs/req | PostgreSQL CPU µs/req |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Targets: throughput ≥ ${IVR_TARGETS.minRatio * 100}% of raw; p99 ≤ raw p99 + ${IVR_TARGETS.maxExtraP99Ms} ms.`,
    '',
    ...verdicts,
  ].join('\n');
}
