/**
 * Platform contracts: health, metrics, API docs, the error shape, "every route declares its access",
 * ROLE parsing. (Structured request logs are checked on a spawned server in start.e2e-spec.ts,
 * where stdout is the real pino destination.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ForbiddenException, RequestMethod, type ExecutionContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ACCESS_KEY, type AccessRule } from '../src/access/access.decorator';
import { AuthGuard } from '../src/auth/auth.guard';
import { ConfigError, loadConfig } from '../src/platform/config/app-config';
import { toApiError } from '../src/platform/errors/http-exception.filter';
import { HealthService } from '../src/health/health.service';
import { TestApp } from './harness';

/** The scraper's bearer token for GET /metrics. */
const METRICS_TOKEN = 'platform-metrics-token-0123456789';

/** A route as Nest maps it, with the access rule its handler or controller declares. */
interface MappedRoute {
  controller: string;
  handler: string;
  method: string;
  path: string;
  rule: AccessRule | undefined;
  excludedFromDocs: boolean;
}

const joinPath = (...parts: (string | undefined)[]) =>
  '/' +
  parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .join('/');

/** Every controller route of the application (Nest's module container + the route metadata). */
function mappedRoutes(t: TestApp): MappedRoute[] {
  const reflector = t.app.get(Reflector);
  const routes: MappedRoute[] = [];
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!cls || !wrapper.instance) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, cls) as string | string[] | undefined].flat();
      const classExcluded = Reflect.getMetadata('swagger/apiExcludeController', cls)?.[0] === true;
      const proto = cls.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (sub === undefined) continue; // not a route
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [handler, cls]);
        const excluded = classExcluded || Reflect.getMetadata('swagger/apiExcludeEndpoint', handler)?.disable === true;
        const prefix = cls.name === 'MetricsController' ? '' : 'api/v1';
        for (const b of base)
          for (const s of [sub].flat())
            routes.push({
              controller: cls.name,
              handler: name,
              method,
              path: joinPath(prefix, b, s),
              rule,
              excludedFromDocs: excluded,
            });
      }
    }
  }
  return routes;
}

/** The routes Express actually serves (Express 5 router), as "METHOD /path". */
function expressRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    _router?: { stack: unknown[] };
  };
  const stack = (express.router ?? express._router)!.stack as {
    route?: { path: string; methods: Record<string, boolean> };
  }[];
  return stack
    .filter((l) => l.route)
    .flatMap((l) => {
      const methods = Object.keys(l.route!.methods).filter((m) => m !== '_all');
      // Middleware mounted with forRoutes('*') shows up as a route for every method: not an endpoint.
      if (methods.length > 20) return [];
      const p = l.route!.path.length > 1 ? l.route!.path.replace(/\/$/, '') : l.route!.path;
      return methods.map((m) => `${m.toUpperCase()} ${p}`);
    });
}

