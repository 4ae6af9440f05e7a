import { validateFlow } from '@callflow/flow';
import { connectionPlaceholder, placeholderPurpose } from '../src/flow-templates/flow-template.types';
import { FLOW_TEMPLATES } from '../src/flow-templates/flow-templates.registry';
import { signInWith, UNKNOWN } from './flow-fixtures';
import { createConnection } from './fakes/template-flows';
import { TestApp } from './harness';

const T = '/api/v1/flow-templates';
const F = '/api/v1/flows';

/** A template's definition with every placeholder replaced by a (well-formed) connection id. */
function filled(definition: unknown): any {
  const d = JSON.parse(JSON.stringify(definition));
  for (const n of d.nodes) if (placeholderPurpose(n.config.connectionId)) n.config.connectionId = UNKNOWN;
  return d;
}

describe('flow templates: the catalogue', () => {
  it('lists the five documented systems, with unique ids', () => {
    expect(new Set(FLOW_TEMPLATES.map((t) => t.system))).toEqual(
      new Set(['ICTBroadcast', 'Gcalls', 'BRIX365', 'RetailCRM', 'XiVO']),
    );
    expect(new Set(FLOW_TEMPLATES.map((t) => t.id)).size).toBe(FLOW_TEMPLATES.length);
  });

  describe.each(FLOW_TEMPLATES.map((t) => [t.id, t] as const))('%s', (_id, template) => {
    it('passes validateFlow once its connections are chosen, with no warnings', () => {
      const r = validateFlow(filled(template.definition));
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.valid).toBe(true);
    });

    it('leaves one clearly named placeholder per connection node, which validateFlow flags', () => {
      const purposes = (template.requires.connections ?? []).map((c) => c.purpose);
      const placeholders = template.definition.nodes.filter(
        (n) => placeholderPurpose(n.config.connectionId) !== undefined,
      );
      expect(placeholders.length).toBeGreaterThan(0);
      for (const n of placeholders) expect(purposes).toContain(placeholderPurpose(n.config.connectionId));
      const r = validateFlow(template.definition);
      expect(r.valid).toBe(false);
      expect(r.errors.map((e) => [e.nodeId, e.path, e.message])).toEqual(
        placeholders.map((n) => [
          n.id,
          'config.connectionId',
          `choose a connection: the template left the placeholder for ` +
            `its "${placeholderPurpose(n.config.connectionId)}" connection`,
        ]),
      );
    });
  });
});

