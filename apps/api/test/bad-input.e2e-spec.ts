import crypto from 'node:crypto';
import { API_PREFIX } from '../src/app.factory';
import { listRoutes, type RouteInfo } from '../src/access/route-catalogue';
import { ADMIN, TestApp } from './harness';
import { chainFlow, publishFlow, respondNode } from './support/triggers';

/**
 * Bad input at the edges: a table of malformed requests for every route of the route catalogue
 * (so a new route is covered automatically): malformed JSON, wrong body types, unknown fields, a
 * body past BODY_LIMIT_BYTES, junk and random path ids, bad tokens, another tenant's ids. Each
 * must get its 4xx, never a 5xx, and no response may carry a stack trace, a file path, SQL text
 * or a secret.
 */

const JWT_SECRET = 'bad-input-jwt-secret-0123456789abcdef0123456789';
const BODY_LIMIT = 64 * 1024;
const CONNECTION_SECRET = 'conn-secret-Zq8x1Yv0-do-not-echo';
const B_PASSWORD = 'tenant-b-password-Kk29';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
interface Case {
  name: string;
  route: RouteInfo;
  method: Method;
  url: string;
  auth: 'user' | 'key' | 'none' | { header: string; value: string };
  body?: { raw: string; type: string } | { json: unknown };
  expect: number[];
}
interface Row {
  case: string;
  route: string;
  url: string;
  status: number;
  expected: number[];
}

const DEFINITION = chainFlow({ id: 't', type: 'trigger.ivr', name: 'ivr', config: {} }, respondNode('{}'));

/** A minimal valid body per route with a body (the unknown-field and random-id cases start from it). */
const VALID_BODY: Record<string, unknown> = {
  'POST /api/v1/api-keys': { name: 'k', scopes: ['triggers.invoke'] },
  'POST /api/v1/campaigns/:campaignId/retry': { requestId: 'r-1' },
  'POST /api/v1/auth/login': { email: 'nobody@test.local', password: 'whatever-123' },
  'POST /api/v1/auth/logout': { refreshToken: 'x' },
  'POST /api/v1/auth/refresh': { refreshToken: 'x' },
  'POST /api/v1/connections': { name: 'c', type: 'none' },
  'PUT /api/v1/connections/:id': { name: 'c', type: 'none' },
  'POST /api/v1/events': { id: 'ev-1', type: 'call.ended' },
  'POST /api/v1/flows': { name: 'f', definition: DEFINITION },
  'PUT /api/v1/flows/:id': { revision: 1, definition: DEFINITION },
  'POST /api/v1/flows/:id/publish': {},
  'POST /api/v1/flows/test-run': { definition: DEFINITION, input: {} },
  'POST /api/v1/flows/validate': { definition: DEFINITION },
  'POST /api/v1/ivr/:flowKey': {},
  'POST /api/v1/roles': { name: 'r', permissions: [] },
  'PATCH /api/v1/roles/:id': { name: 'r2' },
  'POST /api/v1/soap/describe': { wsdlUrl: 'http://127.0.0.1:9/x?wsdl' },
  'POST /api/v1/tenants': { name: 'T', adminEmail: 'x@test.local', adminPassword: 'user password 4 tests' },
  'POST /api/v1/users': { email: 'new@test.local', password: 'user password 4 tests' },
  'PATCH /api/v1/users/:id': { active: true },
};

