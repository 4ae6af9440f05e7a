/**
 * Samples kept with a flow (issue 18 §1, §4), through the API and its PostgreSQL: the pinned
 * sample input and an HTTP node's sample response are stored with the draft and its versions, the
 * server's validator warns about a token path the pinned sample lacks, the sample is never sent
 * when the flow runs, and a flow made from a template keeps the template's sample input.
 */
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { FLOW_TEMPLATES } from '../src/flow-templates/flow-templates.registry';
import { ivrFlow } from './flow-fixtures';
import { TestApp } from './harness';

const F = '/api/v1/flows';
const SAMPLE_RESPONSE = { customer: { name: 'Jeanne', tier: 'gold' }, marker: 'sample-only-7f3a' };
const SAMPLE_INPUT = { call: { callerId: '+33612345678', id: 'call-1' }, contact: { firstName: 'Jeanne' } };

describe('samples kept with a flow', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), LoopbackServer.start()]);
    crm.json('/crm/%2B33612345678', { queue: 'gold', vip: true, customer: { name: 'Jeanne' } });
  });
  afterAll(async () => {
    await crm?.close();
    await t?.close();
  });

  /** The fixture flow with a pinned input, a sample response on its lookup node and `template` answered. */
  function withSamples(template?: string) {
    const def = ivrFlow(crm.base) as ReturnType<typeof ivrFlow> & { sampleInput?: unknown };
    def.sampleInput = SAMPLE_INPUT;
    const lookup = def.nodes.find((n) => n.id === 'h')!;
    (lookup.config as Record<string, unknown>).sampleResponse = SAMPLE_RESPONSE;
    if (template)
      (def.nodes.find((n) => n.id === 'r')!.config as { body: { template: string } }).body.template = template;
    return def;
  }

  it('stores both with the draft and its published version, as given (jsonb: any key order)', async () => {
    const created = await t.as('post', F).send({ name: 'Samples', definition: withSamples() }).expect(201);
    const id = created.body.id as string;
    const got = await t.as('get', `${F}/${id}`).expect(200);
    expect(got.body.definition.sampleInput).toEqual(SAMPLE_INPUT);
    expect(got.body.definition.nodes.find((n: { id: string }) => n.id === 'h').config.sampleResponse).toEqual(
      SAMPLE_RESPONSE,
    );
    expect(got.body.validation).toMatchObject({ valid: true, errors: [] });
    const [row] = await t.db.query(`SELECT definition->'sampleInput' AS input FROM flows WHERE id = $1`, [id]);
    expect(row.input).toEqual(SAMPLE_INPUT);

    // Pinning another input is a draft update like any other.
    const pinned = { call: { callerId: '+33699999999' } };
    const definition = { ...got.body.definition, sampleInput: pinned };
    const saved = await t.as('put', `${F}/${id}`).send({ revision: got.body.revision, definition }).expect(200);
    expect(saved.body.definition.sampleInput).toEqual(pinned);
    await t.as('post', `${F}/${id}/publish`).send({}).expect(200);
    const version = await t.as('get', `${F}/${id}/versions/1`).expect(200);
    expect(version.body.definition.sampleInput).toEqual(pinned);
  });

  it('warns (not refuses) a token path the pinned sample response lacks, on save and on validate', async () => {
    const def = withSamples('{"name": "{{nodes.lookup.body.custmer.name}}"}');
    const created = await t.as('post', F).send({ name: 'Typo', definition: def }).expect(201);
    expect(created.body.validation.valid).toBe(true);
    expect(created.body.validation.warnings).toEqual([
      expect.objectContaining({
        nodeId: 'r',
        code: 'token_shape',
        severity: 'warning',
        message: expect.stringContaining(
          'nodes.lookup.body has no "custmer" in the pinned sample; did you mean "customer"?',
        ),
      }),
    ]);
    const checked = await t.as('post', `${F}/validate`).send({ definition: def }).expect(200);
    expect(checked.body.warnings.map((w: { code: string }) => w.code)).toContain('token_shape');
    await t.as('post', `${F}/${created.body.id}/publish`).send({}).expect(200);
  });

  it('refuses a sample input that is not a run input, at its path', async () => {
    const def = withSamples() as Record<string, unknown>;
    def.sampleInput = { caller: '+33612345678' };
    const created = await t.as('post', F).send({ name: 'Bad sample', definition: def }).expect(201);
    expect(created.body.validation.errors).toEqual([
      expect.objectContaining({ path: 'sampleInput.caller', message: 'unknown field "caller"' }),
    ]);
    await t.as('post', `${F}/${created.body.id}/publish`).send({}).expect(422);
  });

  it('never sends the sample response: a test run calls the CRM with the request alone', async () => {
    crm.seen.length = 0;
    const r = await t.as('post', `${F}/test-run`).send({ definition: withSamples(), input: SAMPLE_INPUT }).expect(200);
    expect(r.body.status).toBe('succeeded');
    expect(crm.seen).toHaveLength(1);
    expect(JSON.stringify(crm.seen[0])).not.toContain('sample-only-7f3a');
    const lookup = r.body.steps.find((s: { nodeId: string }) => s.nodeId === 'h');
    expect(JSON.stringify(lookup.request)).not.toContain('sample-only-7f3a');
  });

  it('a flow made from a template keeps its sample input with the draft', async () => {
    const template = FLOW_TEMPLATES.find((x) => x.id === 'xivo-login-url')!;
    const r = await t.as('post', F).send({ templateId: template.id, name: 'Login url' }).expect(201);
    expect(r.body.definition.sampleInput).toEqual(template.definition.sampleInput);
    expect(r.body.definition.sampleInput.request.query).toEqual({ login: 'alice', xivoccHost: 'xivocc.example.com' });
    const got = await t.as('get', `${F}/${r.body.id}`).expect(200);
    expect(got.body.definition.sampleInput).toEqual(template.definition.sampleInput);
  });
});
