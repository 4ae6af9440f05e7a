#!/usr/bin/env node
// The IVR flow in Node-RED, for the side-by-side benchmark: http in → template → http request →
// http response, POSTing to the same mock CRM (CRM_URL) with Node-RED's own nodes and defaults.
// Embedded runtime, no editor, no admin API. Prints `listening <port>`; exits on SIGTERM/SIGINT.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const RED = require('node-red');

const crmUrl = process.env.CRM_URL || 'http://127.0.0.1:1/crm/lookup';
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodered-bench-'));
const flows = [
  { id: 'tab', type: 'tab', label: 'IVR' },
  { id: 'in', z: 'tab', type: 'http in', url: '/ivr', method: 'post', wires: [['tpl']] },
  // The CRM request body from the caller's JSON (parsed by http in), as in the product's flow.
  {
    id: 'tpl',
    z: 'tab',
    type: 'template',
    field: 'payload',
    fieldType: 'msg',
    format: 'json',
    syntax: 'mustache',
    output: 'json',
    template: '{"phone":"{{payload.call.callerId}}","callId":"{{payload.call.id}}"}',
    wires: [['req']],
  },
  {
    id: 'req',
    z: 'tab',
    type: 'http request',
    method: 'POST',
    ret: 'obj',
    url: crmUrl,
    headers: [{ keyType: 'Content-Type', valueType: 'other', valueValue: 'application/json' }],
    wires: [['out']],
  },
  { id: 'out', z: 'tab', type: 'http response', statusCode: '200', headers: {}, wires: [] },
];
fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));

const server = http.createServer((req, res) => RED.httpNode(req, res));
RED.init(server, {
  userDir,
  flowFile: 'flows.json',
  httpAdminRoot: false,
  httpNodeRoot: '/',
  disableEditor: true,
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
});

RED.start().then(() => {
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
});

const stop = () =>
  RED.stop()
    .catch(() => undefined)
    .finally(() => {
      fs.rmSync(userDir, { recursive: true, force: true });
      process.exit(0);
    });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
