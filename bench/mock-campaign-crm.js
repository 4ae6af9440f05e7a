#!/usr/bin/env node
// Loopback mock CRM of the campaign benchmark and the chaos test, run as its own process.
//   POST /campaign   {id, ...}       -> {ok: true} after DELAY_MS (default 10; `?delay=<ms>` for this request):
//                                        one delivery of event `id`;
//                                        counts deliveries, distinct ids, duplicates, requests in flight
//   POST /crm/lookup {phone, callId} -> {phone, vip, queue} at once (the IVR flow's lookup, not counted as in flight)
//   GET  /stats                      -> {deliveries, distinct, duplicates, inflight, inflightMax, inflightMean,
//                                        firstAt, lastAt, lastNewAt, lookups} (times: epoch ms)
//   GET  /report                     -> {times: {id: receive time, or [times] when delivered more than once},
// perSecond: {epochSecond: deliveries}}
//   POST /reset                      -> zeroes everything
// Prints `listening <port>` once ready; exits on SIGTERM/SIGINT.
const http = require('node:http');

const DELAY_MS = Number(process.env.DELAY_MS ?? 10);

let s;
function reset() {
  // Requests still in flight at a reset keep counting down.
  s = {
    deliveries: 0,
    lookups: 0,
    times: new Map(),
    inflight: s ? s.inflight : 0,
    inflightMax: 0,
    busyArea: 0,
    lastChange: 0,
    firstAt: 0,
    lastAt: 0,
    lastNewAt: 0,
    perSecond: new Map(),
  };
}
reset();

/** Time-weighted in-flight count: the area under inflight(t), for the mean. */
function inflightChange(delta) {
  const now = Date.now();
  if (s.lastChange) s.busyArea += s.inflight * (now - s.lastChange);
  s.lastChange = now;
  s.inflight += delta;
  if (s.inflight > s.inflightMax) s.inflightMax = s.inflight;
}

function stats() {
  const span = s.lastChange - s.firstAt;
  return {
    deliveries: s.deliveries,
    distinct: s.times.size,
    duplicates: s.deliveries - s.times.size,
    inflight: s.inflight,
    inflightMax: s.inflightMax,
    inflightMean: span > 0 ? s.busyArea / span : 0,
    firstAt: s.firstAt,
    lastAt: s.lastAt,
    lastNewAt: s.lastNewAt,
    lookups: s.lookups,
  };
}

function report() {
  return { times: Object.fromEntries(s.times), perSecond: Object.fromEntries(s.perSecond) };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const json = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const slow = /^\/campaign\?delay=(\d+)$/.exec(req.url);
      if (req.method === 'POST' && (req.url === '/campaign' || slow)) {
        const delayMs = slow ? Number(slow[1]) : DELAY_MS;
        const { id } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        const now = Date.now();
        s.deliveries++;
        if (!s.firstAt) s.firstAt = now;
        s.lastAt = now;
        // One number per id; an array of receive times only for the (rare) duplicates.
        const seen = s.times.get(id);
        if (seen === undefined) {
          s.times.set(id, now);
          s.lastNewAt = now;
        } else s.times.set(id, Array.isArray(seen) ? [...seen, now] : [seen, now]);
        const sec = Math.floor(now / 1000);
        s.perSecond.set(sec, (s.perSecond.get(sec) ?? 0) + 1);
        inflightChange(+1);
        const done = () => {
          inflightChange(-1);
          json(200, { ok: true });
        };
        return delayMs > 0 ? setTimeout(done, delayMs) : done();
      }
      if (req.method === 'POST' && req.url === '/crm/lookup') {
        s.lookups++;
        const { phone = '' } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        return json(200, { phone, vip: String(phone).endsWith('7'), queue: 'gold' });
      }
      if (req.method === 'GET' && req.url === '/stats') return json(200, stats());
      if (req.method === 'GET' && req.url === '/report') return json(200, report());
      if (req.method === 'POST' && req.url === '/reset') {
        reset();
        return json(200, { ok: true });
      }
      json(404, { error: 'not found' });
    } catch (err) {
      json(400, { error: String(err) });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () =>
  process.stdout.write(`listening ${server.address().port}\n`),
);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
