import crypto from 'node:crypto';
import { hashApiKey } from '../src/api-keys/api-key-crypto';
import { API_PREFIX } from '../src/app.factory';
import { listRoutes, type RouteInfo } from '../src/access/route-catalogue';
import { BUILT_IN_ROLES } from '../src/roles/built-in-roles';
import { signInWithRoles } from './flow-fixtures';
import { TestApp } from './harness';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Concrete URL for a route: every path parameter becomes a random UUID. */
function concrete(path: string): string {
  return path
    .replace(/:[A-Za-z0-9_]+/g, () => crypto.randomUUID())
    .replace(/\*[A-Za-z0-9_]*/g, () => crypto.randomUUID());
}

describe('access: every route declares its access, and the guard applies it', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  beforeAll(async () => {
    t = await TestApp.start();
    routes = listRoutes(t.app, API_PREFIX, ['metrics']);
  });
  afterAll(() => t.close());

  it('finds the routes of every controller, each with a declared rule', () => {
    expect(routes.length).toBeGreaterThan(25);
    const undeclared = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const k of [
      'POST /api/v1/auth/login',
      'GET /api/v1/me',
      'GET /api/v1/permissions',
      'PATCH /api/v1/roles/:id',
      'DELETE /api/v1/users/:id',
      'POST /api/v1/tenants',
      'GET /api/v1/audit',
      'GET /metrics',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('lists exactly the routes Express serves (the walk misses none)', () => {
    const stack = (
      t.app.getHttpAdapter().getInstance() as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      }
    ).router.stack;
    const served = new Set<string>();
    for (const layer of stack) {
      if (!layer.route) continue;
      const path = layer.route.path.length > 1 ? layer.route.path.replace(/\/$/, '') : layer.route.path;
      for (const m of Object.keys(layer.route.methods)) served.add(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${path}`);
    }
    const walked = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const pathOf = (s: string) => s.slice(s.indexOf(' ') + 1);
    const methodsPerPath = new Map<string, number>();
    for (const s of served) methodsPerPath.set(pathOf(s), (methodsPerPath.get(pathOf(s)) ?? 0) + 1);
    const missed = [...served].filter((s) => {
      const p = pathOf(s);
      if (walked.has(s) || walked.has(`ALL ${p}`)) return false; // Nest registers @All() once per HTTP method
      // Swagger UI and the OpenAPI document: public by design, API_DOCS=false turns them off.
      if (p.startsWith('/api/docs')) return false;
      // Nest middleware (logger, prefix exclusion) is bound for every method: not a route.
      return (methodsPerPath.get(p) ?? 0) < 20;
    });
    expect(missed).toEqual([]);
    expect([...walked].filter((w) => !served.has(w) && !w.startsWith('ALL '))).toEqual([]);
  });

  it('role × route: 403 exactly when the built-in role lacks the declared permission', async () => {
    const userRoutes = routes.filter((r) => r.rule?.kind === 'permission' || r.rule?.kind === 'authenticated');
    const failures: string[] = [];
    for (const role of BUILT_IN_ROLES) {
      const { token } = await signInWithRoles(t, [role.name]);
      const holds = new Set<string>(role.permissions);
      for (const r of userRoutes) {
        const method = (r.method === 'ALL' ? 'post' : r.method.toLowerCase()) as Method;
        const req = t.http()[method](concrete(r.path)).set('authorization', `Bearer ${token}`);
        const res = method === 'get' || method === 'delete' ? await req : await req.send({});
        const needed = r.rule?.kind === 'permission' ? r.rule.permission : null;
        const expected403 = needed !== null && !holds.has(needed);
        if (expected403 !== (res.status === 403) || res.status === 401 || res.status >= 500) {
          failures.push(
            `${role.name}: ${r.method} ${r.path} needs ${needed ?? 'sign-in'} ` +
              `→ ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('API key routes refuse a user token (401) and a key without the scope (403)', async () => {
    const keyRoutes = routes.filter((r) => r.rule?.kind === 'apiKey');
    expect(keyRoutes.length).toBeGreaterThan(0);
    const [{ tenant_id }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
    const scopeless = `cfk_${crypto.randomBytes(32).toString('base64url')}`;
    await t.db.query(
      `INSERT INTO api_keys (tenant_id, name, key_hash, key_prefix, scopes) VALUES ($1, 'no scope', $2, $3, '{}')`,
      [tenant_id, hashApiKey(scopeless), scopeless.slice(0, 10)],
    );
    for (const r of keyRoutes) {
      const method = (r.method === 'ALL' ? 'post' : r.method.toLowerCase()) as Method;
      const url = concrete(r.path);
      const asUser = await t.http()[method](url).set('authorization', `Bearer ${t.token}`).send({});
      expect([`${r.method} ${r.path}`, asUser.status]).toEqual([`${r.method} ${r.path}`, 401]);
      const noScope = await t.http()[method](url).set('x-api-key', scopeless).send({});
      expect([`${r.method} ${r.path}`, noScope.status]).toEqual([`${r.method} ${r.path}`, 403]);
    }
  });

  it('an unauthenticated call to any non-public route is 401', async () => {
    for (const r of routes.filter((x) => x.rule && x.rule.kind !== 'public')) {
      const method = (r.method === 'ALL' ? 'post' : r.method.toLowerCase()) as Method;
      const res = await t.http()[method](concrete(r.path)).send({});
      expect([`${r.method} ${r.path}`, res.status]).toEqual([`${r.method} ${r.path}`, 401]);
    }
  });
});
