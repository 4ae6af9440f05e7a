import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { LoopbackServer, type SeenRequest } from '../../../libs/engine/test/loopback';
import { FLOW_RUNS_QUEUE } from '../src/queue/flow-runs.queue';
import {
  ACTIVE_BY_FLOW_INDEX,
  fetchFlowRuns,
  LIMITED_FETCH_SQL,
  QUEUED_BY_FLOW_INDEX,
} from '../src/queue/limited-fetch';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';
import { killWorkerProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

/** A mock CRM endpoint that holds each request `holdMs` and counts requests in flight. */
class CrmEndpoint {
  inFlight = 0;
  maxInFlight = 0;
  /** Deliveries per event id. */
  readonly deliveries = new Map<string, number>();
  lastDoneAt = 0;

  constructor(private readonly holdMs: number) {}

  readonly handle = async (req: SeenRequest, res: ServerResponse) => {
    const { event } = JSON.parse(req.body) as { event: string };
    this.deliveries.set(event, (this.deliveries.get(event) ?? 0) + 1);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    await sleep(this.holdMs);
    this.inFlight--;
    this.lastDoneAt = Date.now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  };

  get delivered(): number {
    return this.deliveries.size;
  }

  /** Every id delivered exactly once, and nothing else. */
  expectExactlyOnce(ids: string[]): void {
    expect([...this.deliveries.keys()].sort()).toEqual([...ids].sort());
    expect([...this.deliveries.values()].filter((n) => n !== 1)).toEqual([]);
  }
}

const uid = (p: string) => `${p}-${crypto.randomBytes(4).toString('hex')}`;
const trigger = (type: string, config: Record<string, unknown>) => ({ id: 't', type, name: 'start', config });
const campaignEvents = (n: number, campaign: string) =>
  Array.from({ length: n }, () => ({
    id: uid(campaign),
    type: 'campaign.contact',
    campaign: { id: campaign },
    contact: { phone: '+15550100' },
  }));

async function succeeded(t: TestApp, eventIds: string[]): Promise<number> {
  const [{ n }] = await t.db.query(
    `SELECT count(*)::int AS n FROM executions WHERE event_id = ANY($1::text[]) AND status = 'succeeded'`,
    [eventIds],
  );
  return n;
}

describe('maxConcurrentRuns: one process with WORKER_CONCURRENCY 20', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  const capped = new CrmEndpoint(40);
  const free = new CrmEndpoint(40);
  const backlog = new CrmEndpoint(100);
  const later = new CrmEndpoint(20);
  const serial = new CrmEndpoint(5);

  beforeAll(async () => {
    t = await TestApp.start({ WORKER_CONCURRENCY: '20' });
    mock = await LoopbackServer.start();
    const body = '{"event":"{{event.id}}"}';
    for (const [route, endpoint] of Object.entries({ capped, free, backlog, later, serial }))
      mock.on(`POST /${route}`, endpoint.handle);
    await publishFlow(
      t,
      'capped',
      chainFlow(
        trigger('trigger.campaign', { campaignIds: ['cap'], maxConcurrentRuns: 3 }),
        postNode(`${mock.base}/capped`, body),
      ),
    );
    await publishFlow(
      t,
      'free',
      chainFlow(trigger('trigger.campaign', { campaignIds: ['cap'] }), postNode(`${mock.base}/free`, body)),
    );
    await publishFlow(
      t,
      'backlog',
      chainFlow(
        trigger('trigger.end_of_call', { queues: ['slow'], maxConcurrentRuns: 2 }),
        postNode(`${mock.base}/backlog`, body),
      ),
    );
    await publishFlow(
      t,
      'later',
      chainFlow(trigger('trigger.campaign', { campaignIds: ['later'] }), postNode(`${mock.base}/later`, body)),
    );
    await publishFlow(
      t,
      'serial',
      chainFlow(
        trigger('trigger.campaign', { campaignIds: ['serial'], maxConcurrentRuns: 1 }),
        postNode(`${mock.base}/serial`, body),
      ),
    );
    mock.on('POST /broken', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await t.close();
    await mock.close();
  });

  it('runs at most the limit at once, reaches it, never holds back an unlimited flow on the same events', async () => {
    const events = campaignEvents(40, 'cap');
    const ids = events.map((e) => e.id);
    const r = await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events).expect(202);
    expect(r.body.accepted.every((a: { executionIds: string[] }) => a.executionIds.length === 2)).toBe(true);
    const jobs: { max: number | null }[] = await t.db.query(
      `SELECT (data->>'maxConcurrentRuns')::int AS max FROM pgboss.job WHERE data->>'eventId' = $1 ORDER BY 1`,
      [ids[0]],
    );
    expect(jobs).toEqual([{ max: 3 }, { max: null }]);

    await waitFor(async () => ((await succeeded(t, ids)) === 80 ? true : undefined), 20_000, 'all 80 runs to succeed');
    capped.expectExactlyOnce(ids);
    free.expectExactlyOnce(ids);
    expect(capped.maxInFlight).toBeLessThanOrEqual(3);
    // Reaching 3 shows the limit is what bounds it (the workers had 20 slots).
    expect(capped.maxInFlight).toBe(3);
    expect(free.maxInFlight).toBeGreaterThan(3);
    expect(free.lastDoneAt).toBeLessThan(capped.lastDoneAt);
    process.stdout.write(
      `maxConcurrentRuns 3: capped max in flight ${capped.maxInFlight}, unlimited ${free.maxInFlight}\n`,
    );
  });

  it('runs a batch of events one at a time in the order it was sent (limit 1)', async () => {
    // Events of one request are queued in one statement (same created_on): the order is the ids'.
    const events = campaignEvents(25, 'serial');
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events).expect(202);
    await waitFor(
      async () =>
        (await succeeded(
          t,
          events.map((e) => e.id),
        )) === 25
          ? true
          : undefined,
      20_000,
      'the serial flow',
    );
    expect([...serial.deliveries.keys()]).toEqual(events.map((e) => e.id));
    expect(serial.maxInFlight).toBe(1);
  });

  it('does not starve jobs queued behind a limited flow’s backlog (end of call, limit 2)', async () => {
    const slow = Array.from({ length: 30 }, () => ({ id: uid('slow'), type: 'call.ended', call: { queue: 'slow' } }));
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(slow).expect(202);
    // Queued after the whole backlog: pg-boss order alone would run them last.
    const behind = campaignEvents(20, 'later');
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(behind).expect(202);

    await waitFor(
      async () =>
        (await succeeded(
          t,
          behind.map((e) => e.id),
        )) === 20
          ? true
          : undefined,
      10_000,
      'the later flow',
    );
    // 30 runs two at a time take ≥ 1.5 s; the later flow was done long before.
    expect(backlog.delivered).toBeLessThan(20);
    expect(later.maxInFlight).toBeGreaterThan(2);
    await waitFor(
      async () =>
        (await succeeded(
          t,
          slow.map((e) => e.id),
        )) === 30
          ? true
          : undefined,
      20_000,
      'the backlog',
    );
    backlog.expectExactlyOnce(slow.map((e) => e.id));
    later.expectExactlyOnce(behind.map((e) => e.id));
    expect(backlog.maxInFlight).toBe(2);
  });

  it('a queued run keeps its version’s limit; a retry takes the limit of the version it runs', async () => {
    const fragile = (limit: number) =>
      chainFlow(
        trigger('trigger.campaign', { campaignIds: ['fragile'], maxConcurrentRuns: limit }),
        postNode(`${mock.base}/broken`, '{}'),
      );
    const flow = await publishFlow(t, 'fragile', fragile(5));
    // Paused while queued: a completed job is deleted, so its limit is read before it runs.
    const [{ tenant }] = await t.db.query(`SELECT tenant_id AS tenant FROM flows WHERE id = $1`, [flow.id]);
    await t.db.query(`INSERT INTO campaign_pauses (tenant_id, campaign_id) VALUES ($1, 'fragile')`, [tenant]);
    const [event] = campaignEvents(1, 'fragile');
    const r = await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(event!).expect(202);
    const [failedId] = r.body.accepted[0].executionIds as string[];
    const [queued] = await t.db.query(`SELECT (data->>'maxConcurrentRuns')::int AS max FROM pgboss.job WHERE id = $1`, [
      failedId,
    ]);
    expect(queued).toEqual({ max: 5 });
    await t.db.query(`DELETE FROM campaign_pauses WHERE tenant_id = $1`, [tenant]);
    await waitFor(
      async () =>
        (await t.db.query(`SELECT 1 FROM executions WHERE id = $1 AND status = 'failed'`, [failedId])).length
          ? true
          : undefined,
      10_000,
      'the run to fail',
    );

    await t
      .as('put', `/api/v1/flows/${flow.id}`)
      .send({ definition: fragile(7), revision: 1 })
      .expect(200);
    await t.as('post', `/api/v1/flows/${flow.id}/publish`).send({}).expect(200);
    const retry = await t.as('post', `/api/v1/executions/${failedId}/retry`).expect(202);
    const limits: { id: string; max: number }[] = await t.db.query(
      `SELECT id::text, (data->>'maxConcurrentRuns')::int AS max FROM pgboss.job WHERE id = ANY($1::uuid[])`,
      [[failedId, retry.body.executionId]],
    );
    // The failed run's job completed (deleted); the retry's carries the new version's limit.
    expect(Object.fromEntries(limits.map((l) => [l.id, l.max]))).toEqual({ [retry.body.executionId]: 7 });
  });
});

