/**
 * Events end to end: N call.ended events posted in batches to `POST /api/v1/events` (durable in
 * PostgreSQL before the 202), run by the pg-boss workers of the same API process through an
 * end_of_call flow that POSTs each event to the mock CRM; timed until the mock has them all.
 */
import { chain, type ApiContext } from './api-context';
import { fmt } from './lib';

export function eventsFlow(crmBase: string) {
  return chain([
    { id: 't', type: 'trigger.end_of_call', name: 'ended', config: {} },
    {
      id: 'h',
      type: 'http',
      name: 'deliver',
      config: {
        method: 'POST',
        url: `${crmBase}/events`,
        body: {
          type: 'json',
          template: '{"id":"{{event.id}}","call":"{{call.id}}","disposition":"{{call.disposition}}"}',
        },
      },
    },
  ]);
}

/** Returns the markdown section for bench/README.md. */
export async function benchEvents(
  ctx: ApiContext,
  opts: { events: number; batch: number; timeoutSec: number },
): Promise<string> {
  await ctx.publish('bench-events', eventsFlow(ctx.crm.base));
  await fetch(`${ctx.crm.base}/reset`, { method: 'POST' });
  const run = Date.now().toString(36);
  const batches: unknown[][] = [];
  for (let i = 0; i < opts.events; i += opts.batch) {
    batches.push(
      Array.from({ length: Math.min(opts.batch, opts.events - i) }, (_, j) => ({
        id: `bench-${run}-${i + j}`,
        type: 'call.ended',
        call: {
          id: `call-${i + j}`,
          callerId: `+3906${String(i + j).padStart(7, '0')}`,
          direction: 'in',
          disposition: 'answered',
          durationSec: 42,
        },
      })),
    );
  }
  const batchMs: number[] = [];
  let runs = 0;
  const t0 = performance.now();
  for (const batch of batches) {
    const b0 = performance.now();
    const res = await fetch(`${ctx.api.base}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ctx.apiKey },
      body: JSON.stringify(batch),
    });
    const body = (await res.json()) as { accepted?: { executionIds: string[] }[] };
    if (res.status !== 202)
      throw new Error(`POST /events answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    runs += (body.accepted ?? []).reduce((n, a) => n + a.executionIds.length, 0);
    batchMs.push(performance.now() - b0);
  }
  const acceptedSec = (performance.now() - t0) / 1000;
  if (runs !== opts.events) throw new Error(`expected ${opts.events} runs, the API started ${runs}`);

  let stats = await ctx.crmStats();
  const until = Date.now() + opts.timeoutSec * 1000;
  while (stats.distinctEvents < opts.events && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    stats = await ctx.crmStats();
  }
  const deliveredSec = (performance.now() - t0) / 1000;
  const complete = stats.distinctEvents >= opts.events;
  batchMs.sort((a, b) => a - b);
  return [
    '## Events end to end: accepted, queued, delivered',
    '',
    `${fmt(opts.events)} \`call.ended\` events posted one batch after the other, ` +
      `${opts.batch} per \`POST /api/v1/events\` (each answered 202 once its runs are durable in pg-boss),`,
    'matched by a published end_of_call flow whose http node POSTs each event to the mock CRM; ' +
      'the workers of the same API process (ROLE=all, ' +
      'default WORKER_CONCURRENCY and QUEUE_POLL_SECONDS) run them.',
    'Time runs from the first POST until the mock CRM has received every distinct event id.',
    '',
    '| events | accept time s | accepted/s | batch p50 ms | batch p99 ms | batch max ms ' +
      '| delivered | delivery time s | delivered/s | duplicate deliveries |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${fmt(opts.events)} | ${fmt(acceptedSec, 2)} | ${fmt(opts.events / acceptedSec)} | ` +
      `${fmt(batchMs[Math.floor(batchMs.length / 2)]!)} | ` +
      `${fmt(batchMs[Math.min(batchMs.length - 1, Math.floor(batchMs.length * 0.99))]!)} | ` +
      `${fmt(batchMs[batchMs.length - 1]!)} | ` +
      `${fmt(stats.distinctEvents)}${complete ? '' : ` (**incomplete after ${opts.timeoutSec} s**)`} | ` +
      `${fmt(deliveredSec, 2)} | ${fmt(stats.distinctEvents / deliveredSec)} ` +
      `| ${fmt(stats.events - stats.distinctEvents)} |`,
  ].join('\n');
}