/** HS256 JWT signed with `secret`. */
function jwt(claims: Record<string, unknown>, secret: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${crypto.createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** Stack frames, file paths, SQL text. */
const LEAK = [
  /\n\s+at /,
  /\bat \S+ \(/,
  /\(?\/?[\w./-]+\.(ts|js):\d+:\d+/,
  /\/work\//,
  /node_modules/,
  /QueryFailedError|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|\bDELETE FROM\b|syntax error at or near|violates .* constraint|relation "/,
];

describe('bad input at the edges: every route, malformed requests', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  let secrets: string[];
  const rows: Row[] = [];
  /** The admin's own ids (tenant A), and tenant B's. */
  const a: Record<string, string> = {};
  const b: Record<string, string> = {};
  let revokedKey: string;
  let forgedExpired: string;
  let realExpired: string;
  let unknownUser: string;
  /** `METHOD path` → the query parameters its OpenAPI operation declares. */
  const queryParams = new Map<string, string[]>();
  const FREE_TEXT_QUERY = new Set(['q', 'callId', 'phone']);

  beforeAll(async () => {
    t = await TestApp.start({
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      JWT_SECRET,
    });
    routes = listRoutes(t.app, API_PREFIX, ['metrics']);
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    for (const r of routes) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      queryParams.set(
        `${r.method} ${r.path}`,
        (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      );
    }

    // Tenant A (the admin's): a published IVR flow and a webhook flow, a connection with a secret, a revoked key.
    await publishFlow(t, 'a-ivr', DEFINITION);
    await publishFlow(
      t,
      'a-hook',
      chainFlow({ id: 't', type: 'trigger.webhook', name: 'hook', config: {} }, respondNode('{}')),
    );
    await t
      .as('post', '/api/v1/connections')
      .send({
        name: 'crm',
        type: 'basic',
        username: 'agent',
        password: CONNECTION_SECRET,
        allowedOrigins: ['https://crm.example.com'],
      })
      .expect(201);
    const key = await t
      .as('post', '/api/v1/api-keys')
      .send({ name: 'revoked', scopes: ['triggers.invoke'] })
      .expect(201);
    revokedKey = key.body.key;
    await t.as('delete', `/api/v1/api-keys/${key.body.id}`).expect(204);

    // Tenant B and one of each of its resources.
    await t
      .as('post', '/api/v1/tenants')
      .send({ name: 'Tenant B', adminEmail: 'admin-b@test.local', adminPassword: B_PASSWORD })
      .expect(201);
    const bToken = (
      await t.http().post('/api/v1/auth/login').send({ email: 'admin-b@test.local', password: B_PASSWORD }).expect(200)
    ).body.accessToken as string;
    const asB = (m: 'post' | 'get', url: string) => t.http()[m](url).set('authorization', `Bearer ${bToken}`);
    const flowB = await asB('post', '/api/v1/flows')
      .send({ name: 'b ivr', key: 'b-ivr', definition: DEFINITION })
      .expect(201);
    b.flows = flowB.body.id;
    await asB('post', `/api/v1/flows/${b.flows}/publish`).send({}).expect(200);
    const hookB = await asB('post', '/api/v1/flows')
      .send({
        name: 'b hook',
        key: 'b-hook',
        definition: chainFlow({ id: 't', type: 'trigger.webhook', name: 'hook', config: {} }, respondNode('{}')),
      })
      .expect(201);
    await asB('post', `/api/v1/flows/${hookB.body.id}/publish`).send({}).expect(200);
    b.connections = (
      await asB('post', '/api/v1/connections').send({ name: 'b crm', type: 'none' }).expect(201)
    ).body.id;
    b.roles = (
      await asB('post', '/api/v1/roles')
        .send({ name: 'b role', permissions: ['flows.read'] })
        .expect(201)
    ).body.id;
    b.users = (
      await asB('post', '/api/v1/users')
        .send({ email: 'user-b@test.local', password: 'velvet kettle 4 tests' })
        .expect(201)
    ).body.id;
    const bKey = await asB('post', '/api/v1/api-keys')
      .send({ name: 'b key', scopes: ['triggers.invoke'] })
      .expect(201);
    b['api-keys'] = bKey.body.id;
    b.executions = (
      await t.http().post('/api/v1/ivr/b-ivr').set('x-api-key', bKey.body.key).send({}).expect(200)
    ).body.executionId;
    b.ivr = 'b-ivr';
    b.hooks = 'b-hook';
    a.ivr = 'a-ivr';
    a.hooks = 'a-hook';

    // Tokens: forged (another secret, expired), expired with the real secret, valid for a user that does not exist.
    const claims = JSON.parse(Buffer.from(t.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    forgedExpired = jwt(
      { ...claims, iat: now - 7200, exp: now - 3600 },
      'another-secret-another-secret-another-secret',
    );
    realExpired = jwt({ ...claims, iat: now - 7200, exp: now - 3600 }, JWT_SECRET);
    unknownUser = jwt({ ...claims, sub: crypto.randomUUID(), iat: now, exp: now + 600 }, JWT_SECRET);
    secrets = [
      JWT_SECRET,
      CONNECTION_SECRET,
      B_PASSWORD,
      t.apiKey,
      bKey.body.key,
      t.config.secretsKey.toString('hex'),
      t.config.secretsKey.toString('base64'),
      ADMIN.password,
    ].filter((s): s is string => typeof s === 'string' && s.length > 0);
  });
  afterAll(() => t?.close());

  /** The resource kind of a path (`/api/v1/<kind>/...`). */
  const kindOf = (path: string) => path.slice(API_PREFIX.length + 2).split('/')[0]!;
  const keyOf = (r: RouteInfo) => `${r.method} ${r.path}`;
  const methodOf = (r: RouteInfo): Method => (r.method === 'ALL' ? 'put' : (r.method.toLowerCase() as Method));
  const authOf = (r: RouteInfo): Case['auth'] =>
    r.rule?.kind === 'apiKey' ? 'key' : r.rule?.kind === 'public' ? 'none' : 'user';
  const takesBody = (r: RouteInfo) => keyOf(r) in VALID_BODY || ['POST /api/v1/flows/import'].includes(keyOf(r));
  /** The path with each parameter filled: own resources by default. */
  const fill = (
    r: RouteInfo,
    ids: Record<string, string>,
    override: Partial<Record<'id' | 'flowKey' | 'version', string>> = {},
  ) =>
    r.path.replace(/:(\w+)/g, (_m, p: 'id' | 'flowKey' | 'version') => {
      if (override[p] !== undefined) return override[p]!;
      if (p === 'version') return '1';
      if (p === 'flowKey') return ids[kindOf(r.path)] ?? 'a-ivr';
      return ids[kindOf(r.path)] ?? crypto.randomUUID();
    });

  function buildCases(): Case[] {
    const cases: Case[] = [];
    for (const r of routes) {
      const method = methodOf(r);
      const auth = authOf(r);
      const hasParams = /:\w+/.test(r.path);
      const uuidParam = /:id\b/.test(r.path) && kindOf(r.path) !== 'flow-templates';
      const base = { route: r, method, auth };
      const randomIds = () => fill(r, {}, { id: crypto.randomUUID() });
      // Every route but OPTIONS parses a JSON body if one is sent.
      if (method !== 'options') {
        const url = hasParams ? randomIds() : r.path;
        cases.push({
          ...base,
          name: 'malformed JSON',
          url,
          body: { raw: '{"a": [1, 2,', type: 'application/json' },
          expect: [400],
        });
        cases.push({
          ...base,
          name: 'JSON with a trailing comma',
          url,
          body: { raw: '{"a": 1,}', type: 'application/json' },
          expect: [400],
        });
        cases.push({
          ...base,
          name: 'body past BODY_LIMIT_BYTES',
          url,
          body: { json: { pad: 'x'.repeat(BODY_LIMIT + 1024) } },
          expect: [413],
        });
        cases.push({
          ...base,
          name: 'text body past BODY_LIMIT_BYTES',
          url,
          body: { raw: 'y'.repeat(BODY_LIMIT + 1024), type: 'text/plain' },
          expect: [413],
        });
      }
      if (takesBody(r)) {
        const url = hasParams ? fill(r, a) : r.path;
        // /events takes one event or an array of them: an empty array is refused too.
        for (const [label, json] of [
          ['array', []],
          ['number', 42],
          ['string', 'text'],
          ['null', null],
          ['array of numbers', [1, 2]],
        ] as const) {
          cases.push({
            ...base,
            name: `body is ${label}`,
            url,
            body:
              json === null || typeof json !== 'object'
                ? { raw: JSON.stringify(json), type: 'application/json' }
                : { json },
            expect: [400],
          });
        }
        cases.push({
          ...base,
          name: 'unknown field',
          url,
          body: { json: { ...((VALID_BODY[keyOf(r)] as object) ?? {}), zzUnknown: 1 } },
          expect: [400],
        });
        const fields = Object.keys((VALID_BODY[keyOf(r)] as object) ?? {});
        cases.push({
          ...base,
          name: 'wrong field types',
          url,
          body: { json: Object.fromEntries((fields.length ? fields : ['name']).map((k) => [k, [true]])) },
          expect: [400],
        });
      }
      if (uuidParam) {
        for (const junk of [
          'not-a-uuid',
          '123',
          "1'%20OR%20'1'%3D'1",
          '..%2F..%2Fetc%2Fpasswd',
          '00000000-0000-0000-0000-00000000000g',
        ]) {
          // 400 from ParseUUIDPipe; /connections/:id looks the id up as text and answers 404 (both fine).
          cases.push({
            ...base,
            name: `junk id ${decodeURIComponent(junk)}`,
            url: fill(r, a, { id: junk }),
            body: { json: VALID_BODY[keyOf(r)] ?? {} },
            expect: kindOf(r.path) === 'connections' ? [404] : [400],
          });
        }
        cases.push({
          ...base,
          name: 'random UUID',
          url: randomIds(),
          body: { json: VALID_BODY[keyOf(r)] ?? {} },
          expect: [404],
        });
        cases.push({
          ...base,
          name: "another tenant's id",
          url: fill(r, b),
          body: { json: VALID_BODY[keyOf(r)] ?? {} },
          expect: [404],
        });
      }
      if (/:version/.test(r.path)) {
        cases.push({
          ...base,
          name: 'junk version',
          url: fill(r, a, { id: undefined, version: 'abc' }).replace(
            /flows\/[^/]+/,
            `flows/${a.flows ?? crypto.randomUUID()}`,
          ),
          expect: [400, 404],
        });
      }
      if (kindOf(r.path) === 'flow-templates' && hasParams) {
        cases.push({
          ...base,
          name: 'unknown template id',
          url: fill(r, {}, { id: 'no-such-template' }),
          expect: [404],
        });
        cases.push({
          ...base,
          name: 'junk template id',
          url: fill(r, {}, { id: '..%2F..%2Fpackage.json' }),
          expect: [400, 404],
        });
      }
      if (/:flowKey/.test(r.path)) {
        const ok = method === 'put' ? [405] : []; // ALL /hooks/:flowKey: any other method is a 405
        if (r.method === 'ALL') {
          for (const m of ['put', 'patch', 'delete'] as const)
            cases.push({
              ...base,
              method: m,
              name: `method ${m.toUpperCase()} on a webhook`,
              url: fill(r, a),
              body: { json: {} },
              expect: [405],
            });
        }
        cases.push({
          ...base,
          name: 'unknown flow key',
          url: fill(r, {}, { flowKey: 'no-such-flow' }),
          body: method === 'options' ? undefined : { json: {} },
          expect: method === 'options' ? [204, 404] : [404, ...ok],
        });
        cases.push({
          ...base,
          name: 'junk flow key',
          url: fill(r, {}, { flowKey: '..%2F%2E%2E%2Fadmin' }),
          body: method === 'options' ? undefined : { json: {} },
          expect: method === 'options' ? [204, 404] : [400, 404, ...ok],
        });
        cases.push({
          ...base,
          name: "another tenant's flow key",
          url: fill(r, b),
          body: method === 'options' ? undefined : { json: {} },
          expect: method === 'options' ? [204, 404] : [404, ...ok],
        });
      }
      // Query parameters the route declares (OpenAPI): junk values are 400s; free text is searched safely.
      for (const q of queryParams.get(keyOf(r)) ?? []) {
        const free = FREE_TEXT_QUERY.has(q);
        const value = free
          ? "'; DROP TABLE flows; --"
          : q === 'limit'
            ? '-5'
            : q === 'cursor'
              ? 'garbage%%'
              : 'not-valid';
        cases.push({
          ...base,
          name: `junk query ${q}`,
          url: `${r.path}?${q}=${encodeURIComponent(value)}`,
          expect: free ? [200] : [400],
        });
      }
      if (r.rule?.kind === 'permission' || r.rule?.kind === 'authenticated') {
        const url = hasParams ? fill(r, a) : r.path;
        const bearer = (value: string) => ({ header: 'authorization', value: `Bearer ${value}` });
        cases.push({ ...base, name: 'garbage bearer', url, auth: bearer('garbage.garbage.garbage'), expect: [401] });
        cases.push({ ...base, name: 'not a JWT', url, auth: bearer('\u00e9\u00ff not-a-token'), expect: [401] });
        cases.push({
          ...base,
          name: 'Basic auth instead of Bearer',
          url,
          auth: {
            header: 'authorization',
            value: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`,
          },
          expect: [401],
        });
        cases.push({
          ...base,
          name: 'expired JWT signed with another secret',
          url,
          auth: bearer(forgedExpired),
          expect: [401],
        });
        cases.push({ ...base, name: 'expired JWT (right secret)', url, auth: bearer(realExpired), expect: [401] });
        cases.push({
          ...base,
          name: 'JWT of a user that does not exist',
          url,
          auth: bearer(unknownUser),
          expect: [401],
        });
        cases.push({
          ...base,
          name: 'alg none JWT',
          url,
          auth: bearer(
            `${t.token
              .split('.')
              .slice(0, 2)
              .map((p, i) => (i === 0 ? Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url') : p))
              .join('.')}.`,
          ),
          expect: [401],
        });
        cases.push({ ...base, name: 'revoked API key as a user token', url, auth: bearer(revokedKey), expect: [401] });
      }
      if (r.rule?.kind === 'apiKey') {
        const url = hasParams ? fill(r, a) : r.path;
        const body = { json: VALID_BODY[keyOf(r)] ?? {} };
        cases.push({
          ...base,
          name: 'revoked API key (X-Api-Key)',
          url,
          auth: { header: 'x-api-key', value: revokedKey },
          body,
          expect: [401],
        });
        cases.push({
          ...base,
          name: 'revoked API key (Bearer)',
          url,
          auth: { header: 'authorization', value: `Bearer ${revokedKey}` },
          body,
          expect: [401],
        });
        cases.push({
          ...base,
          name: 'garbage API key',
          url,
          auth: { header: 'x-api-key', value: 'cfk_garbage' },
          body,
          expect: [401],
        });
        cases.push({
          ...base,
          name: 'expired user JWT instead of a key',
          url,
          auth: { header: 'authorization', value: `Bearer ${forgedExpired}` },
          body,
          expect: [401],
        });
      }
    }
    return cases;
  }

  async function send(c: Case) {
    let req = t.http()[c.method](c.url);
    if (c.auth === 'user') req = req.set('authorization', `Bearer ${t.token}`);
    else if (c.auth === 'key') req = req.set('x-api-key', t.apiKey);
    else if (c.auth !== 'none') req = req.set(c.auth.header, c.auth.value);
    if (c.body && 'raw' in c.body) return req.set('content-type', c.body.type).send(c.body.raw);
    if (c.body) return req.send(c.body.json as object);
    return req;
  }

  it('answers every malformed request with its 4xx, never a 5xx, and never leaks internals or secrets', async () => {
    // Ids of the admin's own resources, for the body cases (validation runs before any lookup).
    a.flows = (await t.as('get', '/api/v1/flows')).body.items[0].id;
    a.connections = (await t.as('get', '/api/v1/connections')).body.items[0].id;
    a.roles = (await t.as('post', '/api/v1/roles').send({ name: 'a role', permissions: [] }).expect(201)).body.id;
    a.users = (
      await t
        .as('post', '/api/v1/users')
        .send({ email: 'user-a@test.local', password: 'velvet kettle 4 tests' })
        .expect(201)
    ).body.id;
    a['api-keys'] = (await t.as('get', '/api/v1/api-keys')).body.items[0].id;
    a.executions = (
      await t.http().post('/api/v1/ivr/a-ivr').set('x-api-key', t.apiKey).send({}).expect(200)
    ).body.executionId;
    const cases = buildCases();
    const problems: string[] = [];
    for (const c of cases) {
      const res = await send(c);
      const text = `${res.text ?? ''} ${JSON.stringify(res.headers)}`;
      rows.push({
        case: c.name,
        route: `${c.route.method} ${c.route.path}`,
        url: c.url,
        status: res.status,
        expected: c.expect,
      });
      const label = `${c.name}: ${c.method.toUpperCase()} ${c.url.slice(0, 120)} → ${res.status}`;
      if (res.status >= 500) problems.push(`${label} (5xx) ${res.text?.slice(0, 200)}`);
      else if (!c.expect.includes(res.status))
        problems.push(`${label}, expected ${c.expect.join('/')}: ${res.text?.slice(0, 200)}`);
      for (const re of LEAK) if (re.test(text)) problems.push(`${label} leaks ${re}: ${res.text?.slice(0, 200)}`);
      for (const s of secrets) if (text.includes(s)) problems.push(`${label} leaks a secret (${s.slice(0, 4)}…)`);
      if (res.status >= 400 && /json/.test(String(res.headers['content-type']))) {
        if (
          res.body?.statusCode !== res.status ||
          typeof res.body?.message !== 'string' ||
          typeof res.body?.error !== 'string'
        )
          problems.push(`${label}: error body is not {statusCode, error, message}: ${res.text?.slice(0, 200)}`);
      }
    }
    const covered = new Set(rows.map((r) => r.route));
    const statuses = rows.reduce<Record<number, number>>((h, r) => ((h[r.status] = (h[r.status] ?? 0) + 1), h), {});
    console.log(
      `bad input: ${rows.length} requests over ${covered.size} of ${routes.length} routes; ` +
        `statuses ${JSON.stringify(statuses)}`,
    );
    expect(problems).toEqual([]);
    // Every route of the catalogue is in the table.
    expect(routes.filter((r) => !covered.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(rows.length).toBeGreaterThan(500);
  });

  it('a JSON body that is not an object is told so (null, text, numbers, arrays), broken JSON as broken', async () => {
    const post = (url: string, body: string) => t.as('post', url).set('content-type', 'application/json').send(body);
    for (const url of ['/api/v1/flows', '/api/v1/roles', '/api/v1/connections', '/api/v1/flows/test-run'])
      for (const body of ['null', ' "x"', '12', 'true', '1e400', '[]', '[{"name": "x"}]']) {
        const r = await post(url, body);
        expect([url, body, r.status, r.body.message]).toEqual([url, body, 400, 'the body must be a JSON object']);
      }
    // A number JSON cannot hold (1e400 reads as Infinity, and would be stored as null), in opaque JSON too.
    const big = await post('/api/v1/flows/test-run', '{"definition": {}, "input": {"call": {"n": 1e400}}}');
    expect([big.status, big.body.message]).toEqual([400, 'input.call.n: number out of range (beyond ±1.8e308)']);
    const broken = await post('/api/v1/flows', '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/^malformed JSON body: /);
    expect((await post('/api/v1/flows', 'nul')).body.message).toMatch(/^malformed JSON body: /);
  });

  // BUG-3 (reported): U+0000 in a string that reaches PostgreSQL is a 500, on every route that
  // stores or searches text (text columns cannot hold 0x00; jsonb refuses \u0000).
  it('BUG-3: U+0000 in a body or query string is a 4xx, never a 5xx', async () => {
    const nul = 'x\u0000y';
    const res = await Promise.all([
      t.as('post', '/api/v1/flows').send({ name: nul, definition: DEFINITION }),
      t.as('post', '/api/v1/roles').send({ name: nul, permissions: [] }),
      t.as('post', '/api/v1/connections').send({ name: nul, type: 'none' }),
      t.as('get', '/api/v1/flows?q=%00'),
      t.as('post', '/api/v1/flows/test-run').send({ definition: DEFINITION, input: { call: { callerId: nul } } }),
    ]);
    expect(res.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
  });
});
