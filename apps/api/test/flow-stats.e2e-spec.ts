import type { FlowStats } from '@callflow/flow';
import { RetentionService } from '../src/queue/retention.service';
import { routingFlow, StatsCrm } from './fakes/stats-crm.fake';
import { TestApp } from './harness';
import { chainFlow, finishedExecution, postNode, publishFlow, waitFor } from './support/triggers';

/** A reported percentile is within 9.1 % of the exact nearest-rank one (10 µs below 10 µs): duration-histogram.ts. */
const BUCKET_ERROR = 0.0906;

/** Exact nearest-rank percentile. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function expectNear(got: number | null, want: number, what: string): void {
  if (got === null || Math.abs(got - want) > want * BUCKET_ERROR + 0.01)
    throw new Error(`${what}: ${got} is not within 9.1 % of ${want}`);
}

describe('flow stats: GET /api/v1/flows/:id/stats', () => {
  let t: TestApp;
  let crm: StatsCrm;
  let routing: { id: string };
  let campaign: { id: string };
  const answers: { executionId: string; status: string; output: unknown; error?: unknown }[] = [];
  const phones = Array.from({ length: 24 }, (_, i) => `+3906100${String(i).padStart(3, '0')}`);

  const stats = async (flowId: string, range = 'hour'): Promise<FlowStats> =>
    (await t.as('get', `/api/v1/flows/${flowId}/stats?range=${range}`).expect(200)).body;

  beforeAll(async () => {
    t = await TestApp.start();
    crm = await StatsCrm.start();
    routing = await publishFlow(t, 'routing', routingFlow(crm.base));
    campaign = await publishFlow(
      t,
      'dialer',
      chainFlow(
        { id: 't', type: 'trigger.campaign', name: 'dialer', config: {} },
        { ...postNode(`${crm.base}/customers`, '{"phone":"{{contact.phone}}"}', 'crm'), id: 'crm' },
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  it('answers an empty, zero-filled window before any run', async () => {
    const s = await stats(routing.id);
    expect(s).toMatchObject({ flowId: routing.id, range: 'hour', triggerType: 'trigger.ivr', bucketSeconds: 60 });
    expect(s.series).toHaveLength(60);
    expect(s.series.every((p) => p.runs === 0 && p.p95 === null)).toBe(true);
    expect(s.totals).toMatchObject({ runs: 0, errors: 0, errorRate: null, p50: null });
    expect(s.nodes).toEqual([]);
    expect(Date.parse(s.to) - Date.parse(s.from)).toBe(3600_000);
  });

  it('counts IVR calls as they finish: errors, fallbacks, deadline misses, percentiles and the slow node', async () => {
    phones.forEach((p, i) => crm.delays.set(p, 20 + 15 * (i % 6)));
    // Two calls past the 1 s deadline (answered with the fallback, then finished), three failing tickets.
    crm.delays.set(phones[5]!, 1200);
    crm.delays.set(phones[17]!, 1300);
    for (const i of [3, 11, 19]) crm.failing.add(phones[i]!);
    for (let i = 0; i < phones.length; i += 6)
      answers.push(
        ...(await Promise.all(
          phones.slice(i, i + 6).map(async (callerId) => {
            const r = await t
              .http()
              .post('/api/v1/ivr/routing')
              .set('x-api-key', t.apiKey)
              .send({ call: { id: callerId, callerId, calledNumber: '+3906999' } })
              .expect(200);
            return r.body as { executionId: string; status: string; output: unknown; error?: unknown };
          }),
        )),
      );
    // A test run of the same flow is not counted.
    await t
      .as('post', '/api/v1/flows/test-run')
      .send({
        flowId: routing.id,
        definition: (await t.as('get', `/api/v1/flows/${routing.id}`)).body.definition,
        input: { call: { callerId: '+3906100999' } },
      })
      .expect(200);
    expect(crm.violations).toEqual([]);
    // What the callers got is the reference (a loaded machine may make another call miss the deadline too).
    const misses = answers.filter((a) => a.status === 'timeout').length;
    expect(misses).toBeGreaterThanOrEqual(2);

    const ids = answers.map((a) => a.executionId);
    const rows = await Promise.all(ids.map((id) => finishedExecution(t, id)));
    const recorded: {
      status: string;
      duration_ms: number;
      steps: { nodeId: string; durationMs: number; status: string }[];
    }[] = await t.db.query(
      `SELECT status, duration_ms, steps FROM executions WHERE flow_id = $1 AND trigger_type <> 'test'`,
      [routing.id],
    );
    expect(recorded).toHaveLength(rows.length);
    const s = await waitFor(
      async () => {
        const got = await stats(routing.id);
        return got.totals.runs === recorded.length ? got : undefined;
      },
      10_000,
      'the stats to count every run',
    );

    const failed = recorded.filter((r) => r.status !== 'succeeded').length;
    const fallbacks = answers.filter((a) => JSON.stringify(a.output) === '{"queue":"default"}').length;
    expect(failed).toBe(3);
    expect(fallbacks).toBe(failed + misses);
    expect(s.totals).toMatchObject({
      runs: 24,
      errors: failed,
      errorRate: failed / 24,
      fallbacks,
      deadlineMisses: misses,
      maxMs: Math.max(...recorded.map((r) => r.duration_ms)),
    });
    const durations = recorded.map((r) => r.duration_ms);
    for (const q of ['p50', 'p95', 'p99'] as const)
      expectNear(s.totals[q], exact(durations, Number(q.slice(1)) / 100), `run ${q}`);
    // Every run finished within this minute or the one before: the series holds them all.
    expect(s.series.reduce((n, p) => n + p.runs, 0)).toBe(24);
    expect(s.series.reduce((n, p) => n + p.deadlineMisses, 0)).toBe(misses);

    // Per node, against the recorded steps: the slow CRM is the first row, the failing ticket node has the errors.
    const ran = new Set(recorded.flatMap((r) => r.steps.map((x) => x.nodeId)));
    expect(new Set(s.nodes.map((n) => n.nodeId))).toEqual(ran);
    expect(s.nodes.map((n) => n.nodeId).slice(0, 2)).toEqual(['crm', 'tickets']);
    for (const n of s.nodes) {
      const steps = recorded.flatMap((r) => r.steps.filter((x) => x.nodeId === n.nodeId));
      expect(n).toMatchObject({ runs: steps.length, errors: steps.filter((x) => x.status === 'failed').length });
      const ms = steps.map((x) => x.durationMs);
      for (const q of ['p50', 'p95', 'p99'] as const)
        expectNear(n[q], exact(ms, Number(q.slice(1)) / 100), `${n.nodeId} ${q}`);
    }
    expect(s.nodes[0]).toMatchObject({ name: 'crm', type: 'http', runs: 24, errors: 0 });
    expect(s.nodes[0]!.p99).toBeGreaterThan(1100);
    expect(s.nodes[1]).toMatchObject({ name: 'tickets', runs: 24, errors: 3 });

    // The day and week views read other rollups (15-minute rows; 2-hour points of hour rows).
    for (const range of ['day', 'week'] as const) {
      const other = await stats(routing.id, range);
      expect(other.series).toHaveLength(range === 'day' ? 96 : 84);
      expect(other.totals).toEqual(s.totals);
      expect(other.nodes).toEqual(s.nodes);
    }
  });

  it('counts queue runs (a campaign) as their workers finish them', async () => {
    const phone = '+3906200001';
    crm.delays.set(phone, 5);
    const sent = await t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send([1, 2, 3].map((i) => ({ id: `dial-${i}`, type: 'campaign.contact', contact: { phone } })))
      .expect(202);
    const ids = sent.body.accepted.flatMap((a: { executionIds: string[] }) => a.executionIds);
    expect(ids).toHaveLength(3);
    await Promise.all(ids.map((id: string) => finishedExecution(t, id, 20_000)));
    const s = await waitFor(async () => {
      const got = await stats(campaign.id);
      return got.totals.runs === 3 ? got : undefined;
    });
    expect(s).toMatchObject({
      triggerType: 'trigger.campaign',
      totals: { errors: 0, fallbacks: 0, deadlineMisses: 0 },
    });
    // The trigger is a step too (microseconds): the CRM call is the slowest.
    expect(s.nodes).toMatchObject([
      { nodeId: 'crm', runs: 3, errors: 0 },
      { nodeId: 't', runs: 3, errors: 0 },
    ]);
  });

  it("is the tenant's own: another tenant's flow is a 404; a bad range a 400", async () => {
    const created = await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Other', adminEmail: 'other@test.local', adminPassword: 'copper meadow signal 83' })
      .expect(201);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'other@test.local', password: 'copper meadow signal 83', tenantId: created.body.id })
      .expect(200);
    await t
      .http()
      .get(`/api/v1/flows/${routing.id}/stats`)
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .expect(404);
    await t.as('get', `/api/v1/flows/${routing.id}/stats?range=month`).expect(400);
    await t.as('get', `/api/v1/flows/not-a-uuid/stats`).expect(400);
  });

  it('prunes minute and 15-minute rows after 2 days, hour rows after 8', async () => {
    const old = (span: number, days: number) =>
      t.db.query(
        `INSERT INTO flow_stats (tenant_id, flow_id, span, at, node_id, runs, hist)
         SELECT tenant_id, id, $2, date_trunc('hour', now() - make_interval(days => $3)), '', 1, '{1}'
         FROM flows WHERE id = $1`,
        [routing.id, span, days],
      );
    await old(1, 3);
    await old(15, 3);
    await old(60, 3);
    await old(60, 9);
    const pruned = await t.app.get(RetentionService).prune();
    expect(pruned?.flowStats).toBe(3);
    const left: { span: number }[] = await t.db.query(
      `SELECT span FROM flow_stats WHERE flow_id = $1 AND at < now() - interval '1 day'`,
      [routing.id],
    );
    expect(left).toEqual([{ span: 60 }]);
  });
});
