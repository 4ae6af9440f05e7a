#!/usr/bin/env node
// Loopback mock CRM for the benchmarks, run as its own process (so it neither competes with the
// load generator's event loop nor shares one with the server under test).
//   POST /crm/lookup  {phone, callId}   -> {phone, vip, queue}
//   POST /events      {id, ...}         -> {ok: true}; counts deliveries and distinct ids
//   GET  /stats                         -> {lookups, events, distinctEvents}
//   POST /reset                         -> zeroes the counters
// Prints `listening <port>` once ready; exits on SIGTERM/SIGINT.
const http = require('node:http');

let lookups = 0;
let events = 0;
let seen = new Set();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const json = (status, body) => {
      const s = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    };
    try {
      if (req.method === 'POST' && req.url === '/crm/lookup') {
        lookups++;
        const { phone = '' } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        return json(200, { phone, vip: String(phone).endsWith('7'), queue: 'gold' });
      }
      if (req.method === 'POST' && req.url === '/events') {
        events++;
        const { id } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        seen.add(id);
        return json(200, { ok: true });
      }
      if (req.method === 'GET' && req.url === '/stats')
        return json(200, { lookups, events, distinctEvents: seen.size });
      if (req.method === 'POST' && req.url === '/reset') {
        lookups = 0;
        events = 0;
        seen = new Set();
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
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
