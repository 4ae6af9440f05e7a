/**
 * IVR load for the campaign benchmark against `POST /api/v1/ivr/<key>` of the ROLE=api process (autocannon
 * for the closed loop, an evenly paced client for a fixed rate; each in its own process), reading every
 * answer's body to count the `status: "timeout"` ones (fallback answers), cross-checked with the API's
 * callflow_ivr_timeouts_total counter.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_METRICS_TOKEN } from './api-context';

/** What bench/closed-client.js measured (autocannon's figures, latencies in ms). */
interface ClosedResult {
  latency: { p50: number; p99: number; max: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  timeoutAnswers: number;
  otherAnswers: number;
  startedAt: number;
  endedAt: number;
}

export interface IvrLoadResult {
  label: string;
  /** Offered requests/s in all when paced; undefined: closed loop. */
  rate?: number;
  connections: number;
  seconds: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Socket errors and client-side timeouts (10 s). */
  errors: number;
  /** The errors by code (paced load only). */
  errorKinds?: Record<string, number>;
  /** 200 answers whose body says `"status":"timeout"` (the trigger's deadline passed). */
  timeoutAnswers: number;
  /** Other non-succeeded answers (`failed`). */
  otherAnswers: number;
  /** Increase of callflow_ivr_timeouts_total over the run (NaN when /metrics is unavailable). */
  metricTimeouts: number;
  startedAt: number;
  endedAt: number;
}

/** The same call as bench/ivr.bench.ts. */
export const IVR_REQUEST = JSON.stringify({
  call: { id: 'bench-call-1', callerId: '+390612345677', direction: 'in' },
  ivr: { digits: '1' },
});

async function timeoutCounter(base: string): Promise<number> {
  try {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
    if (!res.ok) return NaN;
    const text = await res.text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('callflow_ivr_timeouts_total'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  } catch {
    return NaN;
  }
}

/**
 * `connections` keep-alive clients, one request at a time, for `durationSec` after a `warmupSec` warm-up
 * (dropped): as fast as answers come (closed loop, autocannon), or `rate` requests/s in all (paced, pacedLoad:
 * a fixed offered load, as callers on hold make it, whose latency is the service's, not a queue the load
 * generator built).
 */
export async function ivrLoad(
  label: string,
  opts: {
    base: string;
    flowKey: string;
    apiKey: string;
    connections: number;
    durationSec: number;
    warmupSec: number;
    rate?: number;
  },
): Promise<IvrLoadResult> {
  const path = `/api/v1/ivr/${opts.flowKey}`;
  const headers = { 'content-type': 'application/json', 'x-api-key': opts.apiKey };
  const head = { label, rate: opts.rate, connections: opts.connections };
  const before = await timeoutCounter(opts.base);
  if (opts.rate) {
    const r = await pacedLoad({
      url: `${opts.base}${path}`,
      headers,
      body: IVR_REQUEST,
      connections: opts.connections,
      rate: opts.rate,
      seconds: opts.durationSec,
      warmupSec: opts.warmupSec,
    });
    const after = await timeoutCounter(opts.base);
    return {
      ...head,
      seconds: opts.durationSec,
      perSecond: r.ok / opts.durationSec,
      metricTimeouts: after - before,
      ...r,
    };
  }
  const r = await childLoad<ClosedResult>('closed-client.js', 'CLOSED_CONFIG', {
    url: opts.base,
    path,
    headers,
    body: IVR_REQUEST,
    connections: opts.connections,
    seconds: opts.durationSec,
    warmupSec: opts.warmupSec,
  });
  const after = await timeoutCounter(opts.base);
  return {
    ...head,
    seconds: r.duration,
    ok: r['2xx'],
    perSecond: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    timeoutAnswers: r.timeoutAnswers,
    otherAnswers: r.otherAnswers,
    metricTimeouts: after - before,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

/** What bench/paced-client.js measured (latencies in ms). */
interface PacedResult {
  p50: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  errorKinds: Record<string, number>;
  timeoutAnswers: number;
  otherAnswers: number;
  startedAt: number;
  endedAt: number;
}

/** Runs bench/paced-client.js (its own process: see there) and returns what it printed. */
const pacedLoad = (config: Record<string, unknown>) =>
  childLoad<PacedResult>('paced-client.js', 'PACED_CONFIG', config);

/** Runs the load client `script` (bench/, its own process) with `config` in env `variable`; its last line parsed. */
function childLoad<T>(script: string, variable: string, config: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script)], {
      env: { ...process.env, [variable]: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      else reject(new Error(`${script} exited with ${code}`));
    });
  });
}

/** The label of the paced row on the raw Node server: what the load generator itself adds. */
export const RAW_LABEL = 'quiet system, raw Node server (baseline)';

