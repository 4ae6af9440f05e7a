#!/usr/bin/env node
// The closed-loop IVR load of the campaign benchmark (autocannon), run as its own small process: in the
// bench process, which builds and posts the campaign's batches of 1000 events meanwhile, its own event-loop
// stalls counted as the server's latency (closed-loop maxima of 0.9-2.1 s).
// CLOSED_CONFIG (JSON): { url, path, headers, body, connections, seconds, warmupSec }.
// After `warmupSec` (not counted), measures `seconds` with `connections` keep-alive connections, one request
// at a time each, and prints one JSON line: duration, 2xx, non2xx, errors, timeouts, latency {p50, p99, max}
// (ms), the 200 answers whose body says "status":"timeout" (timeoutAnswers) or neither that nor "succeeded"
// (otherAnswers), startedAt and endedAt (epoch ms).
const autocannon = require('autocannon');

const c = JSON.parse(process.env.CLOSED_CONFIG || '{}');
let counting = false;
let timeoutAnswers = 0;
let otherAnswers = 0;
const request = {
  method: 'POST',
  path: c.path,
  headers: c.headers,
  body: c.body,
  onResponse: (status, body) => {
    if (!counting || status !== 200) return;
    const text = String(body);
    if (text.includes('"status":"timeout"')) timeoutAnswers++;
    else if (!text.includes('"status":"succeeded"')) otherAnswers++;
  },
};
const base = { url: c.url, connections: c.connections, pipelining: 1, timeout: 10, requests: [request] };

(async () => {
  if (c.warmupSec > 0) await autocannon({ ...base, duration: c.warmupSec });
  counting = true;
  const startedAt = Date.now();
  const r = await autocannon({ ...base, duration: c.seconds });
  const endedAt = Date.now();
  const { p50, p99, max } = r.latency;
  process.stdout.write(
    `${JSON.stringify({
      duration: r.duration,
      '2xx': r['2xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      latency: { p50, p99, max },
      timeoutAnswers,
      otherAnswers,
      startedAt,
      endedAt,
    })}\n`,
  );
})();