describe('maxConcurrentRuns: two worker processes share the limit', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  let dataDir: string;
  const workers: WorkerProcess[] = [];
  const capped = new CrmEndpoint(40);

  beforeAll(async () => {
    // This process only accepts events: the two worker processes do all the running.
    t = await TestApp.start({ ROLE: 'api' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-limit-'));
    fs.cpSync(t.config.DATA_DIR, dataDir, { recursive: true });
    mock = await LoopbackServer.start();
    mock.on('POST /capped', capped.handle);
    await publishFlow(
      t,
      'capped',
      chainFlow(
        trigger('trigger.campaign', { maxConcurrentRuns: 3 }),
        postNode(`${mock.base}/capped`, '{"event":"{{event.id}}"}'),
      ),
    );
    // Two slots each: 3 in flight needs BOTH processes, and a limit counted per process would allow 4.
    const env = { WORKER_CONCURRENCY: '2', QUEUE_POLL_SECONDS: '0.5' };
    workers.push(...(await Promise.all([startWorkerProcess(t, dataDir, env), startWorkerProcess(t, dataDir, env)])));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await killWorkerProcess(w);
    await t.close();
    await mock.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the CRM at ≤ 3 requests in flight across both processes, and reaches 3 (both at work)', async () => {
    const events = campaignEvents(60, 'two');
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events).expect(202);
    const ids = events.map((e) => e.id);
    await waitFor(async () => ((await succeeded(t, ids)) === 60 ? true : undefined), 30_000, 'all 60 runs to succeed');
    capped.expectExactlyOnce(ids);
    expect(capped.maxInFlight).toBeLessThanOrEqual(3);
    expect(capped.maxInFlight).toBe(3);
  }, 40_000);
});