describe('flow templates: API', () => {
  let t: TestApp;
  let crm: string;
  beforeAll(async () => {
    t = await TestApp.start();
    crm = await createConnection(t, {
      name: 'crm',
      type: 'bearer',
      token: 'secret-token',
      fields: { baseUrl: 'http://127.0.0.1:9' },
    });
  });
  afterAll(() => t?.close());

  it('GET /flow-templates lists every template without its definition', async () => {
    const r = await t.as('get', T).expect(200);
    expect(r.body.items.map((i: { id: string }) => i.id)).toEqual(FLOW_TEMPLATES.map((x) => x.id));
    for (const item of r.body.items) {
      expect(Object.keys(item).sort()).toEqual(['description', 'id', 'name', 'requires', 'system', 'triggerType']);
      expect(item.triggerType).toMatch(/^trigger\./);
      for (const c of item.requires.connections ?? [])
        expect(c).toEqual({
          purpose: expect.any(String),
          type: expect.any(String),
          description: expect.any(String),
          fields: expect.any(Array),
        });
    }
    const xivo = r.body.items.find((i: { id: string }) => i.id === 'xivo-agent-third-party');
    expect(xivo).toMatchObject({
      system: 'XiVO',
      triggerType: 'trigger.webhook',
      requires: { connections: [{ purpose: 'crm', type: 'any' }] },
    });
    const one = await t.as('get', `${T}/gcalls-call-log`).expect(200);
    expect(one.body.definition.nodes.find((n: any) => n.id === 'getData').config.connectionId).toBe(
      connectionPlaceholder('gcalls'),
    );
    await t.as('get', `${T}/nope`).expect(404);
  });

  it('needs flows.read to list and flows.write to create', async () => {
    await t.http().get(T).expect(401);
    const none = await signInWith(t, ['connections.read']);
    await t.http().get(T).set('authorization', `Bearer ${none}`).expect(403);
    const reader = await signInWith(t, ['flows.read']);
    await t.http().get(T).set('authorization', `Bearer ${reader}`).expect(200);
    await t
      .http()
      .post(F)
      .set('authorization', `Bearer ${reader}`)
      .send({ templateId: 'xivo-agent-third-party', name: 'x' })
      .expect(403);
  });

  it('POST /flows {templateId, name, connections} fills the connections in: a valid, publishable draft', async () => {
    const r = await t
      .as('post', F)
      .send({ templateId: 'xivo-agent-third-party', name: 'Agent popup', connections: { crm } })
      .expect(201);
    expect(r.body).toMatchObject({
      key: 'agent-popup',
      name: 'Agent popup',
      revision: 1,
      publishedVersion: null,
      validation: { valid: true, errors: [] },
    });
    expect(r.body.description).toMatch(/XiVO CC Agent/);
    expect(r.body.definition.nodes.find((n: any) => n.type === 'http').config.connectionId).toBe(crm);
    await t.as('post', `${F}/${r.body.id}/publish`).send({}).expect(200);
  });

  it('without connections the placeholders stay: saved, flagged, unpublishable until the admin picks one', async () => {
    const r = await t
      .as('post', F)
      .send({ templateId: 'retailcrm-calls-upload', name: 'History', key: 'history' })
      .expect(201);
    expect(r.body.validation.valid).toBe(false);
    expect(r.body.validation.errors).toHaveLength(1);
    expect(r.body.validation.errors[0]).toMatchObject({
      nodeId: 'upload',
      path: 'config.connectionId',
      message: expect.stringContaining('"retailcrm" connection'),
    });
    await t.as('post', `${F}/${r.body.id}/publish`).send({}).expect(422);
    // The admin picks the connection in the editor (a PUT of the draft): now it publishes.
    const key = await createConnection(t, {
      name: 'retail',
      type: 'api_key',
      placement: 'query',
      paramName: 'apiKey',
      apiKey: 'k',
      fields: { baseUrl: 'http://127.0.0.1:9' },
    });
    const definition = r.body.definition;
    for (const n of definition.nodes)
      if (placeholderPurpose(n.config.connectionId) === 'retailcrm') n.config.connectionId = key;
    const saved = await t.as('put', `${F}/${r.body.id}`).send({ revision: 1, definition }).expect(200);
    expect(saved.body.validation).toMatchObject({ valid: true });
    await t.as('post', `${F}/${r.body.id}/publish`).send({}).expect(200);
  });

  it('400s: both or neither of definition and templateId, unknown template, purpose, id, type or tenant', async () => {
    const definition = { schemaVersion: 1, nodes: [], edges: [] };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x' }, /either a definition or a templateId/],
      [{ name: 'x', definition, templateId: 'xivo-agent-third-party' }, /not both/],
      [{ name: 'x', definition, connections: { crm } }, /only for flows created from a templateId/],
      [{ name: 'x', templateId: 'nope' }, /unknown templateId "nope"/],
      [
        { name: 'x', templateId: 'xivo-agent-third-party', connections: { billing: crm } },
        /connections\.billing: this template needs no "billing" connection/,
      ],
      [
        { name: 'x', templateId: 'xivo-agent-third-party', connections: { crm: 'not-a-uuid' } },
        /connections\.crm: must be a connection id/,
      ],
      [
        { name: 'x', templateId: 'xivo-agent-third-party', connections: { crm: UNKNOWN } },
        /connections\.crm: connection .* not found/,
      ],
      [
        { name: 'x', templateId: 'retailcrm-call-events', connections: { retailcrm: crm } },
        /connections\.retailcrm: must be a api_key connection, not bearer/,
      ],
      [{ name: 'x', templateId: 'xivo-agent-third-party', connections: 'crm' }, /connections must be an object/],
    ];
    for (const [body, message] of bad) {
      const r = await t.as('post', F).send(body);
      expect([r.status, r.body.message]).toEqual([400, expect.stringMatching(message)]);
    }
    // Another tenant's connection is as unknown as a made-up id.
    const [{ id: tenantId }] = await t.db.query(`INSERT INTO tenants (name) VALUES ('other') RETURNING id`);
    const [{ id: theirs }] = await t.db.query(
      `INSERT INTO connections (tenant_id, name, type, config, fields, secrets, key_id) ` +
        `VALUES ($1, 'theirs', 'bearer', '{}', '{}', '{}', 'x') RETURNING id`,
      [tenantId],
    );
    const r = await t
      .as('post', F)
      .send({ name: 'x', templateId: 'xivo-agent-third-party', connections: { crm: theirs } })
      .expect(400);
    expect(r.body.message).toBe(`connections.crm: connection ${theirs} not found`);
  });

  it('a definition-only create still works as before', async () => {
    const definition = {
      schemaVersion: 1,
      nodes: [{ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }],
      edges: [],
    };
    await t.as('post', F).send({ name: 'plain', definition }).expect(201);
  });
});
