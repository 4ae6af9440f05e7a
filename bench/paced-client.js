#!/usr/bin/env node
// A paced load for the IVR benchmarks, run as its own small process (the bench process holds the
// campaign's batches and a large heap: its own pauses would count as the server's latency).
// PACED_CONFIG (JSON): { url, headers, body, connections, rate, seconds, warmupSec }.
// Sends `rate` calls/s in all, evenly spaced, over at most `connections` keep-alive connections opened and
// used once beforehand; a call's latency runs from its scheduled time to the end of its answer, so a call
// that waits for a free connection counts its wait (no coordinated omission). After `warmupSec` of the same
// load (not counted), measures `seconds` and prints one JSON line: p50, p99, max (ms), ok, non2xx, errors,
// and the 200 answers whose body says "status":"timeout" (timeoutAnswers) or neither that nor "succeeded".
// PACED_SLOW_LOG=1 (diagnosis): also prints to stderr, per quarter second of scheduled time (UTC), the calls
// slower than 30 ms and the slowest, to line them up with what else ran then.
const SLOW_LOG = process.env.PACED_SLOW_LOG === '1';
const SLOW_MS = 30;
const QUARTER_MS = 250;
const http = require('node:http');

const c = JSON.parse(process.env.PACED_CONFIG || '{}');
const url = new URL(c.url);
// FIFO: the connections are taken in turn, as 200 lines of callers would use them (LIFO would leave most idle
// past the server's keep-alive timeout, where a call can meet one being closed: one run had 6 socket errors
// in 15,000 calls, their kind not recorded then; errorKinds now says).
const agent = new http.Agent({ keepAlive: true, maxSockets: c.connections, scheduling: 'fifo' });

/** Counts a call in its quarter second (PACED_SLOW_LOG). */
function quarterOf(out, scheduled, ms) {
  const at = Math.floor((performance.timeOrigin + scheduled) / QUARTER_MS) * QUARTER_MS;
  const q = (out.quarters[at] ??= { n: 0, slow: 0, max: 0 });
  q.n++;
  if (ms > SLOW_MS) q.slow++;
  q.max = Math.max(q.max, Math.round(ms));
}

function call(scheduled, out) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: c.headers },
      (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          if (out) {
            const ms = performance.now() - scheduled;
            out.latencies.push(ms);
            if (SLOW_LOG) quarterOf(out, scheduled, ms);
            if (res.statusCode >= 200 && res.statusCode < 300) out.ok++;
            else out.non2xx++;
            if (res.statusCode === 200) {
              const text = Buffer.concat(chunks).toString();
              if (text.includes('"status":"timeout"')) out.timeoutAnswers++;
              else if (!text.includes('"status":"succeeded"')) out.otherAnswers++;
            }
          }
          resolve();
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      if (out) {
        out.errors++;
        const what = err.code ?? err.message;
        out.errorKinds[what] = (out.errorKinds[what] ?? 0) + 1;
      }
      resolve();
    });
    req.end(c.body);
  });
}

async function run(seconds, out) {
  const total = Math.round(c.rate * seconds);
  const gap = 1000 / c.rate;
  const t0 = performance.now();
  const pending = [];
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * gap <= now) pending.push(call(t0 + sent++ * gap, out));
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * gap - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
}

(async () => {
  await Promise.all(Array.from({ length: c.connections }, () => call(performance.now(), null)));
  if (c.warmupSec > 0) await run(c.warmupSec, null);
  const out = {
    quarters: {},
    latencies: [],
    ok: 0,
    non2xx: 0,
    errors: 0,
    errorKinds: {},
    timeoutAnswers: 0,
    otherAnswers: 0,
  };
  const startedAt = Date.now();
  await run(c.seconds, out);
  const endedAt = Date.now();
  const sorted = out.latencies.sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
  const { latencies: _l, quarters, ...counts } = out;
  for (const [at, q] of Object.entries(quarters).sort(([a], [b]) => Number(a) - Number(b)))
    if (q.slow > 0)
      process.stderr.write(`paced ${new Date(+at).toISOString()}: ${q.slow} of ${q.n} slow, max ${q.max} ms\n`);
  process.stdout.write(
    `${JSON.stringify({ ...counts, p50: at(0.5), p99: at(0.99), max: at(1), startedAt, endedAt })}\n`,
  );
  agent.destroy();
})();
