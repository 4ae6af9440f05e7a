import crypto from 'node:crypto';
import { UNKNOWN } from './flow-fixtures';
import { TestApp } from './harness';

const E = '/api/v1/executions';
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

interface Seeded {
  id: string;
  flowId: string | null;
  status: string;
  triggerType: string;
  callId: string | null;
  phone: string | null;
  startedAt: string;
}

describe('executions API', () => {
  let t: TestApp;
  let tenantId: string;
  const flowA = crypto.randomUUID();
  const flowB = crypto.randomUUID();
  const rows: Seeded[] = [];
  /** Newest first, as the API lists them (ties on started_at broken by id, descending). */
  let newestFirst: Seeded[];

  beforeAll(async () => {
    t = await TestApp.start();
    [{ tenant_id: tenantId }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
    const statuses = ['succeeded', 'failed', 'timeout', 'running', 'queued'];
    const triggers = ['ivr', 'event', 'webhook', 'test', 'retry'];
    for (let i = 0; i < 25; i++) {
      // Rows 20-24 share one started_at (microsecond precision) to exercise the id tie-break.
      const startedAt = i >= 20 ? '2025-03-01T12:00:00.123456Z' : new Date(T0 + i * 60_000).toISOString();
      const row: Seeded = {
        id: crypto.randomUUID(),
        flowId: i % 3 === 2 ? null : i % 3 === 0 ? flowA : flowB,
        status: statuses[i % 5]!,
        triggerType: triggers[i % 5]!,
        callId: i < 4 ? 'call-1' : `call-${i}`,
        phone: i % 2 === 0 ? '+390600000' : null,
        startedAt,
      };
      rows.push(row);
      await t.db.query(
        `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, call_id, phone,
                                 input, output, error, steps, started_at, finished_at, duration_ms)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7,
                 $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12, $12::timestamptz + interval '5 ms', 5)`,
        [
          row.id,
          tenantId,
          row.flowId,
          row.triggerType,
          row.status,
          row.callId,
          row.phone,
          JSON.stringify({ call: { id: row.callId } }),
          JSON.stringify({ n: i }),
          row.status === 'failed'
            ? JSON.stringify({ code: 'HTTP_STATUS', message: 'the server answered 500', nodeId: 'h' })
            : null,
          JSON.stringify([
            {
              seq: 1,
              nodeId: 't',
              name: 'ivr',
              type: 'trigger.ivr',
              status: 'succeeded',
              startedAt: startedAt,
              durationMs: 0,
            },
          ]),
          startedAt,
        ],
      );
    }
    newestFirst = [...rows].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.id < b.id ? 1 : -1));
  });
  afterAll(() => t?.close());

  const ids = (body: { items: { id: string }[] }) => body.items.map((e) => e.id);

  it('lists newest first, 50 by default, without input, output and steps', async () => {
    const r = await t.as('get', E).expect(200);
    expect(ids(r.body)).toEqual(newestFirst.map((e) => e.id));
    expect(r.body.nextCursor).toBeUndefined();
    const failed = r.body.items.find((e: { status: string }) => e.status === 'failed');
    expect(Object.keys(failed).sort()).toEqual(
      [
        'callId',
        'durationMs',
        'error',
        'eventId',
        'finishedAt',
        'flowId',
        'flowVersion',
        'id',
        'phone',
        'retryOf',
        'startedAt',
        'status',
        'triggerType',
      ].sort(),
    );
    expect(failed).toMatchObject({
      flowVersion: 1,
      durationMs: 5,
      eventId: null,
      error: { code: 'HTTP_STATUS', message: 'the server answered 500', nodeId: 'h' },
    });
  });

  it('pages with an opaque cursor, no row lost or repeated (also across equal timestamps)', async () => {
    for (const limit of [1, 4, 7, 10]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await t
          .as('get', `${E}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .expect(200);
        expect(r.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(r.body));
        cursor = r.body.nextCursor;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        pages++;
      } while (cursor && pages < 100);
      expect([limit, seen]).toEqual([limit, newestFirst.map((e) => e.id)]);
      expect(pages).toBe(Math.ceil(25 / limit));
    }
  });

  it('filters by flow, status, trigger type, call id, phone and time, combined with AND and the cursor', async () => {
    const expectFilter = async (query: string, pick: (e: Seeded) => boolean) => {
      const r = await t.as('get', `${E}?${query}`).expect(200);
      const want = newestFirst.filter(pick).map((e) => e.id);
      expect([query, ids(r.body)]).toEqual([query, want]);
      expect(want.length).toBeGreaterThan(0);
    };
    await expectFilter(`flowId=${flowA}`, (e) => e.flowId === flowA);
    await expectFilter('status=failed', (e) => e.status === 'failed');
    await expectFilter('triggerType=webhook', (e) => e.triggerType === 'webhook');
    await expectFilter('callId=call-1', (e) => e.callId === 'call-1');
    await expectFilter(`phone=${encodeURIComponent('+390600000')}`, (e) => e.phone === '+390600000');
    const from = new Date(T0 + 5 * 60_000).toISOString();
    const to = new Date(T0 + 10 * 60_000).toISOString();
    await expectFilter(
      `from=${from}&to=${to}`,
      (e) => Date.parse(e.startedAt) >= Date.parse(from) && Date.parse(e.startedAt) < Date.parse(to),
    );
    await expectFilter(`from=2025-03-01T12:00:00Z`, (e) => e.startedAt.startsWith('2025-03-01T12'));
    await expectFilter(`flowId=${flowB}&status=failed`, (e) => e.flowId === flowB && e.status === 'failed');
    await expectFilter(
      'status=succeeded&phone=%2B390600000',
      (e) => e.status === 'succeeded' && e.phone === '+390600000',
    );
    expect((await t.as('get', `${E}?flowId=${UNKNOWN}`).expect(200)).body).toEqual({ items: [] });

    const p1 = await t.as('get', `${E}?flowId=${flowA}&limit=3`).expect(200);
    const p2 = await t.as('get', `${E}?flowId=${flowA}&limit=3&cursor=${p1.body.nextCursor}`).expect(200);
    expect([...ids(p1.body), ...ids(p2.body)]).toEqual(
      newestFirst
        .filter((e) => e.flowId === flowA)
        .slice(0, 6)
        .map((e) => e.id),
    );
  });

  it('refuses bad query values with 400', async () => {
    for (const q of [
      'status=done',
      'triggerType=cron',
      'from=yesterday',
      'to=2025-13-45',
      'limit=201',
      'limit=0',
      'limit=x',
      'flowId=abc',
      'cursor=bad',
      `cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
      'status=failed&status=timeout',
      'color=red',
    ]) {
      const r = await t.as('get', `${E}?${q}`);
      expect([q, r.status]).toEqual([q, 400]);
      expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    }
  });

  it('returns one execution with its input, output and steps', async () => {
    const row = rows[1]!;
    const r = await t.as('get', `${E}/${row.id}`).expect(200);
    expect(r.body).toEqual({
      id: row.id,
      flowId: row.flowId,
      flowVersion: 1,
      triggerType: row.triggerType,
      status: 'failed',
      eventId: null,
      callId: 'call-1',
      phone: null,
      retryOf: null,
      startedAt: row.startedAt,
      finishedAt: new Date(Date.parse(row.startedAt) + 5).toISOString(),
      durationMs: 5,
      error: { code: 'HTTP_STATUS', message: 'the server answered 500', nodeId: 'h' },
      input: { call: { id: 'call-1' } },
      output: { n: 1 },
      steps: [
        {
          seq: 1,
          nodeId: 't',
          name: 'ivr',
          type: 'trigger.ivr',
          status: 'succeeded',
          startedAt: row.startedAt,
          durationMs: 0,
        },
      ],
    });
    expect(r.body.tenantId).toBeUndefined();
  });

  it('answers 400 for a junk id, 404 for an unknown one, 401 without a token', async () => {
    await t.as('get', `${E}/not-a-uuid`).expect(400);
    const r = await t.as('get', `${E}/${UNKNOWN}`).expect(404);
    expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'execution not found' });
    await t.http().get(E).expect(401);
    await t.http().get(`${E}/${rows[0]!.id}`).expect(401);
  });

  it("never lists or returns another tenant's executions", async () => {
    const [{ id: other }] = await t.db.query(`INSERT INTO tenants (name) VALUES ('Other') RETURNING id`);
    const foreign = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO executions (id, tenant_id, flow_id, trigger_type, status, call_id, phone, input, ` +
        `started_at) VALUES ($1, $2, $3, 'ivr', 'succeeded', ` +
        `'call-1', '+390600000', '{}', '2030-01-01T00:00:00Z')`,
      [foreign, other, flowA],
    );
    await t.as('get', `${E}/${foreign}`).expect(404);
    for (const q of [
      '',
      '?limit=200',
      `?flowId=${flowA}`,
      '?callId=call-1',
      '?phone=%2B390600000',
      '?from=2029-01-01T00:00:00Z',
      '?status=succeeded&triggerType=ivr',
    ]) {
      const r = await t.as('get', `${E}${q}`).expect(200);
      expect(ids(r.body)).not.toContain(foreign);
    }
  });
});
