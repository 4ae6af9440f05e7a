/**
 * IVR load for the campaign benchmark: autocannon against `POST /api/v1/ivr/<key>` of the ROLE=api
 * process, reading every answer's body to count the `status: "timeout"` ones (fallback answers),
 * cross-checked with the API's callflow_ivr_timeouts_total counter.
 */
import { BENCH_METRICS_TOKEN } from './api-context';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

export interface IvrLoadResult {
  label: string;
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

/** `connections` keep-alive clients, one request at a time, for `durationSec` after a `warmupSec` warm-up (dropped). */
export async function ivrLoad(
  label: string,
  opts: { base: string; flowKey: string; apiKey: string; connections: number; durationSec: number; warmupSec: number },
): Promise<IvrLoadResult> {
  let timeoutAnswers = 0;
  let otherAnswers = 0;
  let counting = false;
  const request = {
    method: 'POST',
    path: `/api/v1/ivr/${opts.flowKey}`,
    headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey },
    body: IVR_REQUEST,
    onResponse: (status: number, body: unknown) => {
      if (!counting || status !== 200) return;
      const text = String(body);
      if (text.includes('"status":"timeout"')) timeoutAnswers++;
      else if (!text.includes('"status":"succeeded"')) otherAnswers++;
    },
  };
  const base = { url: opts.base, connections: opts.connections, pipelining: 1, timeout: 10, requests: [request] };
  if (opts.warmupSec > 0) await autocannon({ ...base, duration: opts.warmupSec });
  counting = true;
  const before = await timeoutCounter(opts.base);
  const startedAt = Date.now();
  const r = await autocannon({ ...base, duration: opts.durationSec });
  const endedAt = Date.now();
  counting = false;
  const after = await timeoutCounter(opts.base);
  return {
    label,
    connections: opts.connections,
    seconds: r.duration,
    ok: r['2xx'],
    perSecond: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    timeoutAnswers,
    otherAnswers,
    metricTimeouts: after - before,
    startedAt,
    endedAt,
  };
}
