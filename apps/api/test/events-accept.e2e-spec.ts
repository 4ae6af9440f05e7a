/**
 * What `POST /events` leaves in the database when it answers 202 (one statement claims the pairs
 * and writes the executions rows and the pg-boss jobs, triggers/event-enqueue.ts): every row of a
 * batch of 1000, one run per (flow, event id) within a batch and across concurrent batches, and
 * jobs like the ones pg-boss's own insert makes. ROLE=api: no worker takes the jobs meanwhile.
 */
import crypto from 'node:crypto';
import { FLOW_RUNS_QUEUE } from '../src/queue/flow-runs.queue';
import { QueueService } from '../src/queue/queue.service';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow } from './support/triggers';

const uid = (p: string) => `${p}-${crypto.randomBytes(5).toString('hex')}`;

interface Accepted {
  accepted: { eventId: string; executionIds: string[] }[];
}

describe('events: what the 202 leaves durable', () => {
  let t: TestApp;
  let flows: { id: string; version: number }[];

  const send = (body: unknown) =>
    t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send(body as object);
  const ended = (id: string, i = 0) => ({
    id,
    type: 'call.ended',
    call: { id: `c-${i}`, callerId: `+3906${String(i).padStart(7, '0')}`, queue: 'accept' },
  });
  const count = async (sql: string, params: unknown[]) => ((await t.db.query(sql, params)) as { n: number }[])[0]!.n;
  const runsOf = (ids: string[]) => count(`SELECT count(*)::int AS n FROM executions WHERE event_id = ANY($1)`, [ids]);
  const jobsOf = (ids: string[]) =>
    count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $2 AND data->>'eventId' = ANY($1)`, [
      ids,
      FLOW_RUNS_QUEUE,
    ]);
  const claimsOf = (ids: string[]) =>
    count(`SELECT count(*)::int AS n FROM event_runs WHERE event_id = ANY($1)`, [ids]);

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    const deliver = postNode('http://127.0.0.1:9/none', '{}');
    flows = [
      await publishFlow(
        t,
        'accept-a',
        chainFlow({ id: 't', type: 'trigger.end_of_call', name: 's', config: {} }, deliver),
      ),
      await publishFlow(
        t,
        'accept-b',
        chainFlow(
          { id: 't', type: 'trigger.end_of_call', name: 's', config: { queues: ['accept'], maxConcurrentRuns: 3 } },
          deliver,
        ),
      ),
    ];
  });
  afterAll(async () => {
    await t.close();
  });

  it('a batch of 1000: every claim, queued row and job is there at the 202, each job naming its run', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ended(uid(`k${i}`), i));
    const ids = events.map((e) => e.id);
    const r = await send(events).expect(202);
    const body = r.body as Accepted;
    expect(body.accepted.map((a) => a.eventId)).toEqual(ids);
    for (const a of body.accepted) expect(a.executionIds).toHaveLength(2);
    expect(await claimsOf(ids)).toBe(2000);
    expect(
      await count(`SELECT count(*)::int AS n FROM executions WHERE event_id = ANY($1) AND status = 'queued'`, [ids]),
    ).toBe(2000);
    expect(await jobsOf(ids)).toBe(2000);
    // The job of an answered execution id carries the run as a FlowRunJob; its row matches.
    const executionId = body.accepted[7]!.executionIds[1]!;
    const [job] = await t.db.query(`SELECT state, data FROM pgboss.job WHERE id = $1`, [executionId]);
    const flow = job.data.flowId === flows[0]!.id ? flows[0]! : flows[1]!;
    expect(job).toEqual({
      state: 'created',
      data: {
        executionId,
        tenantId: expect.any(String),
        flowId: flow.id,
        versionId: expect.any(String),
        version: flow.version,
        trigger: 'event',
        eventId: ids[7],
        retryOf: null,
        maxConcurrentRuns: flow === flows[1] ? 3 : null,
        input: { event: { type: 'call.ended', id: ids[7], at: expect.any(String) }, call: events[7]!.call },
        campaignId: '',
      },
    });
    const [row] = await t.db.query(
      `SELECT flow_id, flow_version, trigger_type, event_id, call_id, phone, input, steps, retry_of, campaign_id
       FROM executions WHERE id = $1`,
      [executionId],
    );
    expect(row).toEqual({
      flow_id: flow.id,
      flow_version: flow.version,
      trigger_type: 'event',
      event_id: ids[7],
      call_id: 'c-7',
      phone: '+39060000007',
      input: job.data.input,
      steps: [],
      retry_of: null,
      campaign_id: '',
    });
  }, 60_000);

  it('copies of an id within one batch are one event: one run per flow, every copy answered with it', async () => {
    const [a, b] = [uid('dup-a'), uid('dup-b')];
    const r = await send([ended(a), ended(b), ended(a), ended(a, 5)]).expect(202);
    const body = r.body as Accepted;
    expect(body.accepted.map((x) => x.eventId)).toEqual([a, b, a, a]);
    expect(body.accepted[2]!.executionIds).toEqual(body.accepted[0]!.executionIds);
    expect(body.accepted[3]!.executionIds).toEqual(body.accepted[0]!.executionIds);
    expect(await runsOf([a])).toBe(2);
    expect(await jobsOf([a])).toBe(2);
    // The first copy counts.
    expect(await count(`SELECT count(*)::int AS n FROM executions WHERE event_id = $1 AND call_id = 'c-0'`, [a])).toBe(
      2,
    );
  });

  it('concurrent batches with the same ids, in different orders: one run per pair, all answers agree', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => uid(`cc${i}`));
    const orders = [ids, [...ids].reverse(), [...ids.slice(150), ...ids.slice(0, 150)], ids.filter((_, i) => i % 2)];
    const answers = await Promise.all(orders.map((o) => send(o.map((id) => ended(id))).expect(202)));
    const seen = new Map<string, string[]>();
    for (const r of answers)
      for (const a of (r.body as Accepted).accepted) {
        expect(a.executionIds).toHaveLength(2);
        const first = seen.get(a.eventId);
        if (first) expect(a.executionIds).toEqual(first);
        else seen.set(a.eventId, a.executionIds);
      }
    expect(seen.size).toBe(300);
    expect(await claimsOf(ids)).toBe(600);
    expect(await runsOf(ids)).toBe(600);
    expect(await jobsOf(ids)).toBe(600);
    const answered = [...seen.values()].flat();
    expect(await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE id = ANY($1)`, [answered])).toBe(600);
  }, 60_000);

  it("writes jobs as pg-boss's own insert does, column for column", async () => {
    const id = uid('cols');
    const r = await send(ended(id)).expect(202);
    const ours = (r.body as Accepted).accepted[0]!.executionIds[0]!;
    const theirs = crypto.randomUUID();
    await t.app.get(QueueService).client.insert([{ id: theirs, name: FLOW_RUNS_QUEUE, data: {} }]);
    const cols = `name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, expire_in,
      keep_until - start_after AS kept, start_after - created_on AS delay, singleton_key, singleton_on, dead_letter,
      policy, output`;
    const [a] = await t.db.query(`SELECT ${cols} FROM pgboss.job WHERE id = $1`, [ours]);
    const [b] = await t.db.query(`SELECT ${cols} FROM pgboss.job WHERE id = $1`, [theirs]);
    expect(a).toEqual(b);
    expect(a.retry_limit).toBe(t.config.EVENT_RETRY_LIMIT);
  });
});