describe('maxConcurrentRuns: a 100,000-job backlog on one limited flow', () => {
  let t: TestApp;
  const A = crypto.randomUUID();
  const B = crypto.randomUUID();
  const C = crypto.randomUUID();
  const TENANT = crypto.randomUUID();
  const data = (flowId: string, max: number | null, campaignId?: string) =>
    JSON.stringify({
      tenantId: campaignId ? TENANT : 'x',
      ...(campaignId ? { campaignId } : {}),
      flowId,
      versionId: 'v',
      version: 1,
      trigger: 'event',
      eventId: 'e',
      retryOf: null,
      maxConcurrentRuns: max,
      input: { event: { type: 'campaign.contact' } },
    });

  beforeAll(async () => {
    // No workers here: the test calls the fetch itself.
    t = await TestApp.start({ ROLE: 'api' });
    const insert = (
      n: number,
      flowId: string,
      max: number | null,
      state: string,
      offsetSec: number,
      campaign?: string,
    ) =>
      t.db.query(
        `INSERT INTO pgboss.job (name, data, state, started_on, created_on)
         SELECT $1, $2::jsonb, $3::pgboss.job_state, CASE WHEN $3 = 'active' THEN now() END,
                now() - make_interval(secs => $4) + g * interval '1 microsecond'
         FROM generate_series(1, $5) g`,
        [FLOW_RUNS_QUEUE, data(flowId, max, campaign), state, offsetSec, n],
      );
    await insert(100_000, A, 3, 'created', 600);
    await insert(3, A, 3, 'active', 600);
    await insert(50, B, null, 'created', 60);
    // A paused campaign's 100,000 queued jobs, older than every other job: first in line but for the pause.
    await insert(100_000, C, null, 'created', 900, 'paused-big');
    await t.db.query(`INSERT INTO campaign_pauses (tenant_id, campaign_id) VALUES ($1, 'paused-big')`, [TENANT]);
    await t.db.query('ANALYZE pgboss.job');
  }, 60_000);
  afterAll(() => t.close());

  it('skips the saturated flow and a paused campaign through the indexes, not reading their backlogs', async () => {
    const started = process.hrtime.bigint();
    const { jobs, blocked } = await fetchFlowRuns(t.db, 10);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(jobs).toHaveLength(10);
    expect(jobs.every((j) => j.data.flowId === B && j.state === 'active' && j.retryCount === 0)).toBe(true);
    expect(blocked).toBe(true);

    const plan = async (sql: string, params: unknown[]) => {
      const [row] = await t.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const nodes: { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string }[] = [];
      const walk = (n: { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: unknown[] }) => {
        nodes.push(n);
        for (const c of n.Plans ?? []) walk(c as typeof n);
      };
      walk(row['QUERY PLAN'][0].Plan);
      return nodes;
    };
    const candidates = await plan(LIMITED_FETCH_SQL.candidates, [FLOW_RUNS_QUEUE, 10]);
    // campaign_pauses (a handful of rows) may be read whole; the job table never.
    const seqScans = candidates.filter((n) => n['Node Type'].includes('Seq Scan'));
    expect(seqScans.map((n) => n['Relation Name'])).toEqual(seqScans.length ? ['campaign_pauses'] : []);
    expect(candidates.some((n) => n['Index Name'] === QUEUED_BY_FLOW_INDEX)).toBe(true);
    // Run for real: the job table's rows read stay near the pairs and the batch, not the backlogs.
    const [analyzed] = await t.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${LIMITED_FETCH_SQL.candidates}`, [
      FLOW_RUNS_QUEUE,
      10,
    ]);
    const read: number[] = [];
    const walkRows = (n: { 'Actual Rows'?: number; 'Actual Loops'?: number; 'Index Name'?: string; Plans?: [] }) => {
      if (n['Index Name']) read.push((n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1));
      for (const c of n.Plans ?? []) walkRows(c);
    };
    walkRows(analyzed['QUERY PLAN'][0].Plan);
    expect(read.reduce((a, b) => a + b, 0)).toBeLessThan(100);
    const active = await plan(LIMITED_FETCH_SQL.active, [FLOW_RUNS_QUEUE]);
    expect(active.some((n) => n['Index Name'] === ACTIVE_BY_FLOW_INDEX)).toBe(true);
    const again = process.hrtime.bigint();
    const repeat = await fetchFlowRuns(t.db, 10);
    const msAgain = Number(process.hrtime.bigint() - again) / 1e6;
    expect(repeat.jobs).toHaveLength(10);
    process.stdout.write(
      `limited fetch over a 100,000-job backlog and a paused 100,000: ${ms.toFixed(1)} ms, ` +
        `again ${msAgain.toFixed(1)} ms\n`,
    );

    // Once A's runs are done, its oldest jobs come next, no more than its limit.
    await t.db.query(
      `UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE name = $1 AND state = 'active'`,
      [FLOW_RUNS_QUEUE],
    );
    const next = await fetchFlowRuns(t.db, 10);
    expect(next.jobs.map((j) => j.data.flowId).sort()).toEqual([A, A, A, B, B, B, B, B, B, B].sort());
    // Resumed: the paused campaign's jobs, the oldest of all, come first.
    await t.db.query(`DELETE FROM campaign_pauses WHERE tenant_id = $1`, [TENANT]);
    const resumed = await fetchFlowRuns(t.db, 10);
    expect(resumed.jobs.map((j) => j.data.flowId)).toEqual(Array(10).fill(C));
  });
});
