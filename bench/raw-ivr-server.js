#!/usr/bin/env node
// The baseline for the IVR benchmark: a minimal Node http server doing what an IVR flow does,
// by hand: parse the JSON body, POST to the CRM with a keep-alive agent, answer JSON in the
// API's shape. No framework, no auth, no database, no logging. Prints `listening <port>`.
// RAW_PROCESSES=N: N such servers sharing the port through node:cluster, as the API's PROCESSES.
const cluster = require('node:cluster');
const http = require('node:http');

const processes = Number(process.env.RAW_PROCESSES || 1);
if (processes > 1 && cluster.isPrimary) {
  let ready = 0;
  cluster.on('listening', (_w, address) => {
    if (++ready === processes) process.stdout.write(`listening ${address.port}\n`);
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0)); // the children exit with the IPC channel
  return;
}

const crm = new URL(process.env.CRM_URL || 'http://127.0.0.1:1/crm/lookup');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let n = 0;

function lookup(payload) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const req = http.request(
      {
        host: crm.hostname,
        port: crm.port,
        path: crm.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const send = (status, obj) => {
      const s = JSON.stringify(obj);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    };
    try {
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const call = input.call || {};
      const crmRes = await lookup({ phone: call.callerId, callId: call.id });
      send(200, {
        executionId: String(++n),
        status: 'succeeded',
        output: { queue: crmRes.body.queue, vip: crmRes.body.vip },
      });
    } catch (err) {
      send(500, { error: String(err) });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.listen(0, '127.0.0.1', () => {
  if (cluster.isPrimary) process.stdout.write(`listening ${server.address().port}\n`);
});
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