describe('platform', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start({ METRICS_TOKEN })));
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  describe('GET /api/v1/health', () => {
    it('answers 200 without auth: database ok, the queue state, the version', async () => {
      const r = await t.http().get('/api/v1/health').expect(200);
      expect(r.body).toEqual({
        status: 'ok',
        database: 'ok',
        queue: expect.stringMatching(/^(ok|disabled)$/),
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
      expect(r.headers['cache-control']).toBe('no-store');
      const hasQueueSchema = (await t.db.query(`SELECT to_regclass('pgboss.job')::text AS j`))[0].j !== null;
      expect(r.body.queue).toBe(hasQueueSchema ? 'ok' : 'disabled');
    });

    it('answers 503 with the same shape when the database fails', async () => {
      const ds = t.app.get(DataSource);
      jest.spyOn(ds, 'query').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      const r = await t.http().get('/api/v1/health').expect(503);
      expect(r.body).toEqual({ status: 'error', database: 'error', queue: 'error', version: expect.any(String) });
    });

    it('counts a database that does not answer within the timeout as down', async () => {
      const ds = t.app.get(DataSource);
      jest.spyOn(ds, 'query').mockReturnValue(new Promise(() => undefined));
      const t0 = Date.now();
      const report = await t.app.get(HealthService).check(200);
      expect(report).toMatchObject({ status: 'error', database: 'error' });
      expect(Date.now() - t0).toBeLessThan(1000);
    });
  });

  it('serves Prometheus metrics at /metrics, the callflow_ families (to the METRICS_TOKEN bearer only)', async () => {
    await t.http().get('/metrics').expect(401);
    const r = await t.http().get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^# HELP callflow_runs_total /m);
    expect(r.text).toMatch(/^# TYPE callflow_run_duration_seconds histogram$/m);
    expect(r.text).toMatch(/^# TYPE callflow_queue_depth gauge$/m);
    expect(r.text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  describe('API docs', () => {
    it('serves Swagger UI at /api/docs', async () => {
      const r = await t.http().get('/api/docs').redirects(1).expect(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.text).toMatch(/swagger-ui/i);
    });

    it('serves a valid OpenAPI 3 document listing every documented route', async () => {
      const r = await t.http().get('/api/docs/openapi.json').expect(200);
      const doc = r.body as {
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, unknown>>;
        components?: { securitySchemes?: Record<string, unknown> };
      };
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(expect.arrayContaining(['bearer', 'apiKey']));
      expect(doc.paths['/api/v1/auth/login']).toHaveProperty('post');
      expect(doc.paths['/api/v1/api-keys']).toEqual(
        expect.objectContaining({ get: expect.anything(), post: expect.anything() }),
      );
      expect(doc.paths['/api/v1/api-keys/{id}']).toHaveProperty('delete');
      expect(doc.paths['/api/v1/health']).toHaveProperty('get');
      // Every operation is well formed, and every documented Nest route (flows, triggers, … when present) is listed.
      for (const [p, ops] of Object.entries(doc.paths)) {
        expect(p).toMatch(/^\//);
        for (const [m, op] of Object.entries(ops)) {
          expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'parameters']).toContain(m);
          if (m !== 'parameters') expect(op).toHaveProperty('responses');
        }
      }
      const missing = mappedRoutes(t)
        .filter((route) => !route.excludedFromDocs && !['ALL', 'OPTIONS', 'HEAD'].includes(route.method))
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((key) => {
          const [m, p] = key.split(' ') as [string, string];
          return !doc.paths[p]?.[m];
        });
      expect(missing).toEqual([]);
    });
  });

  describe('errors', () => {
    it('answers an unknown route with the API error shape (404), no stack', async () => {
      for (const [method, url] of [
        ['get', '/api/v1/no-such-thing'],
        ['post', '/api/v1/flows/x/y/z'],
        ['delete', '/api/v1'],
      ] as const) {
        const r = await t.http()[method](url);
        expect(r.status).toBe(404);
        expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
      }
    });

    it('turns a thrown non-HTTP error into a bare 500 that leaks nothing', async () => {
      // Every TypeORM call (the access guard loads the user on each request) goes through a query runner.
      const secret =
        'password authentication failed for user "postgres" at /work/main/apps/api/src/users/users.service.ts:42';
      const ds = t.app.get(DataSource);
      jest.spyOn(ds, 'createQueryRunner').mockImplementation(() => {
        throw Object.assign(new Error(secret), { code: '28P01' });
      });
      const r = await t.as('get', '/api/v1/api-keys');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'unexpected error; see the server log',
      });
      expect(r.text).not.toMatch(/password|postgres|users\.service|\bat \w/);
    });

    it('maps any non-HTTP value to a bare 500 (unit)', () => {
      for (const v of [
        new Error('x at /secret/path.ts:1'),
        new TypeError('undefined is not a function'),
        'string',
        null,
        { status: 500, message: 'internal' },
      ]) {
        expect(toApiError(v)).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'unexpected error; see the server log',
        });
      }
    });
  });

  describe('access declarations', () => {
    it('every route of the application declares how it is reached (permission, API key, signed in or public)', () => {
      const routes = mappedRoutes(t);
      expect(routes.length).toBeGreaterThan(5);
      const undeclared = routes
        .filter((r) => !r.rule || !['permission', 'apiKey', 'public', 'authenticated'].includes(r.rule.kind))
        .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
      expect(undeclared).toEqual([]);
      // Public routes are few and known.
      const publicRoutes = routes.filter((r) => r.rule?.kind === 'public').map((r) => `${r.method} ${r.path}`);
      for (const p of publicRoutes)
        expect(p).toMatch(
          /^(GET \/api\/v1\/health|GET \/metrics|POST \/api\/v1\/auth\/(login|refresh|logout)|\w+ \/api\/v1\/hooks\/.*|OPTIONS .*)$/,
        );
      expect(publicRoutes).toEqual(expect.arrayContaining(['GET /api/v1/health', 'POST /api/v1/auth/login']));
    });

    it('the enumeration sees every route Express serves (no route escapes the check)', () => {
      const known = new Set(mappedRoutes(t).flatMap((r) => (r.method === 'ALL' ? [] : [`${r.method} ${r.path}`])));
      const allRoutes = new Set(
        mappedRoutes(t)
          .filter((r) => r.method === 'ALL')
          .map((r) => r.path),
      );
      const served = expressRoutes(t).filter((r) => / \/(api\/v1|metrics)(\/|$)/.test(r));
      expect(served.length).toBeGreaterThan(5);
      const unknown = served.filter((r) => !known.has(r) && !allRoutes.has(r.split(' ')[1]!));
      expect(unknown).toEqual([]);
    });

    it('the guard denies a route that declares nothing', async () => {
      class Undeclared {
        handler() {
          return 'should never run';
        }
      }
      // Only the reflector is needed: the rule is checked before anything else is touched.
      const guard = new (AuthGuard as unknown as new (reflector: Reflector) => AuthGuard)(new Reflector());
      const ctx = {
        getHandler: () => Undeclared.prototype.handler,
        getClass: () => Undeclared,
        switchToHttp: () => ({ getRequest: () => ({ headers: {} }) }),
      } as unknown as ExecutionContext;
      await expect(guard.canActivate(ctx)).rejects.toBeInstanceOf(ForbiddenException);
    });
  });

  describe('configuration: ROLE', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-role-'));
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('defaults to all, accepts api and worker, refuses anything else naming ROLE', () => {
      expect(loadConfig({ DATA_DIR: dataDir }).ROLE).toBe('all');
      expect(loadConfig({ DATA_DIR: dataDir, ROLE: 'api' }).ROLE).toBe('api');
      expect(loadConfig({ DATA_DIR: dataDir, ROLE: 'worker' }).ROLE).toBe('worker');
      expect(() => loadConfig({ DATA_DIR: dataDir, ROLE: 'API ' })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dataDir, ROLE: 'both' })).toThrow(/ROLE/);
    });

    it('names every bad variable at once', () => {
      let message = '';
      try {
        loadConfig({
          DATA_DIR: dataDir,
          PORT: '70000',
          DATABASE_URL: 'notaurl',
          ADMIN_PASSWORD: 'short',
          LOG_LEVEL: 'loud',
        });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      for (const name of ['PORT', 'DATABASE_URL', 'ADMIN_PASSWORD', 'LOG_LEVEL'])
        expect(message).toMatch(new RegExp(`\\b${name}:`));
    });

    it("the README's configuration table lists exactly the variables of app-config.ts", () => {
      const source = fs.readFileSync(path.resolve(__dirname, '../src/platform/config/app-config.ts'), 'utf8');
      // The object's keys, at its own indentation (whatever the formatter made of it).
      const start = source.indexOf('const envSchema = z');
      const schema = source.slice(start, source.indexOf('\n  })', start));
      const indent = /\n(\s+)[A-Z]/.exec(schema)?.[1] ?? '  ';
      const variables = [...schema.matchAll(new RegExp(`^${indent}([A-Z][A-Z0-9_]*):`, 'gm'))].map((m) => m[1]).sort();
      expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'ROLE']));
      const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
      const table = readme.slice(
        readme.indexOf('## Configuration'),
        readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5),
      );
      const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort();
      expect(documented).toEqual(variables);
    });

    it('keeps generated secrets in DATA_DIR across loads', () => {
      const a = loadConfig({ DATA_DIR: dataDir });
      const b = loadConfig({ DATA_DIR: dataDir });
      expect(b.jwtSecret).toBe(a.jwtSecret);
      expect(b.secretsKey.equals(a.secretsKey)).toBe(true);
      expect(a.secretsKey.length).toBe(32);
    });
  });
});
