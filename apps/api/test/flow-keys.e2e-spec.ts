import { ivrFlow } from './flow-fixtures';
import { TestApp } from './harness';

const F = '/api/v1/flows';

/** Flow keys a first-time admin meets: readable from any alphabet, editable until the first publish. */
describe('flow keys', () => {
  let t: TestApp;
  const def = ivrFlow('http://127.0.0.1:9');
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (body: Record<string, unknown>) =>
    t
      .as('post', F)
      .send({ definition: def, ...body })
      .expect(201);

  it('derives a readable key from a Cyrillic or accented name, de-duplicated', async () => {
    expect((await create({ name: 'Звонки' })).body.key).toBe('zvonki');
    expect((await create({ name: 'Звонки' })).body.key).toBe('zvonki-2');
    expect((await create({ name: 'Chiamate in entrata – perché' })).body.key).toBe('chiamate-in-entrata-perche');
  });

  it('changes the key of a flow never published; refuses a key another flow of the tenant has (409)', async () => {
    const { body: flow } = await create({ name: 'Входящие' });
    expect(flow.key).toBe('vkhodyashchie');
    const renamed = await t.as('put', `${F}/${flow.id}`).send({ key: 'inbound', revision: 1 }).expect(200);
    expect(renamed.body).toMatchObject({ key: 'inbound', revision: 2 });
    const taken = await t.as('put', `${F}/${flow.id}`).send({ key: 'zvonki', revision: 2 }).expect(409);
    expect(taken.body.message).toBe('the key "zvonki" is already used by another flow');
    const bad = await t.as('put', `${F}/${flow.id}`).send({ key: 'Not A Key', revision: 2 }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('lower-case slug');
  });

  it('refuses to change the key once the flow has been published (409), but takes the same key', async () => {
    const { body: flow } = await create({ name: 'Published once' });
    await t.as('post', `${F}/${flow.id}/publish`).send({}).expect(200);
    const refused = await t.as('put', `${F}/${flow.id}`).send({ key: 'moved', revision: 1 }).expect(409);
    expect(refused.body).toMatchObject({ details: { key: 'published-once' } });
    expect(refused.body.message).toMatch(/^the key cannot change once the flow has been published/);
    await t.as('put', `${F}/${flow.id}`).send({ key: 'published-once', name: 'Still', revision: 1 }).expect(200);
    expect((await t.as('get', `${F}/${flow.id}`).expect(200)).body).toMatchObject({ key: 'published-once' });
  });
});
