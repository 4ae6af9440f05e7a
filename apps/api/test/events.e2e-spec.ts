import crypto from 'node:crypto';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { RetentionService } from '../src/queue/retention.service';
import { TestApp } from './harness';
import {
  chainFlow,
  finishedExecution,
  postNode,
  publishFlow,
  waitFor,
  type ExecutionRowView,
} from './support/triggers';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const uid = (p: string) => `${p}-${crypto.randomBytes(5).toString('hex')}`;

describe('events: POST /api/v1/events', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  /** Deliveries per "flow|event id". */
  const deliveries = new Map<string, number>();
  let flakyCalls = 0;

  const deliveredTo = (flow: string, eventId: string) => deliveries.get(`${flow}|${eventId}`) ?? 0;
  const send = (body: unknown) =>
    t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send(body as object);
  const trigger = (type: string, config: Record<string, unknown> = {}) => ({ id: 't', type, name: 'start', config });
  const deliver = (flow: string) =>
    postNode(`${mock.base}/deliveries`, `{"flow":"${flow}","event":"{{event.id}}","type":"{{event.type}}"}`);
  const finished = (ids: string[]) => Promise.all(ids.map((id) => finishedExecution(t, id, 20_000)));

  beforeAll(async () => {
    t = await TestApp.start();
    mock = await LoopbackServer.start();
    mock.on('POST /deliveries', (req, res) => {
      const { flow, event } = JSON.parse(req.body) as { flow: string; event: string };
      deliveries.set(`${flow}|${event}`, (deliveries.get(`${flow}|${event}`) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    mock.on('POST /flaky', (_req, res) => {
      flakyCalls++;
      res.writeHead(flakyCalls === 1 ? 500 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await publishFlow(
      t,
      'eoc-sales',
      chainFlow(
        trigger('trigger.end_of_call', { queues: ['sales'], directions: ['in'], dispositions: ['answered'] }),
        deliver('eoc-sales'),
      ),
    );
    await publishFlow(t, 'eoc-all', chainFlow(trigger('trigger.end_of_call'), deliver('eoc-all')));
    await publishFlow(
      t,
      'spring',
      chainFlow(trigger('trigger.campaign', { campaignIds: ['spring'] }), deliver('spring')),
    );
    await publishFlow(t, 'sms', chainFlow(trigger('trigger.campaign', { events: ['sms.sent'] }), deliver('sms')));
    await publishFlow(
      t,
      'flaky',
      chainFlow(trigger('trigger.campaign', { campaignIds: ['flaky'] }), postNode(`${mock.base}/flaky`, '{}')),
    );
    await publishFlow(t, 'ivr', chainFlow(trigger('trigger.ivr'), deliver('ivr')));
  });
  afterAll(async () => {
    await t.close();
    await mock.close();
  });

  it('runs every matching published flow for one event and answers 202 {accepted}', async () => {
    const id = uid('e');
    const r = await send({
      id,
      type: 'call.ended',
      call: { id: 'c-1', callerId: '+3906', queue: 'sales', direction: 'in', disposition: 'answered' },
    }).expect(202);
    expect(r.body).toEqual({ accepted: [{ eventId: id, executionIds: [expect.any(String), expect.any(String)] }] });
    const rows = await finished(r.body.accepted[0].executionIds);
    for (const row of rows)
      expect(row).toMatchObject({
        status: 'succeeded',
        trigger_type: 'event',
        event_id: id,
        call_id: 'c-1',
        phone: '+3906',
      });
    expect(rows[0]!.input).toMatchObject({
      call: { queue: 'sales' },
      event: { type: 'call.ended', id, at: expect.any(String) },
    });
    expect(deliveredTo('eoc-sales', id)).toBe(1);
    expect(deliveredTo('eoc-all', id)).toBe(1);
  });

  it('matches each event of an array by type and filters', async () => {
    const ids = ['support', 'outbound', 'spring', 'autumn', 'sms', 'ringing'].map(uid);
    const r = await send([
      { id: ids[0], type: 'call.ended', call: { queue: 'support', direction: 'in', disposition: 'answered' } },
      { id: ids[1], type: 'call.ended', call: { queue: 'sales', direction: 'out', disposition: 'answered' } },
      { id: ids[2], type: 'campaign.contact', campaign: { id: 'spring' }, contact: { phone: '+1555' } },
      { id: ids[3], type: 'campaign.contact', campaign: { id: 'autumn' } },
      { id: ids[4], type: 'sms.sent', contact: { phone: '+1555' }, at: '2025-11-21T10:00:00Z' },
      { id: ids[5], type: 'call.ringing', call: { queue: 'sales' } },
    ]).expect(202);
    const counts = r.body.accepted.map((a: { executionIds: string[] }) => a.executionIds.length);
    expect(counts).toEqual([1, 1, 1, 0, 1, 0]);
    await finished(r.body.accepted.flatMap((a: { executionIds: string[] }) => a.executionIds));
    expect(deliveredTo('eoc-all', ids[0]!)).toBe(1);
    expect(deliveredTo('eoc-sales', ids[0]!)).toBe(0);
    expect(deliveredTo('eoc-sales', ids[1]!)).toBe(0);
    expect(deliveredTo('spring', ids[2]!)).toBe(1);
    expect(deliveredTo('sms', ids[4]!)).toBe(1);
    const [sms] = await t.db.query(`SELECT input, phone FROM executions WHERE event_id = $1`, [ids[4]]);
    expect(sms).toMatchObject({ phone: '+1555', input: { event: { at: '2025-11-21T10:00:00Z' } } });
  });

  it('runs a repeated event id once: 5 parallel copies, then a late copy', async () => {
    const id = uid('dup');
    const event = { id, type: 'call.ended', call: { queue: 'idem' } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(event)));
    for (const a of answers) expect(a.status).toBe(202);
    const first = answers[0]!.body.accepted[0].executionIds as string[];
    expect(first).toHaveLength(1);
    for (const a of answers) expect(a.body.accepted[0].executionIds).toEqual(first);
    await finished(first);
    const late = await send([event, event]).expect(202);
    expect(late.body.accepted).toEqual([
      { eventId: id, executionIds: first },
      { eventId: id, executionIds: first },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveredTo('eoc-all', id)).toBe(1);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM executions WHERE event_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it('accepts 1000 events quickly and runs them all', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({
      id: uid(`bulk${i}`),
      type: 'call.ended',
      call: { id: `bulk-${i}`, queue: 'bulk' },
    }));
    const started = Date.now();
    const r = await send(events).expect(202);
    const acceptMs = Date.now() - started;
    expect(r.body.accepted).toHaveLength(1000);
    expect(acceptMs).toBeLessThan(3000);
    await waitFor(
      async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM executions WHERE status = 'succeeded' AND call_id LIKE 'bulk-%'`,
        );
        return n === 1000 ? n : undefined;
      },
      30_000,
      '1000 runs',
    );
    expect(events.every((e) => deliveredTo('eoc-all', e.id) === 1)).toBe(true);
    process.stdout.write(`events: accepted 1000 in ${acceptMs} ms\n`);
  }, 60_000);

  it('rejects bad items naming their index, and accepts none of the batch', async () => {
    const good = { id: uid('good'), type: 'call.ended', call: {} };
    const bad = await send([good, { id: 'x', type: 'call.exploded' }]).expect(400);
    expect(bad.body.message).toMatch(/^events\[1\]\.type: /);
    expect((await send([good, 'nope']).expect(400)).body.message).toBe('events[1]: must be an event object');
    expect((await send([{ ...good, extra: true }]).expect(400)).body.message).toMatch(
      /^events\[0\]\.extra: property extra should not exist/,
    );
    expect((await send([{ type: 'call.ended' }]).expect(400)).body.message).toMatch(/^events\[0\]\.id: /);
    expect((await send({ id: 'x', type: 'sms.sent', call: 'c-1' }).expect(400)).body.message).toMatch(/^event\.call: /);
    expect((await send({ id: 'x', type: 'sms.sent', at: 'yesterday' }).expect(400)).body.message).toMatch(
      /^event\.at: /,
    );
    // U+0000 (PostgreSQL cannot store it), in a value or a key, at any depth: the route's own check.
    const nulValue = await send([good, { id: 'n', type: 'sms.sent', contact: { name: 'a\u0000b' } }]).expect(400);
    expect(nulValue.body.message).toMatch(/^events\[1\]\.contact\.name: /);
    const nulKey = await send({ id: 'n', type: 'sms.sent', call: { tags: [{ 'k\u0000': 1 }] } }).expect(400);
    expect(nulKey.body.message).toMatch(/^event\.call\.tags\[0\]\.k/);
    // A number JSON cannot hold (read as Infinity, it would be stored as null).
    const big = await t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .set('content-type', 'application/json')
      .send('[{"id": "b1", "type": "sms.sent"}, {"id": "b2", "type": "sms.sent", "contact": {"score": [1, -1e400]}}]')
      .expect(400);
    expect(big.body.message).toBe('events[1].contact.score[1]: number out of range (beyond ±1.8e308)');
    // Neither an object nor an array: told what the route takes (not "must be a JSON object").
    for (const body of ['null', '12', '"x"', 'true', '1e400']) {
      const r = await t
        .http()
        .post('/api/v1/events')
        .set('x-api-key', t.apiKey)
        .set('content-type', 'application/json')
        .send(body);
      expect([body, r.status, r.body.message]).toEqual([
        body,
        400,
        'send one event object or an array of events (JSON)',
      ]);
    }
    const many = await send([
      { id: 1, type: 'x' },
      { id: 2, type: 'y' },
    ]).expect(400);
    expect(many.body.details).toHaveLength(2);
    await send([]).expect(400);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM executions WHERE event_id = $1`, [good.id])).toEqual([
      { n: 0 },
    ]);
  });

  it("refuses a campaign id longer than the campaign's page takes; one of 200 characters can be opened", async () => {
    const long = 'c'.repeat(201);
    const r = await send([{ id: uid('long'), type: 'call.ended', call: {}, campaign: { id: long } }]).expect(400);
    expect(r.body.message).toBe('events[0].campaign.id: at most 200 characters');
    const viaCall = await send({ id: uid('long'), type: 'call.ended', call: { campaignId: long } }).expect(400);
    expect(viaCall.body.message).toBe('event.call.campaignId: at most 200 characters');
    // Off the quick path (an id outside the BMP goes through the full validation) the same check applies.
    const full = await send({ id: uid('\u{1F4DE}'), type: 'sms.sent', campaign: { id: long } }).expect(400);
    expect(full.body.message).toBe('event.campaign.id: at most 200 characters');
    // Characters, not UTF-16 units: 200 emoji are 200 characters.
    const emoji = '\u{1F4DE}'.repeat(200);
    const fits = await send({ id: uid('emoji'), type: 'sms.sent', campaign: { id: emoji } }).expect(202);
    expect(fits.body.accepted[0].eventId).toMatch(/^emoji-/);
    expect(
      (await send({ id: uid('emoji'), type: 'sms.sent', campaign: { id: `${emoji}x` } }).expect(400)).body.message,
    ).toBe('event.campaign.id: at most 200 characters');
    const id = `${'c'.repeat(199)}d`;
    const ok = await send({ id: uid('edge'), type: 'call.ended', call: {}, campaign: { id } }).expect(202);
    await finished(ok.body.accepted[0].executionIds);
    const page = await t.as('get', `/api/v1/campaigns/${id}`).expect(200);
    expect(page.body).toMatchObject({ campaignId: id, accepted: 1, succeeded: 1 });
  });

  it('refuses more than 1000 events with 413', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({ id: `big-${i}`, type: 'sms.sent' }));
    const r = await send(events).expect(413);
    expect(r.body.message).toMatch(/at most 1000 events/);
  });

  it('reads numeric event ids as strings', async () => {
    const n = Date.now();
    const r = await send({ id: n, type: 'call.ended', call: {} }).expect(202);
    expect(r.body.accepted[0].eventId).toBe(String(n));
  });

  it('needs an API key with the scope', async () => {
    await t.http().post('/api/v1/events').send({ id: 'x', type: 'sms.sent' }).expect(401);
    await t
      .http()
      .post('/api/v1/events')
      .set('authorization', `Bearer ${t.token}`)
      .send({ id: 'x', type: 'sms.sent' })
      .expect(401);
  });

  it('prunes executions and event records older than the retention, keeping recent ones', async () => {
    const [{ tenant_id: tenantId }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
    const old = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO executions (id, tenant_id, trigger_type, status, input, started_at) ` +
        `VALUES ($1, $2, 'event', 'succeeded', '{}', now() - interval '15 days')`,
      [old, tenantId],
    );
    await t.db.query(
      `INSERT INTO event_runs (tenant_id, flow_id, event_id, execution_id, created_at) ` +
        `VALUES ($1, $2, 'old-event', $3, now() - interval '15 days')`,
      [tenantId, UNKNOWN, old],
    );
    const [{ n: before }] = await t.db.query(`SELECT count(*)::int AS n FROM executions`);
    expect(await t.app.get(RetentionService).prune()).toMatchObject({ executions: 1, eventRuns: 1 });
    const [{ n: after }] = await t.db.query(`SELECT count(*)::int AS n FROM executions`);
    expect(after).toBe(before - 1);
    expect(await t.db.query(`SELECT 1 FROM event_runs WHERE event_id = 'old-event'`)).toEqual([]);
  });

  describe('retry: POST /api/v1/executions/:id/retry', () => {
    it('re-runs a failed execution as a new one with retry_of, and refuses others', async () => {
      const r = await send({ id: uid('flaky'), type: 'campaign.contact', campaign: { id: 'flaky' } }).expect(202);
      const [failedId] = r.body.accepted[0].executionIds as string[];
      const failed = await finishedExecution(t, failedId!);
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'HTTP_STATUS' } });

      const retry = await t.as('post', `/api/v1/executions/${failedId}/retry`).expect(202);
      expect(retry.body).toEqual({ executionId: expect.any(String) });
      const row: ExecutionRowView = await finishedExecution(t, retry.body.executionId);
      expect(row).toMatchObject({
        status: 'succeeded',
        trigger_type: 'retry',
        retry_of: failedId,
        event_id: failed.event_id,
        input: failed.input,
      });
      expect(flakyCalls).toBe(2);

      const conflict = await t.as('post', `/api/v1/executions/${retry.body.executionId}/retry`).expect(409);
      expect(conflict.body.message).toMatch(
        /only failed or timed-out executions can be retried; this one is succeeded/,
      );
      await t.as('post', `/api/v1/executions/${UNKNOWN}/retry`).expect(404);
      await t.http().post(`/api/v1/executions/${failedId}/retry`).set('x-api-key', t.apiKey).expect(401);
    });
  });
});
