/**
 * Review item 4: a CRM answering JSON nested 5,000 deep ([×5000 … ]×5000) made the IVR answer
 * 200 with an execution id that 404'd (the row could not be encoded), the webhook too; an event
 * flow called the CRM 4 times (the run and 3 "infrastructure" retries) and ended INFRASTRUCTURE;
 * a test-run answered 500; 100,000 levels gave INTERNAL. Now the node fails with RESPONSE_PARSE
 * saying why, every run has its row, and a deep value that still reaches a record (a respond
 * node's own JSON) is recorded cut at 64 levels instead of losing the row.
 */
import { LoopbackServer } from '../../../../libs/engine/test/loopback';
import { TestApp } from '../harness';
import { chainFlow, finishedExecution, publishFlow, respondNode } from '../support/triggers';

const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

describe('security: deeply nested upstream answers (review item 4)', () => {
  let t: TestApp;
  let crm: LoopbackServer;

  const call = (n: string) => ({
    id: 'h',
    type: 'http',
    name: 'call',
    config: { method: 'GET', url: `${crm.base}/deep?n=${n}` },
  });
  const trigger = (type: string, config: Record<string, unknown>) => ({ id: 't', type, name: 'start', config });
  const answer = respondNode('{"got":{{json nodes.call.body}}}');

  beforeAll(async () => {
    t = await TestApp.start();
    crm = await LoopbackServer.start();
    crm.on('/deep', (req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(nested(n));
    });
    const ivr = trigger('trigger.ivr', { deadlineMs: 5000, fallback: { say: 'sorry' } });
    await publishFlow(t, 'deep-ivr', chainFlow(ivr, call('{{call.n}}'), answer));
    const hook = trigger('trigger.webhook', { methods: ['POST'] });
    await publishFlow(t, 'deep-hook', chainFlow(hook, call('{{request.body.n}}'), answer));
    const campaign = trigger('trigger.campaign', { campaignIds: ['deep'] });
    await publishFlow(t, 'deep-event', chainFlow(campaign, call('{{campaign.n}}')));
  });
  afterAll(async () => {
    await crm?.close();
    await t?.close();
  });
  beforeEach(() => (crm.seen.length = 0));

  const row = (id: string) => t.as('get', `/api/v1/executions/${id}`).expect(200);

  it.each([5000, 100_000])('IVR and webhook (%i deep): RESPONSE_PARSE, and the execution id has its row', async (n) => {
    const ivr = await t.http().post('/api/v1/ivr/deep-ivr').set('x-api-key', t.apiKey).send({ call: { n } });
    expect(ivr.status).toBe(200);
    expect(ivr.body).toMatchObject({ status: 'failed', output: { say: 'sorry' }, error: { code: 'RESPONSE_PARSE' } });
    expect(ivr.body.error.message).toBe('the response nests objects and arrays deeper than 64 levels');
    const hook = await t.http().post('/api/v1/hooks/deep-hook').set('x-api-key', t.apiKey).send({ n });
    expect(hook.status).toBeGreaterThanOrEqual(500);
    expect(hook.status).toBeLessThan(600);
    for (const id of [ivr.body.executionId, hook.headers['x-execution-id']]) {
      expect(typeof id).toBe('string');
      await finishedExecution(t, id);
      const r = await row(id);
      expect(r.body).toMatchObject({ status: 'failed', error: { code: 'RESPONSE_PARSE', nodeId: 'h' } });
    }
    expect(crm.seen).toHaveLength(2);
  });

  it('an event flow calls the CRM once and ends RESPONSE_PARSE (no infrastructure retries)', async () => {
    const event = { id: 'deep-1', type: 'campaign.contact', campaign: { id: 'deep', n: 5000 } };
    const sent = await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(event).expect(202);
    const [id] = sent.body.accepted[0].executionIds as string[];
    const done = await finishedExecution(t, id!, 20_000);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'RESPONSE_PARSE' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(crm.seen).toHaveLength(1);
  });

  it('a test-run answers 200 with the failed run (was a 500), and its row exists', async () => {
    const def = chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, call('{{call.n}}'), answer);
    for (const n of [5000, 100_000]) {
      const r = await t.as('post', '/api/v1/flows/test-run').send({ definition: def, input: { call: { n } } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'failed', error: { code: 'RESPONSE_PARSE' } });
      await row(r.body.id);
    }
  });

  it('JSON a respond node builds 5,000 deep is a JSON_BODY_INVALID failure with its row (was a 500)', async () => {
    const deepAnswer = respondNode('{"made":{{#each call.list}}[{{/each}}1{{#each call.list}}]{{/each}}}');
    const def = chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, deepAnswer);
    const input = { call: { list: Array.from({ length: 5000 }, () => 0) } };
    const r = await t.as('post', '/api/v1/flows/test-run').send({ definition: def, input }).expect(200);
    expect(r.body).toMatchObject({ status: 'failed', error: { code: 'JSON_BODY_INVALID', nodeId: 'r' } });
    expect(r.body.error.message).toBe('rendered JSON nests objects and arrays deeper than 64 levels');
    await row(r.body.id);
  });
});
