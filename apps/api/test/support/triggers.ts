import type { TestApp } from '../harness';

type Node = { id: string; type: string; name: string; config?: Record<string, unknown> };

/** trigger → nodes in a chain (each via its first handle: `success` for http). */
export function chainFlow(trigger: Node, ...nodes: Node[]) {
  const all = [trigger, ...nodes];
  return {
    schemaVersion: 1,
    nodes: all.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 }, config: n.config ?? {} })),
    edges: all.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: all[i]!.id, target: n.id })),
  };
}

/** An http node POSTing a JSON body to `url`. */
export function postNode(url: string, template: string, name = 'call'): Node {
  return { id: name, type: 'http', name, config: { method: 'POST', url, body: { type: 'json', template } } };
}

/** A JSON respond node. */
export function respondNode(template: string, extra: Record<string, unknown> = {}): Node {
  return { id: 'r', type: 'respond', name: 'answer', config: { body: { type: 'json', template }, ...extra } };
}

/** Creates a flow through the flows API and publishes it; returns its id and version. */
export async function publishFlow(
  t: TestApp,
  key: string,
  definition: unknown,
): Promise<{ id: string; version: number }> {
  const created = await t.as('post', '/api/v1/flows').send({ name: key, key, definition });
  if (created.status !== 201)
    throw new Error(`creating flow ${key}: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({});
  if (published.status !== 200)
    throw new Error(`publishing flow ${key}: ${published.status} ${JSON.stringify(published.body)}`);
  return { id: created.body.id, version: published.body.version };
}

/** Creates an API key as the admin; returns the key. */
export async function createApiKey(
  t: TestApp,
  body: { flowKeys?: string[] } = {},
): Promise<{ id: string; key: string }> {
  const r = await t
    .as('post', '/api/v1/api-keys')
    .send({ name: 'test key', scopes: ['triggers.invoke'], ...body })
    .expect(201);
  return { id: r.body.id, key: r.body.key };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ExecutionRowView {
  id: string;
  status: string;
  trigger_type: string;
  event_id: string | null;
  call_id: string | null;
  phone: string | null;
  retry_of: string | null;
  flow_version: number | null;
  output: unknown;
  error: { code: string; message: string } | null;
  input: Record<string, unknown>;
}

/** The execution row once its status is final. */
export function finishedExecution(t: TestApp, id: string, timeoutMs = 10_000): Promise<ExecutionRowView> {
  return waitFor(
    async () => {
      const rows: ExecutionRowView[] = await t.db.query(`SELECT * FROM executions WHERE id = $1`, [id]);
      return rows[0] && ['succeeded', 'failed', 'timeout'].includes(rows[0].status) ? rows[0] : undefined;
    },
    timeoutMs,
    `execution ${id} to finish`,
  );
}
