/**
 * "How to call this flow" (issue 18 §3): the curl line the editor shows for each trigger, run by a
 * real shell and curl against the API, starts a run that receives the sample input; an IVR body
 * with its fields misplaced is refused with the shape it should have.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  callExample,
  campaignTrigger,
  endOfCallTrigger,
  ivrTrigger,
  webhookTrigger,
  type NodeSpec,
  type RunInput,
} from '@callflow/flow';
import { TestApp } from './harness';
import { chainFlow, publishFlow, respondNode, waitFor, type ExecutionRowView } from './support/triggers';

const run = promisify(execFile);

describe('how to call a flow', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t?.close());

  /** Runs the example's curl line in a shell, with the API key in the environment; returns the answer. */
  async function curl(spec: NodeSpec, config: Record<string, unknown>, key: string, input: RunInput) {
    const ex = callExample(spec, config, key, input, `${t.baseUrl}/api/v1`)!;
    const script = ex.curl.replace(/^curl /, 'curl -s -w "\\n%{http_code}" ');
    const { stdout } = await run('sh', ['-c', script], { env: { PATH: process.env.PATH, CALLFLOW_API_KEY: t.apiKey } });
    const lines = stdout.split('\n');
    return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n')) };
  }

  const trigger = (spec: NodeSpec, config: Record<string, unknown> = {}) => ({
    id: 't',
    type: spec.type,
    name: 'start',
    config,
  });

  it('IVR: the answer comes back, computed from the sample input', async () => {
    await publishFlow(
      t,
      'ask',
      chainFlow(trigger(ivrTrigger), respondNode('{"who":"{{call.callerId}}","d":"{{ivr.digits}}"}')),
    );
    const input = { call: { id: 'c-1', callerId: "+39 O'Brien" }, ivr: { digits: '1' } };
    const r = await curl(ivrTrigger, {}, 'ask', input);
    expect([r.status, r.body.status, r.body.output]).toEqual([200, 'succeeded', { who: "+39 O'Brien", d: '1' }]);
  });

  it('webhook: GET with the sample query', async () => {
    const config = { methods: ['GET'] };
    await publishFlow(
      t,
      'hook',
      chainFlow(trigger(webhookTrigger, config), respondNode('{"x":"{{request.query.x}}"}')),
    );
    const r = await curl(webhookTrigger, config, 'hook', { request: { method: 'GET', query: { x: 'a b&c' } } });
    expect([r.status, r.body]).toEqual([200, { x: 'a b&c' }]);
  });

  it.each([
    ['end of call', endOfCallTrigger, 'ended', { call: { id: 'c-77', callerId: '+3906', disposition: 'answered' } }],
    ['campaign', campaignTrigger, 'contacted', { contact: { id: 'k-9', phone: '+3907' }, campaign: { id: 'spring' } }],
  ] as const)('%s: accepted (202), then a run receives the input', async (_label, spec, key, input) => {
    const { id } = await publishFlow(t, key, chainFlow(trigger(spec)));
    const eventId = `evt-${key}`;
    const r = await curl(spec, {}, key, { ...input, event: { id: eventId } });
    expect([r.status, r.body.accepted.map((a: { eventId: string }) => a.eventId)]).toEqual([202, [eventId]]);
    const row = await waitFor(async () => {
      const rows: ExecutionRowView[] = await t.db.query(
        `SELECT * FROM executions WHERE flow_id = $1 AND event_id = $2 AND status = 'succeeded'`,
        [id, eventId],
      );
      return rows[0];
    });
    expect(row.input).toMatchObject(input);
  });

  it('refuses an IVR body with its fields at the top level, naming where they go', async () => {
    const r = await t
      .http()
      .post('/api/v1/ivr/ask')
      .set('x-api-key', t.apiKey)
      .send({ callerId: '+3906', nonsense: 1 })
      .expect(400);
    expect(r.body.message).toBe(
      'property callerId should not exist: callerId belongs inside "call": send {"call": {"callerId": …}}',
    );
    expect(r.body.details[1]).toBe(`property nonsense should not exist: the body is ${ivrTrigger.trigger!.call.shape}`);
  });
});
