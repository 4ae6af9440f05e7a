/**
 * An in-memory stand-in for the API (its contracts: README.md "API overview", libs/flow/src/api/) for
 * working on the editor without PostgreSQL: flows with revisions and versions, validation
 * (libs/flow), test runs and IVR calls on the real engine (libs/engine), SOAP describe,
 * executions. Serves apps/editor/dist at `/`.
 *
 *   npm run build -w @callflow/editor && node -r @swc-node/register apps/editor/dev/mock-api.ts
 *   (PORT=3000 by default; `npm run dev -w @callflow/editor` proxies /api to it)
 *
 * Not used in production and not a test of the API: the browser tests run against the real one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { flowKeyFromName, isTriggerType, validateFlow, type FlowDefinition } from '@callflow/flow';
import { FlowEngine, type RunResult } from '@callflow/engine';

interface Flow {
  id: string;
  key: string;
  name: string;
  description: string;
  revision: number;
  definition: FlowDefinition;
  publishedVersion: number | null;
  latestVersion: number;
  updatedAt: string;
  updatedBy: string;
  createdAt: string;
}
interface Version {
  flowId: string;
  version: number;
  note: string;
  definition: FlowDefinition;
  createdAt: string;
  createdBy: string;
}
interface Execution {
  id: string;
  flowId: string | null;
  flowVersion: number | null;
  triggerType: string;
  status: string;
  callId: string | null;
  phone: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  error: unknown;
  input: unknown;
  output: unknown;
  steps: unknown[];
  definition?: FlowDefinition;
}

const USER = {
  id: '00000000-0000-4000-8000-000000000001',
  email: process.env.ADMIN_EMAIL ?? 'admin@example.com',
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  permissions: ['flows.read', 'flows.write', 'flows.publish', 'flows.run', 'executions.read', 'connections.read'],
};
const PASSWORD = process.env.ADMIN_PASSWORD ?? 'admin';
const TOKEN = crypto.randomBytes(16).toString('hex');

export interface MockApi {
  url: string;
  flows: Map<string, Flow>;
  close(): Promise<void>;
}

export async function startMockApi(
  opts: { port?: number; editorDir?: string; outboundAllow?: string[] } = {},
): Promise<MockApi> {
  const flows = new Map<string, Flow>();
  const versions: Version[] = [];
  const executions: Execution[] = [];
  const engine = new FlowEngine({
    outbound: { allow: opts.outboundAllow ?? ['127.0.0.1', 'localhost'] },
    limits: { deadlineMs: 30_000 },
  });
  const editorDir = opts.editorDir ?? path.resolve(__dirname, '../dist');
  const now = () => new Date().toISOString();

  const summary = (f: Flow) => {
    const last = executions.find((e) => e.flowId === f.id);
    return {
      id: f.id,
      key: f.key,
      name: f.name,
      description: f.description,
      revision: f.revision,
      publishedVersion: f.publishedVersion,
      latestVersion: f.latestVersion,
      triggerType: f.definition.nodes.find((n) => isTriggerType(n.type))?.type ?? null,
      updatedAt: f.updatedAt,
      updatedBy: f.updatedBy,
      updatedByEmail: USER.email,
      createdAt: f.createdAt,
      lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt } : null,
    };
  };
  const detail = (f: Flow) => {
    const v = validateFlow(f.definition);
    return {
      ...summary(f),
      definition: f.definition,
      validation: { valid: v.valid, errors: v.errors, warnings: v.warnings },
    };
  };
  const slug = (name: string) => {
    const base = flowKeyFromName(name).slice(0, 48).replace(/-+$/, '') || 'flow';
    let key = base;
    for (let i = 2; [...flows.values()].some((f) => f.key === key); i++) key = `${base}-${i}`;
    return key;
  };
  const create = (body: { name?: string; key?: string; definition?: FlowDefinition; description?: string }): Flow => {
    const f: Flow = {
      id: crypto.randomUUID(),
      key: body.key ?? slug(body.name ?? 'flow'),
      name: body.name ?? 'Untitled flow',
      description: body.description ?? '',
      revision: 1,
      definition: body.definition ?? { schemaVersion: 1, nodes: [], edges: [] },
      publishedVersion: null,
      latestVersion: 0,
      updatedAt: now(),
      updatedBy: USER.id,
      createdAt: now(),
    };
    flows.set(f.id, f);
    return f;
  };
  const record = (
    flow: Flow | null,
    version: number | null,
    trigger: string,
    input: Record<string, any>,
    r: RunResult,
    definition: FlowDefinition,
  ): Execution => {
    const e: Execution = {
      id: crypto.randomUUID(),
      flowId: flow?.id ?? null,
      flowVersion: version,
      triggerType: trigger,
      status: r.status,
      callId: input?.call?.id ?? null,
      phone: input?.call?.callerId ?? input?.contact?.phone ?? null,
      startedAt: r.startedAt,
      finishedAt: now(),
      durationMs: r.durationMs,
      error: r.error ?? null,
      input,
      output: r.output ?? null,
      steps: r.steps,
      definition,
    };
    executions.unshift(e);
    return e;
  };

  type Handler = (
    req: http.IncomingMessage,
    body: any,
    params: string[],
    url: URL,
  ) => Promise<[number, unknown]> | [number, unknown];
  const routes: [string, RegExp, Handler][] = [];
  const route = (method: string, pattern: string, h: Handler) =>
    routes.push([method, new RegExp(`^/api/v1${pattern.replace(/:[a-zA-Z]+/g, '([^/]+)')}$`), h]);
  const err = (status: number, message: string, details?: unknown): [number, unknown] => [
    status,
    { statusCode: status, error: http.STATUS_CODES[status], message, ...(details ? { details } : {}) },
  ];

  route('POST', '/auth/login', (_req, b) =>
    b?.email?.toLowerCase() === USER.email && b?.password === PASSWORD
      ? [200, { accessToken: TOKEN, user: USER }]
      : err(401, 'wrong email or password'),
  );
  route('GET', '/me', () => [200, USER]);
  route('GET', '/flows', () => [
    200,
    { items: [...flows.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map(summary) },
  ]);
  route('POST', '/flows', (_req, b) => [201, detail(create(b ?? {}))]);
  route('POST', '/flows/validate', (_req, b) => {
    const v = validateFlow(b?.definition);
    return [200, { valid: v.valid, errors: v.errors, warnings: v.warnings }];
  });
  route('POST', '/flows/import', (_req, b) => {
    const def = b?.definition ?? b;
    const v = validateFlow(def);
    if (!def || !Array.isArray(def.nodes)) return err(400, 'not a flow export', { errors: v.errors });
    return [201, detail(create({ name: b?.name ?? 'Imported flow', definition: def, description: b?.description }))];
  });
  route('POST', '/flows/test-run', async (_req, b) => {
    let compiled;
    try {
      compiled = engine.compile(b?.definition);
    } catch (e: any) {
      return err(422, e.message, e.details);
    }
    const r = await engine.run(compiled, b?.input ?? {}, b?.deadlineMs ? { limits: { deadlineMs: b.deadlineMs } } : {});
    const flow = b?.flowId ? (flows.get(b.flowId) ?? null) : null;
    const e = record(flow, null, 'test', b?.input ?? {}, r, b.definition);
    return [
      200,
      {
        id: e.id,
        status: r.status,
        output: r.output,
        respond: r.respond,
        error: r.error,
        steps: r.steps,
        durationMs: r.durationMs,
      },
    ];
  });
  route('GET', '/flows/:id', (_req, _b, [id]) =>
    flows.has(id!) ? [200, detail(flows.get(id!)!)] : err(404, 'flow not found'),
  );
  route('PUT', '/flows/:id', (_req, b, [id]) => {
    const f = flows.get(id!);
    if (!f) return err(404, 'flow not found');
    if (b?.revision !== f.revision)
      return err(409, `the flow was changed since revision ${b?.revision} (now ${f.revision})`, {
        revision: f.revision,
      });
    if (b.key !== undefined && b.key !== f.key) {
      // As the API: fixed once published, unique in the tenant.
      if (f.latestVersion > 0) return err(409, 'the key cannot change once the flow has been published');
      if ([...flows.values()].some((o) => o.key === b.key)) return err(409, `the key "${b.key}" is already used`);
    }
    Object.assign(f, {
      key: b.key ?? f.key,
      name: b.name ?? f.name,
      definition: b.definition ?? f.definition,
      description: b.description ?? f.description,
      revision: f.revision + 1,
      updatedAt: now(),
    });
    return [200, detail(f)];
  });
  route('DELETE', '/flows/:id', (_req, _b, [id]) =>
    flows.delete(id!) ? [204, undefined] : err(404, 'flow not found'),
  );
  route('POST', '/flows/:id/publish', (_req, b, [id]) => {
    const f = flows.get(id!);
    if (!f) return err(404, 'flow not found');
    if (b?.version !== undefined) {
      if (!versions.some((v) => v.flowId === f.id && v.version === b.version)) return err(404, 'version not found');
      f.publishedVersion = b.version;
      return [200, { version: b.version, publishedVersion: b.version }];
    }
    const v = validateFlow(f.definition);
    if (!v.valid) return err(422, 'the flow is not valid', { errors: v.errors });
    const version = ++f.latestVersion;
    versions.push({
      flowId: f.id,
      version,
      note: b?.note ?? '',
      definition: structuredClone(f.definition),
      createdAt: now(),
      createdBy: USER.id,
    });
    f.publishedVersion = version;
    return [200, { version, publishedVersion: version }];
  });
  route('GET', '/flows/:id/versions', (_req, _b, [id]) => [
    200,
    {
      items: versions
        .filter((v) => v.flowId === id)
        .map(({ definition: _d, ...v }) => ({ ...v, createdByEmail: USER.email })),
    },
  ]);
  route('GET', '/flows/:id/versions/:v', (_req, _b, [id, v]) => {
    const found = versions.find((x) => x.flowId === id && x.version === Number(v));
    return found ? [200, found] : err(404, 'version not found');
  });
  route('GET', '/flows/:id/export', (_req, _b, [id]) => {
    const f = flows.get(id!);
    return f
      ? [
          200,
          {
            format: 'callflow.flow',
            version: 1,
            name: f.name,
            key: f.key,
            description: f.description,
            definition: f.definition,
          },
        ]
      : err(404, 'flow not found');
  });
  route('GET', '/executions', (_req, _b, _p, url) => {
    const q = Object.fromEntries(url.searchParams);
    const items = executions.filter(
      (e) =>
        (!q.flowId || e.flowId === q.flowId) &&
        (!q.status || e.status === q.status) &&
        (!q.triggerType || e.triggerType === q.triggerType) &&
        (!q.from || e.startedAt >= q.from) &&
        (!q.to || e.startedAt < q.to) &&
        (!q.phone || e.phone === q.phone) &&
        (!q.callId || e.callId === q.callId),
    );
    return [200, { items: items.map(({ input: _i, output: _o, steps: _s, definition: _d, ...rest }) => rest) }];
  });
  route('GET', '/executions/:id', (_req, _b, [id]) => {
    const e = executions.find((x) => x.id === id);
    return e ? [200, e] : err(404, 'execution not found');
  });
  route('POST', '/soap/describe', async (_req, b) => {
    try {
      return [200, await engine.services.soap.describe(b?.wsdlUrl)];
    } catch (e: any) {
      return err(422, `could not read the WSDL: ${e.message}`);
    }
  });
  route('POST', '/ivr/:key', async (_req, b, [key]) => {
    const f = [...flows.values()].find((x) => x.key === key);
    if (!f || !f.publishedVersion) return err(404, 'no published flow with this key');
    const v = versions.find((x) => x.flowId === f.id && x.version === f.publishedVersion)!;
    const compiled = engine.compile(v.definition, `${f.id}@${v.version}`);
    const trigger = v.definition.nodes.find((n) => n.type === 'trigger.ivr');
    const deadline = (trigger?.config as { deadlineMs?: number })?.deadlineMs ?? 3000;
    const r = await Promise.race([
      engine.run(compiled, b ?? {}),
      new Promise<null>((res) => setTimeout(() => res(null), deadline)),
    ]);
    if (!r)
      return [
        200,
        { executionId: null, status: 'timeout', output: (trigger?.config as { fallback?: unknown })?.fallback ?? {} },
      ];
    const e = record(f, v.version, 'ivr', b ?? {}, r, v.definition);
    return [200, { executionId: e.id, status: r.status, output: r.output }];
  });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      } catch {
        return send(res, ...err(400, 'the body is not valid JSON'));
      }
      const authed =
        req.headers.authorization === `Bearer ${TOKEN}` ||
        url.pathname === '/api/v1/auth/login' ||
        url.pathname.startsWith('/api/v1/ivr/');
      for (const [method, re, h] of routes) {
        const m = re.exec(url.pathname);
        if (!m || method !== req.method) continue;
        if (!authed) return send(res, ...err(401, 'sign in first'));
        try {
          return send(res, ...(await h(req, body, m.slice(1).map(decodeURIComponent), url)));
        } catch (e: any) {
          return send(res, ...err(500, e?.message ?? 'internal error'));
        }
      }
      return send(res, ...err(404, `Cannot ${req.method} ${url.pathname}`));
    }
    // The built editor, with the SPA shell for client routes.
    const file = path.join(editorDir, path.normalize(url.pathname).replace(/^([/\\])+/, ''));
    const target =
      file.startsWith(editorDir) && fs.existsSync(file) && fs.statSync(file).isFile()
        ? file
        : path.join(editorDir, 'index.html');
    if (!fs.existsSync(target)) return send(res, 404, { message: 'build the editor first' });
    const type =
      {
        '.js': 'text/javascript',
        '.css': 'text/css',
        '.html': 'text/html',
        '.svg': 'image/svg+xml',
        '.map': 'application/json',
      }[path.extname(target)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    fs.createReadStream(target).pipe(res);
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    flows,
    close: async () => {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

if (require.main === module) {
  void startMockApi({ port: Number(process.env.PORT ?? 3000) }).then((m) =>
    console.log(`mock API on ${m.url} (login ${USER.email} / ${PASSWORD})`),
  );
}
