/**
 * Engine-only benchmark: a 5-node flow (trigger → set → condition → http → respond) against an
 * in-process loopback CRM, beside a hand-written function making the same HTTP call, same run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { FlowEngine } from '../libs/engine/src';
import { closedLoop, fmt, type LoadResult } from './lib';

/** The benchmark flow, pointing at the loopback CRM. */
function benchFlow(crmBase: string) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 3000 } },
      {
        id: 's',
        type: 'set',
        name: 'prep',
        config: { values: [{ name: 'phone', value: '{{e164 call.callerId country="39"}}' }] },
      },
      {
        id: 'c',
        type: 'condition',
        name: 'known',
        config: { rules: [{ handle: 'yes', left: '{{vars.phone}}', op: 'exists' }] },
      },
      {
        id: 'h',
        type: 'http',
        name: 'lookup',
        config: {
          method: 'POST',
          url: `${crmBase}/customers/lookup`,
          body: { type: 'json', template: '{"phone":"{{vars.phone}}","callId":"{{call.id}}"}' },
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
    ],
    edges: [
      { id: 'e1', source: 't', target: 's' },
      { id: 'e2', source: 's', target: 'c' },
      { id: 'e3', source: 'c', sourceHandle: 'yes', target: 'h' },
      { id: 'e4', source: 'h', sourceHandle: 'success', target: 'r' },
    ],
  };
}

function startCrm(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const { phone } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ phone, vip: phone.endsWith('7'), queue: 'gold' }));
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Returns the markdown section for bench/README.md. */
export async function benchEngine(opts: { durationMs: number; concurrency: number[] }): Promise<string> {
  const crm = await startCrm();
  const base = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  const engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
  const compiled = engine.compile(benchFlow(base), 'bench@1');
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128 });
  let n = 0;
  const call = () => ({ id: `c${++n}`, callerId: `06 1234 56${n % 100}` });

  // The hand-written equivalent: the same normalising, HTTP call and answer, no engine.
  const handWritten = async () => {
    const c = call();
    // As the flow's e164 helper: spaces out, the Italian trunk 0 kept.
    const phone = '+39' + c.callerId.replace(/\s/g, '');
    const res = await request(`${base}/customers/lookup`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, callId: c.id }),
    });
    const body = (await res.body.json()) as { queue: string; vip: boolean };
    return res.statusCode === 200 && JSON.stringify({ queue: body.queue, vip: body.vip }).includes('gold');
  };
  const viaEngine = async () => {
    const r = await engine.run(compiled, { call: call() });
    return r.status === 'succeeded' && (r.output as { queue?: string } | undefined)?.queue === 'gold';
  };

  const rows: string[] = [];
  for (const concurrency of opts.concurrency) {
    const o = { concurrency, durationMs: opts.durationMs, warmupMs: Math.min(1000, opts.durationMs / 3) };
    const raw: LoadResult = await closedLoop('hand-written function', handWritten, o);
    const eng: LoadResult = await closedLoop('engine (5-node flow)', viaEngine, o);
    for (const r of [raw, eng]) {
      rows.push(
        `| ${concurrency} | ${r.label} | ${fmt(r.perSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} ` +
          `| ${r.errors} | ${r === raw ? '1.00' : fmt(eng.perSecond / raw.perSecond, 2)} |`,
      );
    }
  }
  await engine.close();
  await agent.close();
  crm.close();
  return [
    '## Engine only: 5-node IVR flow vs a hand-written function',
    '',
    'Flow: trigger.ivr → set (e164) → condition → http POST (JSON) to an in-process loopback CRM → respond (JSON).',
    'Both sides share the process with the CRM and use keep-alive; closed loop, each row measured after a warm-up.',
    '',
    '| concurrency | what | runs/s | p50 ms | p99 ms | errors | ratio to hand-written |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
