/**
 * What the API benchmarks share: the mock CRM (own process), the real API (own process, embedded
 * PostgreSQL in .data/bench, wiped each run), the admin's token and an API key.
 */
import path from 'node:path';
import { ROOT, startApi, startScript, type ApiProcess, type Started } from './processes';

export const BENCH_ADMIN = { email: 'bench@bench.local', password: 'quiet lantern orbit 42' };
/** The API's METRICS_TOKEN in the benchmarks (GET /metrics needs it as a bearer token). */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

export interface ApiContext {
  api: ApiProcess;
  crm: Started;
  token: string;
  apiKey: string;
  /** JSON request to the API as the admin; throws on a non-2xx answer. */
  admin<T = unknown>(method: string, url: string, body?: unknown): Promise<T>;
  /** Creates and publishes a flow; returns its key. */
  publish(key: string, definition: unknown): Promise<string>;
  crmStats(): Promise<{ lookups: number; events: number; distinctEvents: number }>;
  close(): Promise<void>;
}

/** Flow definition helper: nodes in a chain, http nodes continuing on `success`. */
export function chain(nodes: { id: string; type: string; name: string; config?: Record<string, unknown> }[]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ ...n, position: { x: i * 220, y: 0 }, config: n.config ?? {} })),
    edges: nodes.slice(1).map((n, i) => ({
      id: `e${i + 1}`,
      source: nodes[i]!.id,
      target: n.id,
      ...(nodes[i]!.type === 'http' ? { sourceHandle: 'success' } : {}),
    })),
  };
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `dataDir`: the API's DATA_DIR (wiped first; its own embedded PostgreSQL). */
export async function startApiContext(
  env: Record<string, string> = {},
  dataDir = path.join(ROOT, '.data/bench'),
): Promise<ApiContext> {
  const crm = await startScript(path.join(__dirname, 'mock-crm.js'));
  let api: ApiProcess | undefined;
  try {
    api = await startApi(dataDir, {
      ADMIN_EMAIL: BENCH_ADMIN.email,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      OUTBOUND_ALLOW: '127.0.0.1',
      API_DOCS: 'false',
      ...env,
    });
    const base = api.base;
    const login = await json<{ accessToken: string }>(
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BENCH_ADMIN),
      }),
      'login',
    );
    const token = login.accessToken;
    const admin = async <T>(method: string, url: string, body?: unknown) =>
      json<T>(
        await fetch(`${base}${url}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
        `${method} ${url}`,
      );
    const key = await admin<{ key: string }>('POST', '/api/v1/api-keys', {
      name: 'bench',
      scopes: ['triggers.invoke'],
    });
    const started = api;
    return {
      api: started,
      crm,
      token,
      apiKey: key.key,
      admin,
      async publish(flowKey, definition) {
        const flow = await admin<{ id: string; key: string }>('POST', '/api/v1/flows', {
          name: flowKey,
          key: flowKey,
          definition,
        });
        await admin('POST', `/api/v1/flows/${flow.id}/publish`, { note: 'bench' });
        return flow.key;
      },
      crmStats: async () => json(await fetch(`${crm.base}/stats`), 'crm stats'),
      async close() {
        await started.stop();
        await crm.stop();
      },
    };
  } catch (err) {
    await api?.stop();
    await crm.stop();
    throw err;
  }
}