/** IVR p99 target under a campaign at a paced load (issue 20, goal 4), ms. */
const PACED_P99_TARGET_MS = 50;

/** The "IVR under campaign load" subsection of the campaign report. */
export function ivrReport(
  o: { ivrConnections: number; ivrQuietSeconds: number; ivrSeconds: number; ivrRate: number },
  quiet: IvrLoadResult[],
  loaded: IvrLoadResult[],
  overlapSec: number,
  fmt: (n: number) => string,
): string {
  const deadline = 3000; // ivrFlow's trigger deadlineMs
  const ms = (n: number) => (n < 10 ? n.toFixed(1) : fmt(n));
  const row = (r: IvrLoadResult) =>
    `| ${r.label} | ${r.rate ? `paced, ${fmt(r.rate)}/s` : 'closed loop'} | ${r.connections} | ${fmt(r.seconds)} ` +
    `| ${fmt(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${fmt(r.non2xx)} | ${fmt(r.errors)} | ` +
    `${fmt(r.timeoutAnswers)} | ${Number.isNaN(r.metricTimeouts) ? '?' : fmt(r.metricTimeouts)} |`;
  const worst = Math.max(...loaded.map((r) => r.p99));
  const paced = loaded.find((r) => r.rate);
  const raw = quiet.find((r) => r.label === RAW_LABEL);
  const timeoutsQuiet = quiet.reduce((n, r) => n + r.timeoutAnswers, 0);
  const timeoutsLoaded = loaded.reduce((n, r) => n + r.timeoutAnswers, 0);
  return [
    `### IVR under campaign load`,
    '',
    `The IVR benchmark's flow (bench/ivr.bench.ts: trigger.ivr, deadlineMs ${deadline} → http POST to the ` +
      `mock CRM → respond) on the ROLE=api process, ${o.ivrConnections} keep-alive connections ` +
      `from a load client of its own, first on the quiet system (${o.ivrQuietSeconds} s each after a 2 s ` +
      `warm-up), then ` +
      `while the last campaign run above was delivering (${o.ivrSeconds} s in all, the campaign delivering during ` +
      `${fmt(overlapSec)} s of it). Two loads: closed loop (each connection sends its next call when answered: ` +
      `the API's most calls/s, where p50 ≈ connections ÷ calls/s is the queue the load generator itself builds; ` +
      `autocannon, bench/closed-client.js), and paced (${fmt(o.ivrRate)} calls/s offered in all, evenly ` +
      `spaced, the connections taken in ` +
      `turn: callers on hold asking at a fixed rate, so the latency is what a caller waits, from the ` +
      `call's scheduled time to its whole answer; bench/paced-client.js, its own process). The worker ` +
      `processes run at WORKER_NICE (10). "timeout answers" counts 200 answers whose body says ` +
      `\`"status":"timeout"\` (the fallback); the metric column is ` +
      `the increase of callflow_ivr_timeouts_total. Latencies in ms.`,
    '',
    '| IVR load | calls | connections | s | req/s | p50 | p99 | max | ' +
      'non-2xx | socket errors | timeout answers | timeouts (metric) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...quiet.map(row),
    ...loaded.map(row),
    '',
    `- p99 under campaign load ${fmt(worst)} ms < deadline ${deadline} ms: ` +
      `${worst < deadline ? 'met' : '**not met**'}.`,
    ...(paced
      ? [
          `- p99 under campaign load, paced at ${fmt(paced.rate!)} calls/s: ${ms(paced.p99)} ms ≤ ` +
            `${PACED_P99_TARGET_MS} ms: ${paced.p99 <= PACED_P99_TARGET_MS ? 'met' : '**not met**'}.`,
        ]
      : []),
    ...(raw
      ? [
          `- The paced load on the raw Node server, quiet system: p50 ${ms(raw.p50)}, p99 ${ms(raw.p99)} ms: ` +
            `what the machine, the mock CRM and this client take with no API at all, ` +
            `against which the API's ${ms(quiet.find((r) => r.rate && r !== raw)?.p99 ?? NaN)} ms ` +
            `quiet and ${paced ? ms(paced.p99) : '?'} ms under the campaign read.`,
        ]
      : []),
    ...[...quiet, ...loaded]
      .filter((r) => r.errors > 0 && r.errorKinds)
      .map((r) => `- socket errors, ${r.label}, ${r.rate ? 'paced' : 'closed loop'}: ${JSON.stringify(r.errorKinds)}.`),
    `- timeout answers under load ${fmt(timeoutsLoaded)} ≤ on the quiet system ${fmt(timeoutsQuiet)}: ` +
      `${timeoutsLoaded <= timeoutsQuiet ? 'met' : '**not met**'}.`,
  ].join('\n');
}
