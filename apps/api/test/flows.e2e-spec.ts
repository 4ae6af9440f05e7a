import crypto from 'node:crypto';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { INVALID, ivrFlow, signInWith, UNKNOWN } from './flow-fixtures';
import { TestApp } from './harness';

const F = '/api/v1/flows';

describe('flows API', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  let def: ReturnType<typeof ivrFlow>;
  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), LoopbackServer.start()]);
    crm.json('/crm/%2B3906123', { queue: 'gold', vip: true });
    def = ivrFlow(crm.base);
  });
  afterAll(async () => {
    await crm?.close();
    await t?.close();
  });

  const create = (body: Record<string, unknown>) => t.as('post', F).send(body);

  describe('create, read, list', () => {
    it('creates a flow (201) with a key derived from the name and returns its validation on GET', async () => {
      const r = await create({ name: 'VIP Lookup – Café!', description: 'routes VIPs', definition: def }).expect(201);
      expect(r.body).toMatchObject({
        id: expect.any(String),
        key: 'vip-lookup-cafe',
        name: 'VIP Lookup – Café!',
        description: 'routes VIPs',
        revision: 1,
        publishedVersion: null,
        latestVersion: 0,
        definition: def,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const got = await t.as('get', `${F}/${r.body.id}`).expect(200);
      expect(got.body).toMatchObject({
        id: r.body.id,
        key: 'vip-lookup-cafe',
        triggerType: 'trigger.ivr',
        definition: def,
        validation: { valid: true, errors: [], warnings: expect.any(Array) },
      });
    });

    it('de-duplicates derived keys with -2, -3 and refuses a taken explicit key with 409', async () => {
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) keys.push((await create({ name: 'Dup Name', definition: def }).expect(201)).body.key);
      expect(keys).toEqual(['dup-name', 'dup-name-2', 'dup-name-3']);
      const taken = await create({ name: 'Other', key: 'dup-name', definition: def }).expect(409);
      expect(taken.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringMatching(/dup-name/),
      });
      const explicit = await create({ name: 'Other', key: 'my-key-1', definition: def }).expect(201);
      expect(explicit.body.key).toBe('my-key-1');
    });

    it('de-duplicates keys of concurrent creates with the same name', async () => {
      const rs = await Promise.all(Array.from({ length: 4 }, () => create({ name: 'Race', definition: def })));
      expect(rs.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(rs.map((r) => r.body.key).sort()).toEqual(['race', 'race-2', 'race-3', 'race-4']);
    });

    it('saves an invalid draft as is and reports why on GET', async () => {
      const r = await create({ name: 'Broken', definition: INVALID }).expect(201);
      expect(r.body.definition).toEqual(INVALID);
      const got = await t.as('get', `${F}/${r.body.id}`).expect(200);
      expect(got.body.validation.valid).toBe(false);
      expect(got.body.validation.errors.length).toBeGreaterThan(0);
      expect(got.body.validation.errors[0]).toMatchObject({ path: expect.any(String), message: expect.any(String) });
    });

    it('refuses bad bodies with 400: shapeless definitions, bad keys, unknown fields, wrong types', async () => {
      for (const definition of [
        [],
        'x',
        42,
        { nodes: [], edges: [] },
        { schemaVersion: 1, nodes: {}, edges: [] },
        { schemaVersion: 1, nodes: [] },
      ]) {
        const r = await create({ name: 'x', definition });
        expect([r.status, definition]).toEqual([400, definition]);
        expect(r.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.stringMatching(/definition/),
        });
      }
      for (const body of [
        { name: 'x' },
        { definition: def },
        { name: '', definition: def },
        { name: 7, definition: def },
        ...['Bad Key', '-lead', 'a'.repeat(65), 7].map((key) => ({ name: 'x', key, definition: def })),
      ]) {
        expect([body, (await create(body)).status]).toEqual([body, 400]);
      }
      expect((await create({ name: 'x', definition: def, tenantId: UNKNOWN }).expect(400)).body.message).toMatch(
        /tenantId/,
      );
    });

    it('lists flows by name with cursor pagination and ?q= search, without definitions', async () => {
      for (const name of ['Page A', 'page b', 'Page C', 'Page D', 'Page 50% off'])
        await create({ name, definition: def }).expect(201);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await t.as('get', `${F}?q=page&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        pages++;
        for (const f of r.body.items) {
          expect(f).toEqual({
            id: expect.any(String),
            key: expect.any(String),
            name: expect.any(String),
            description: '',
            revision: 1,
            triggerType: 'trigger.ivr',
            publishedVersion: null,
            latestVersion: 0,
            createdAt: expect.any(String),
            updatedAt: expect.any(String),
            updatedBy: expect.any(String),
            updatedByEmail: 'admin@test.local',
          });
          seen.push(f.name);
        }
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(['Page 50% off', 'Page A', 'page b', 'Page C', 'Page D']);
      const pct = await t.as('get', `${F}?q=${encodeURIComponent('50%')}`).expect(200);
      expect(pct.body.items.map((f: { name: string }) => f.name)).toEqual(['Page 50% off']);
      const byKey = await t.as('get', `${F}?q=dup-name-2`).expect(200);
      expect(byKey.body.items.map((f: { key: string }) => f.key)).toEqual(['dup-name-2']);
      const all = await t.as('get', F).expect(200);
      expect(all.body.nextCursor).toBeUndefined();
      expect(all.body.items.length).toBeGreaterThan(10);
    });

    it('refuses bad list queries with 400', async () => {
      for (const q of ['limit=0', 'limit=201', 'limit=abc', 'cursor=garbage', 'q=', 'sort=name'])
        expect([q, (await t.as('get', `${F}?${q}`)).status]).toEqual([q, 400]);
    });

    it('answers 400 for junk ids and 404 for unknown ones on every route', async () => {
      const routes: ['get' | 'put' | 'delete' | 'post', string, object?][] = [
        ['get', ''],
        ['put', '', { revision: 1 }],
        ['delete', ''],
        ['post', '/publish', {}],
        ['post', '/unpublish'],
        ['get', '/versions'],
        ['get', '/versions/1'],
        ['get', '/export'],
      ];
      for (const [method, suffix, body] of routes) {
        const junk = await t.as(method, `${F}/not-a-uuid${suffix}`).send(body ?? {});
        expect([method, suffix, junk.status]).toEqual([method, suffix, 400]);
        const unknown = await t.as(method, `${F}/${UNKNOWN}${suffix}`).send(body ?? {});
        expect([method, suffix, unknown.status]).toEqual([method, suffix, 404]);
        expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
    });

    it('requires a token (401)', async () => {
      await t.http().get(F).expect(401);
      await t.http().post(`${F}/validate`).send({ definition: def }).expect(401);
    });
  });

  describe('update and delete', () => {
    it('saves a draft with the current revision, bumps it; answers 409 {currentRevision} to a stale one', async () => {
      const { body: flow } = await create({ name: 'Editable', definition: def }).expect(201);
      const r = await t
        .as('put', `${F}/${flow.id}`)
        .send({ name: 'Edited', description: 'd2', revision: 1 })
        .expect(200);
      expect(r.body).toMatchObject({
        id: flow.id,
        name: 'Edited',
        description: 'd2',
        key: 'editable',
        revision: 2,
        definition: def,
        validation: { valid: true },
      });
      const stale = await t.as('put', `${F}/${flow.id}`).send({ name: 'Lost', revision: 1 }).expect(409);
      expect(stale.body).toMatchObject({ statusCode: 409, error: 'Conflict', details: { currentRevision: 2 } });
      const d = await t
        .as('put', `${F}/${flow.id}`)
        .send({ definition: INVALID, key: 'edited-key', revision: 2 })
        .expect(200);
      expect(d.body).toMatchObject({
        revision: 3,
        key: 'edited-key',
        definition: INVALID,
        validation: { valid: false },
      });
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({ name: 'Edited', revision: 3 });
    });

    it('lets exactly one of two concurrent PUTs of the same revision win', async () => {
      const { body: flow } = await create({ name: 'Contended', definition: def }).expect(201);
      for (let round = 0; round < 5; round++) {
        const revision = round + 1;
        const [a, b] = await Promise.all([
          t.as('put', `${F}/${flow.id}`).send({ name: `A${round}`, revision }),
          t.as('put', `${F}/${flow.id}`).send({ name: `B${round}`, revision }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        expect((a.status === 409 ? a : b).body.details).toEqual({ currentRevision: revision + 1 });
      }
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body.revision).toBe(6);
    });

    it('refuses a taken key (409), a missing revision, shapeless definitions and unknown fields (400)', async () => {
      const { body: flow } = await create({ name: 'Keyed', definition: def }).expect(201);
      await create({ name: 'Keyed Other', key: 'keyed-other', definition: def }).expect(201);
      const taken = await t.as('put', `${F}/${flow.id}`).send({ key: 'keyed-other', revision: 1 }).expect(409);
      expect(taken.body.message).toMatch(/keyed-other/);
      for (const body of [
        { name: 'x' },
        { revision: '1' },
        { revision: 0 },
        { definition: [], revision: 1 },
        { definition: { schemaVersion: 1, nodes: 'x', edges: [] }, revision: 1 },
        { publishedVersion: 3, revision: 1 },
      ]) {
        expect([body, (await t.as('put', `${F}/${flow.id}`).send(body)).status]).toEqual([body, 400]);
      }
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body.revision).toBe(1);
    });

    it('deletes a flow (204) with its versions; then 404', async () => {
      const { body: flow } = await create({ name: 'Doomed', definition: def }).expect(201);
      await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200);
      await t.as('delete', `${F}/${flow.id}`).expect(204);
      await t.as('get', `${F}/${flow.id}`).expect(404);
      await t.as('delete', `${F}/${flow.id}`).expect(404);
      expect(await t.db.query(`SELECT version FROM flow_versions WHERE flow_id = $1`, [flow.id])).toEqual([]);
    });
  });

  describe('publishing', () => {
    it('publishes v1, edits, publishes v2, rolls back to v1, unpublishes', async () => {
      const { body: flow } = await create({ name: 'Versioned', definition: def }).expect(201);
      const p1 = await t.as('post', `${F}/${flow.id}/publish`).send({ note: 'first' }).expect(200);
      expect(p1.body).toEqual({ version: 1, publishedVersion: 1 });
      const edited = {
        ...def,
        nodes: def.nodes.map((n) =>
          n.id === 't' ? { ...n, config: { deadlineMs: 1500, fallback: { queue: 'late' } } } : n,
        ),
      };
      await t.as('put', `${F}/${flow.id}`).send({ definition: edited, revision: 1 }).expect(200);
      const p2 = await t.as('post', `${F}/${flow.id}/publish`).send({ note: 'second' }).expect(200);
      expect(p2.body).toEqual({ version: 2, publishedVersion: 2 });
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({
        publishedVersion: 2,
        latestVersion: 2,
        revision: 2,
      });

      const back = await t.as('post', `${F}/${flow.id}/publish`).send({ version: 1 }).expect(200);
      expect(back.body).toEqual({ version: 1, publishedVersion: 1 });
      const list = await t.as('get', `${F}/${flow.id}/versions`).expect(200);
      expect(list.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect(list.body.items[0]).toEqual({
        version: 2,
        triggerType: 'trigger.ivr',
        note: 'second',
        createdAt: expect.any(String),
        createdBy: expect.any(String),
        // Who published it, by email (the versions panel shows it).
        createdByEmail: 'admin@test.local',
        published: false,
      });
      expect(list.body.items[1]).toMatchObject({ version: 1, note: 'first', published: true });
      expect(list.body.items[0].definition).toBeUndefined();

      const v1 = await t.as('get', `${F}/${flow.id}/versions/1`).expect(200);
      expect(v1.body).toMatchObject({
        version: 1,
        definition: def,
        triggerType: 'trigger.ivr',
        triggerConfig: { deadlineMs: 2000, fallback: { queue: 'default' } },
        published: true,
      });
      const v2 = await t.as('get', `${F}/${flow.id}/versions/2`).expect(200);
      expect(v2.body).toMatchObject({
        definition: edited,
        triggerConfig: { deadlineMs: 1500, fallback: { queue: 'late' } },
      });
      await t.as('get', `${F}/${flow.id}/versions/3`).expect(404);
      await t.as('get', `${F}/${flow.id}/versions/abc`).expect(400);
      await t.as('post', `${F}/${flow.id}/publish`).send({ version: 9 }).expect(404);
      await t.as('post', `${F}/${flow.id}/publish`).send({ version: 0 }).expect(400);
      await t.as('post', `${F}/${flow.id}/publish`).send({ force: true }).expect(400);

      expect((await t.as('post', `${F}/${flow.id}/unpublish`).expect(200)).body).toEqual({ publishedVersion: null });
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({
        publishedVersion: null,
        latestVersion: 2,
      });
      expect(
        (await t.as('get', `${F}/${flow.id}/versions`).expect(200)).body.items.every(
          (v: { published: boolean }) => !v.published,
        ),
      ).toBe(true);
      // The next publish continues the numbering.
      expect((await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200)).body).toEqual({
        version: 3,
        publishedVersion: 3,
      });
    });

    it('takes effect on the trigger endpoint at once (no stale lookup): publish, unpublish', async () => {
      const ivr = () =>
        t
          .http()
          .post('/api/v1/ivr/live-flow')
          .set('x-api-key', t.apiKey)
          .send({ call: { callerId: '+3906123' } });
      const { body: flow } = await create({ name: 'Live', key: 'live-flow', definition: def }).expect(201);
      await ivr().expect(404);
      await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200);
      expect((await ivr().expect(200)).body).toMatchObject({ output: { queue: 'gold', vip: true } });
      await t.as('post', `${F}/${flow.id}/unpublish`).expect(200);
      await ivr().expect(404);
    });

    it('fills the trigger config defaults into the version', async () => {
      const bare = {
        ...def,
        nodes: def.nodes.map((n) => (n.id === 't' ? { id: 't', type: 'trigger.ivr', name: 'ivr', config: {} } : n)),
      };
      const { body: flow } = await create({ name: 'Defaults', definition: bare }).expect(201);
      await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200);
      const v1 = await t.as('get', `${F}/${flow.id}/versions/1`).expect(200);
      expect(v1.body.triggerConfig).toEqual({ deadlineMs: 3000, fallback: {} });
      expect(v1.body.definition).toEqual(bare);
    });

    it('refuses to publish an invalid draft with 422 and the error list', async () => {
      const { body: flow } = await create({ name: 'Not publishable', definition: INVALID }).expect(201);
      const r = await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(422);
      expect(r.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', message: expect.any(String) });
      expect(r.body.details.length).toBeGreaterThan(0);
      expect(r.body.details[0]).toMatchObject({
        path: expect.any(String),
        message: expect.any(String),
        severity: 'error',
      });
      expect((await t.as('get', `${F}/${flow.id}/versions`).expect(200)).body.items).toEqual([]);
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({
        publishedVersion: null,
        latestVersion: 0,
      });
    });

    it('numbers concurrent publishes one after the other', async () => {
      const { body: flow } = await create({ name: 'Busy', definition: def }).expect(201);
      const rs = await Promise.all(Array.from({ length: 5 }, () => t.as('post', `${F}/${flow.id}/publish`).send({})));
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(rs.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({ latestVersion: 5 });
    });
  });

  describe('export and import', () => {
    it('round-trips a flow, de-duplicating the key, with name/key overrides', async () => {
      const { body: flow } = await create({
        name: 'Exported',
        key: 'exported',
        description: 'to move',
        definition: def,
      }).expect(201);
      const doc = (await t.as('get', `${F}/${flow.id}/export`).expect(200)).body;
      expect(doc).toEqual({
        format: 'callflow.flow',
        formatVersion: 1,
        name: 'Exported',
        key: 'exported',
        description: 'to move',
        definition: def,
      });
      const copy = await t.as('post', `${F}/import`).send(doc).expect(201);
      expect(copy.body).toMatchObject({
        key: 'exported-2',
        name: 'Exported',
        description: 'to move',
        definition: def,
        revision: 1,
        publishedVersion: null,
      });
      expect(copy.body.id).not.toBe(flow.id);
      const renamed = await t
        .as('post', `${F}/import`)
        .send({ ...doc, name: 'Imported', key: 'imported' })
        .expect(201);
      expect(renamed.body).toMatchObject({ key: 'imported', name: 'Imported' });
      const derived = await t
        .as('post', `${F}/import`)
        .send({ format: 'callflow.flow', formatVersion: 1, name: 'From Elsewhere', definition: INVALID })
        .expect(201);
      expect(derived.body).toMatchObject({ key: 'from-elsewhere', definition: INVALID });
    });

    it('refuses documents of another format or version, and unknown fields', async () => {
      const doc = { format: 'callflow.flow', formatVersion: 1, name: 'X', definition: def };
      for (const body of [
        { ...doc, format: 'other' },
        { ...doc, formatVersion: 2 },
        { ...doc, definition: 'x' },
        { ...doc, definition: { schemaVersion: 1 } },
        { ...doc, id: UNKNOWN },
      ]) {
        expect([body, (await t.as('post', `${F}/import`).send(body)).status]).toEqual([body, 400]);
      }
    });
  });

  describe('validate and test-run', () => {
    it('validates a definition: 200 with {valid, errors, warnings} either way', async () => {
      expect((await t.as('post', `${F}/validate`).send({ definition: def }).expect(200)).body).toEqual({
        valid: true,
        errors: [],
        warnings: expect.any(Array),
      });
      const bad = await t.as('post', `${F}/validate`).send({ definition: INVALID }).expect(200);
      expect(bad.body).toMatchObject({
        valid: false,
        errors: expect.arrayContaining([
          expect.objectContaining({ path: expect.any(String), message: expect.any(String) }),
        ]),
      });
      expect(
        (
          await t
            .as('post', `${F}/validate`)
            .send({ definition: { foo: 1 } })
            .expect(200)
        ).body.valid,
      ).toBe(false);
      for (const body of [{ definition: [] }, {}, { definition: def, extra: 1 }])
        expect([body, (await t.as('post', `${F}/validate`).send(body)).status]).toEqual([body, 400]);
    });

    it('runs a draft trigger.ivr → http → respond and records the execution with its steps', async () => {
      const { body: flow } = await create({ name: 'Test me', definition: def }).expect(201);
      const before = crm.seen.length;
      const r = await t
        .as('post', `${F}/test-run`)
        .send({ definition: def, flowId: flow.id, input: { call: { id: 'call-77', callerId: '+3906123' } } })
        .expect(200);
      expect(r.body).toMatchObject({
        id: expect.any(String),
        status: 'succeeded',
        output: { queue: 'gold', vip: true },
        error: null,
      });
      expect(r.body.respond).toMatchObject({ status: 200, body: { queue: 'gold', vip: true } });
      expect(r.body.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
        ['ivr', 'succeeded'],
        ['lookup', 'succeeded'],
        ['answer', 'succeeded'],
      ]);
      const http = r.body.steps.find((s: { name: string }) => s.name === 'lookup');
      expect(http.request).toMatchObject({ method: 'GET', url: `${crm.base}/crm/%2B3906123` });
      expect(http.response).toMatchObject({ status: 200, body: { queue: 'gold', vip: true } });
      expect(crm.seen.length).toBe(before + 1);

      const exec = await t.as('get', `/api/v1/executions/${r.body.id}`).expect(200);
      expect(exec.body).toMatchObject({
        id: r.body.id,
        flowId: flow.id,
        flowVersion: null,
        triggerType: 'test',
        status: 'succeeded',
        callId: 'call-77',
        phone: '+3906123',
        input: { call: { id: 'call-77', callerId: '+3906123' } },
        output: { queue: 'gold', vip: true },
        error: null,
      });
      expect(exec.body.steps).toEqual(r.body.steps);
      const list = await t.as('get', `/api/v1/executions?flowId=${flow.id}`).expect(200);
      expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([r.body.id]);
      expect(list.body.items[0].steps).toBeUndefined();
    });

    it('records failed runs too, and runs drafts without a flow', async () => {
      const failing = ivrFlow(crm.base, '/nowhere');
      const r = await t.as('post', `${F}/test-run`).send({ definition: failing }).expect(200);
      expect(r.body).toMatchObject({ status: 'failed', output: null, respond: null, error: { code: 'HTTP_STATUS' } });
      const exec = await t.as('get', `/api/v1/executions/${r.body.id}`).expect(200);
      expect(exec.body).toMatchObject({ flowId: null, status: 'failed', error: { code: 'HTTP_STATUS' }, input: {} });
    });

    it('stops a run at deadlineMs', async () => {
      crm.on('/slow', async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 1500).unref());
        res.end('{}');
      });
      const slow = ivrFlow(crm.base, '/slow');
      const started = Date.now();
      const r = await t.as('post', `${F}/test-run`).send({ definition: slow, deadlineMs: 300 }).expect(200);
      expect(Date.now() - started).toBeLessThan(1200);
      // The request's own timeout is capped at the deadline and may fire first (engine: HTTP_TIMEOUT, run failed).
      expect([r.body.status, r.body.error.code]).toEqual(
        r.body.status === 'timeout' ? ['timeout', 'RUN_DEADLINE'] : ['failed', 'HTTP_TIMEOUT'],
      );
      expect((await t.as('get', `/api/v1/executions/${r.body.id}`).expect(200)).body.status).toBe(r.body.status);
    });

    it('answers 422 with the errors of an invalid definition, 400 to bad bodies, 404 to unknown flowIds', async () => {
      const r = await t.as('post', `${F}/test-run`).send({ definition: INVALID }).expect(422);
      expect(r.body).toMatchObject({
        statusCode: 422,
        error: 'Unprocessable Entity',
        details: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
      });
      await t.as('post', `${F}/test-run`).send({ definition: def, input: [] }).expect(400);
      await t
        .as('post', `${F}/test-run`)
        .send({ definition: def, input: { call: 'x' } })
        .expect(400)
        .expect((r) => expect(r.body.message).toMatch(/^input\.call: /));
      await t.as('post', `${F}/test-run`).send({ definition: def, deadlineMs: 10 }).expect(400);
      await t.as('post', `${F}/test-run`).send({ definition: def, flowId: 'nope' }).expect(400);
      await t.as('post', `${F}/test-run`).send({ definition: def, extra: true }).expect(400);
      await t.as('post', `${F}/test-run`).send({ definition: def, flowId: UNKNOWN }).expect(404);
    });
  });

  it('guards every route with its permission: 403 without it, allowed with only it', async () => {
    const { body: flow } = await create({ name: 'Guarded', definition: def }).expect(201);
    const { body: doomed } = await create({ name: 'Guarded doomed', definition: def }).expect(201);
    await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200);
    const doc = { format: 'callflow.flow', formatVersion: 1, name: 'Guarded import', definition: def };
    const routes: [string, 'get' | 'post' | 'put' | 'delete', string, object?][] = [
      ['flows.read', 'get', F],
      ['flows.read', 'get', `${F}/${flow.id}`],
      ['flows.read', 'get', `${F}/${flow.id}/versions`],
      ['flows.read', 'get', `${F}/${flow.id}/versions/1`],
      ['flows.read', 'get', `${F}/${flow.id}/export`],
      ['flows.read', 'post', `${F}/validate`, { definition: def }],
      ['flows.write', 'post', F, { name: 'Guarded new', definition: def }],
      ['flows.write', 'put', `${F}/${flow.id}`, { revision: 1 }],
      ['flows.write', 'post', `${F}/import`, doc],
      ['flows.write', 'delete', `${F}/${doomed.id}`],
      ['flows.publish', 'post', `${F}/${flow.id}/publish`, {}],
      ['flows.publish', 'post', `${F}/${flow.id}/publish`, { version: 1 }],
      ['flows.publish', 'post', `${F}/${flow.id}/unpublish`],
      ['flows.run', 'post', `${F}/test-run`, { definition: def, input: { call: { callerId: '+3906123' } } }],
      ['executions.read', 'get', '/api/v1/executions'],
    ];
    const all = ['flows.read', 'flows.write', 'flows.publish', 'flows.run', 'executions.read'];
    const tokens = new Map<string, [without: string, only: string]>();
    for (const p of all)
      tokens.set(p, [
        await signInWith(
          t,
          all.filter((x) => x !== p),
        ),
        await signInWith(t, [p]),
      ]);
    for (const [permission, method, url, body] of routes) {
      const [without, only] = tokens.get(permission)!;
      const denied = await t
        .http()
        [method](url)
        .set('authorization', `Bearer ${without}`)
        .send(body ?? {});
      expect([permission, method, url, denied.status, denied.body.message]).toEqual([
        permission,
        method,
        url,
        403,
        `missing permission ${permission}`,
      ]);
      const allowed = await t
        .http()
        [method](url)
        .set('authorization', `Bearer ${only}`)
        .send(body ?? {});
      expect([permission, method, url, allowed.status < 300]).toEqual([permission, method, url, true]);
    }
  });

  describe('tenants', () => {
    it("never shows or touches another tenant's flows, versions and executions (404)", async () => {
      const [{ id: tenantId }] = await t.db.query(`INSERT INTO tenants (name) VALUES ('Other') RETURNING id`);
      const [{ id: flowId }] = await t.db.query(
        `INSERT INTO flows (tenant_id, key, name, definition, published_version, latest_version) ` +
          `VALUES ($1, 'foreign', 'Foreign Page flow', $2::jsonb, 1, 1) RETURNING id`,
        [tenantId, JSON.stringify(def)],
      );
      await t.db.query(
        `INSERT INTO flow_versions (tenant_id, flow_id, version, definition, trigger_type) ` +
          `VALUES ($1, $2, 1, $3::jsonb, 'trigger.ivr')`,
        [tenantId, flowId, JSON.stringify(def)],
      );
      const execId = crypto.randomUUID();
      await t.db.query(
        `INSERT INTO executions (id, tenant_id, flow_id, trigger_type, status, input, started_at) ` +
          `VALUES ($1, $2, $3, 'ivr', 'succeeded', '{}', now())`,
        [execId, tenantId, flowId],
      );

      const routes: ['get' | 'put' | 'delete' | 'post', string, object?][] = [
        ['get', `${F}/${flowId}`],
        ['put', `${F}/${flowId}`, { name: 'mine', revision: 1 }],
        ['post', `${F}/${flowId}/publish`, {}],
        ['post', `${F}/${flowId}/publish`, { version: 1 }],
        ['post', `${F}/${flowId}/unpublish`],
        ['get', `${F}/${flowId}/versions`],
        ['get', `${F}/${flowId}/versions/1`],
        ['get', `${F}/${flowId}/export`],
        ['post', `${F}/test-run`, { definition: def, flowId }],
        ['get', `/api/v1/executions/${execId}`],
        ['delete', `${F}/${flowId}`],
      ];
      for (const [method, url, body] of routes) {
        const r = await t.as(method, url).send(body ?? {});
        expect([method, url, r.status]).toEqual([method, url, 404]);
      }
      expect(
        (await t.as('get', `${F}?limit=200`).expect(200)).body.items.map((f: { id: string }) => f.id),
      ).not.toContain(flowId);
      expect((await t.as('get', `${F}?q=foreign`).expect(200)).body.items).toEqual([]);
      expect(
        (await t.as('get', '/api/v1/executions?limit=200').expect(200)).body.items.map((e: { id: string }) => e.id),
      ).not.toContain(execId);
      expect((await t.as('get', `/api/v1/executions?flowId=${flowId}`).expect(200)).body.items).toEqual([]);
      // Untouched.
      const [row] = await t.db.query(`SELECT name, revision, published_version FROM flows WHERE id = $1`, [flowId]);
      expect(row).toEqual({ name: 'Foreign Page flow', revision: 1, published_version: 1 });
      // Its key does not block ours.
      expect((await create({ name: 'x', key: 'foreign', definition: def }).expect(201)).body.key).toBe('foreign');
    });
  });

  it('documents the routes in /api/docs', async () => {
    const doc = await t.http().get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/flows',
        '/api/v1/flows/{id}',
        '/api/v1/flows/{id}/publish',
        '/api/v1/flows/test-run',
        '/api/v1/executions',
        '/api/v1/executions/{id}',
      ]),
    );
    expect(doc.body.components.schemas.CreateFlowDto.properties).toEqual(
      expect.objectContaining({
        name: expect.any(Object),
        key: expect.any(Object),
        definition: expect.objectContaining({ type: 'object' }),
      }),
    );
    expect(doc.body.components.schemas.UpdateFlowDto.required).toEqual(['revision']);
  });
});
