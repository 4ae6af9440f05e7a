/**
 * POST and PUT /connections bodies are class-validator DTOs, one per `type`, checked like every
 * other body (platform/validation): the 400s name the path of each problem (what the editor shows),
 * nested unions included, and the OpenAPI document shows the body as a oneOf of the types.
 */
import { TestApp } from './harness';

const C = '/api/v1/connections';

const tokenEndpoint = {
  name: 'te',
  type: 'token_endpoint',
  request: {
    url: 'https://auth.example.com/login',
    body: { type: 'form', fields: [{ name: 'user', value: '{{secrets.user}}' }] },
  },
  tokenPath: 'token',
  apply: { in: 'query', name: 'access_token' },
  secrets: { user: 'agent', password: 'pw-1' },
};

describe('connections: request validation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** POST a body, expect a 400, return its details (checked to be the API's error shape). */
  const refused = async (body: unknown, method: 'post' | 'put' = 'post', url = C): Promise<string[]> => {
    const r = await t
      .as(method, url)
      .send(body as object)
      .expect(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: r.body.details[0] });
    return r.body.details as string[];
  };

  it('an unknown type says which types exist', async () => {
    expect(await refused({ name: 'x', type: 'teleport' })).toEqual([
      'type: must be one of none, basic, bearer, api_key, oauth2_client_credentials, token_endpoint, ' +
        'soap_ws_security (got "teleport")',
    ]);
    expect((await refused({ name: 'x' }))[0]).toMatch(/^type: must be one of none, basic, .* \(missing\)$/);
  });

  it('names the path of problems in the nested unions of a token_endpoint', async () => {
    const body = {
      ...tokenEndpoint,
      request: { url: 'https://auth.example.com/login', body: { type: 'xml', template: '<a/>' } },
      apply: { in: 'header', name: 'bad header' },
    };
    expect(await refused(body)).toEqual([
      'request.body.type: must be one of json, text, form',
      'apply.name: must be a valid header name',
    ]);
    const extra = {
      ...tokenEndpoint,
      request: { ...tokenEndpoint.request, body: { type: 'json', template: '', x: 1 } },
    };
    expect(await refused(extra)).toEqual(['request.body.x: property x should not exist']);
    expect(await refused({ ...tokenEndpoint, secrets: { 'not-an-identifier': 's' } })).toEqual([
      'secrets.not-an-identifier: secret names are identifiers (letters, digits, _; at most 64)',
    ]);
  });

  it('PUT: null clears one secret of the map, an omitted one is kept, a new one is set', async () => {
    const c = (await t.as('post', C).send(tokenEndpoint).expect(201)).body;
    expect(c.secretsSet).toEqual(['password', 'user']);
    const { secrets: _, ...settings } = tokenEndpoint;
    const put = await t
      .as('put', `${C}/${c.id}`)
      .send({ ...settings, secrets: { password: null, pin: '1234' } })
      .expect(200);
    expect(put.body.secretsSet).toEqual(['pin', 'user']);
    expect(put.body.request).toEqual({ method: 'POST', ...tokenEndpoint.request });
    // null is a PUT's way to clear: a POST needs a value.
    expect(await refused({ ...settings, name: 'te2', secrets: { user: null } })).toEqual([
      'secrets.user: must be text of 1 to 8000 characters',
    ]);
    expect(await refused({ ...settings, secrets: { user: 1 } }, 'put', `${C}/${c.id}`)).toEqual([
      'secrets.user: must be text of 1 to 8000 characters or null',
    ]);
  });

  it('refuses U+0000, __proto__ and lone surrogates anywhere in the body', async () => {
    const nul = { ...tokenEndpoint, request: { ...tokenEndpoint.request, url: 'https://a\u0000b' } };
    expect(await refused(nul)).toEqual(['request.url: text may not contain the NUL character (U+0000)']);
    const top = `{"name":"p","type":"none","__proto__":{"polluted":true}}`;
    const nested = `{"name":"p","type":"bearer","token":"t","allowedOrigins":["https://a.example.com"],
      "fields":{"constructor":{"prototype":{"polluted":true}}}}`;
    for (const [text, detail] of [
      [top, '__proto__: property __proto__ should not exist'],
      [nested, 'fields.constructor: property constructor should not exist'],
    ]) {
      const r = await t.as('post', C).set('content-type', 'application/json').send(text).expect(400);
      expect(r.body.details).toEqual([detail]);
    }
    expect(await refused({ name: 'x\ud800', type: 'none' })).toEqual([
      'name: text must be valid Unicode (it holds a lone UTF-16 surrogate)',
    ]);
    const list = (await t.as('get', C).expect(200)).body.items as { name: string }[];
    expect(list.map((x) => x.name)).toEqual(['te']);
  });

  it('the OpenAPI document shows the body as a oneOf of the types, with the nested unions', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    for (const [method, suffix] of [
      ['post', ''],
      ['put', 'Update'],
    ]) {
      const path = method === 'post' ? '/api/v1/connections' : '/api/v1/connections/{id}';
      const schema = doc.paths[path][method].requestBody.content['application/json'].schema;
      expect(schema.oneOf).toHaveLength(7);
      expect(schema.discriminator.mapping.basic).toBe(`#/components/schemas/BasicConnection${suffix}`);
    }
    const { schemas } = doc.components;
    expect(schemas.BasicConnection.required).toEqual(expect.arrayContaining(['name', 'type', 'username', 'password']));
    expect(schemas.BasicConnectionUpdate.required).not.toContain('password');
    expect(schemas.BasicConnectionUpdate.properties.password).toMatchObject({ nullable: true, writeOnly: true });
    expect(schemas.TokenRequestDto.properties.body.discriminator.propertyName).toBe('type');
    expect(schemas.TokenEndpointConnection.properties.apply.oneOf).toHaveLength(4);
  });
});
