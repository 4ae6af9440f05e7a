/**
 * POST /flows/test-run/stream (issue 18 §4): a long test run shows which node runs now and each
 * step as it is recorded, and closing the request stops the run (its request in flight too).
 */
import type { ServerResponse } from 'node:http';
import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { signInWith } from './flow-fixtures';
import { TestApp } from './harness';
import { chainFlow, respondNode, waitFor } from './support/triggers';

const trigger = { id: 't', type: 'trigger.ivr', name: 'ivr', config: { deadlineMs: 20_000, fallback: {} } };

describe('streamed test runs', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  /** Answers of the CRM's slow route, held until the test releases them. */
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), LoopbackServer.start()]);
    crm.on('/slow', (_req, res) => void held.push(res));
  });
  afterAll(async () => {
    await crm?.close();
    await t?.close();
  });

  const definition = () =>
    chainFlow(
      trigger,
      {
        id: 'h',
        type: 'http',
        name: 'crm',
        config: { method: 'GET', url: `${crm.base}/slow`, timeoutMs: 15_000 },
      },
      respondNode('{"status":{{nodes.crm.status}}}'),
    );

  /** Posts to the stream route; returns the response and a reader of its JSON lines. */
  async function stream(body: unknown, token = t.token, signal?: AbortSignal) {
    const res = await fetch(`${t.baseUrl}/api/v1/flows/test-run/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const next = async (): Promise<Record<string, any> | undefined> => {
      for (;;) {
        const nl = buffered.indexOf('\n');
        if (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          return JSON.parse(line);
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffered += decoder.decode(value, { stream: true });
      }
    };
    return { res, next };
  }

  it('reports each node as it starts and each step as it is recorded, then the result', async () => {
    const { res, next } = await stream({ definition: definition(), input: { call: { id: 'c-1' } } });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/x-ndjson; charset=utf-8']);
    expect(await next()).toEqual({ event: 'node', nodeId: 't' });
    expect(await next()).toMatchObject({ event: 'step', step: { nodeId: 't', status: 'succeeded' } });
    // The CRM has not answered yet, and the editor already knows the crm node is running.
    expect(await next()).toEqual({ event: 'node', nodeId: 'h' });
    await waitFor(async () => held.length || undefined);
    held.shift()!.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    expect(await next()).toMatchObject({ event: 'step', step: { nodeId: 'h', response: { status: 200 } } });
    expect(await next()).toEqual({ event: 'node', nodeId: 'r' });
    expect(await next()).toMatchObject({ event: 'step', step: { nodeId: 'r' } });
    const last = await next();
    expect(last).toMatchObject({ event: 'result', result: { status: 'succeeded', output: { status: 200 } } });
    expect(await next()).toBeUndefined();
    const recorded = await t.as('get', `/api/v1/executions/${last!.result.id}`).expect(200);
    expect(recorded.body.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['t', 'h', 'r']);
  });

  it('stops the run when the request is closed: the CRM call is aborted, the run recorded as stopped', async () => {
    const stop = new AbortController();
    const seenBefore = crm.closedSockets;
    const { next } = await stream({ definition: definition(), input: {} }, t.token, stop.signal);
    let line = await next();
    while (line && !(line.event === 'node' && line.nodeId === 'h')) line = await next();
    expect(line).toEqual({ event: 'node', nodeId: 'h' });
    await waitFor(async () => held.length || undefined);
    const startedAt = Date.now();
    stop.abort();
    // The engine aborts its request to the CRM: the CRM's socket closes without an answer.
    await waitFor(async () => (crm.closedSockets > seenBefore ? true : undefined), 5000, 'the CRM socket to close');
    held.length = 0;
    const row = await waitFor(async () => {
      const rows: { status: string; error: { code: string } | null; steps: { nodeId: string }[] }[] = await t.db.query(
        `SELECT status, error, steps FROM executions WHERE trigger_type = 'test' AND started_at >= $1
           ORDER BY started_at DESC LIMIT 1`,
        [new Date(startedAt - 5000)],
      );
      return rows[0]?.error?.code === 'RUN_ABORTED' ? rows[0] : undefined;
    });
    expect(row.status).toBe('failed');
    expect(row.steps.map((s) => s.nodeId)).toEqual(['t', 'h']);
  });

  it('answers problems found before the run as usual: 422 for an invalid draft, 403 without flows.run', async () => {
    const broken = { schemaVersion: 1, nodes: [{ id: 'h', type: 'http', name: 'x', config: {} }], edges: [] };
    const invalid = await stream({ definition: broken });
    expect(invalid.res.status).toBe(422);
    expect(invalid.res.headers.get('content-type')).toContain('application/json');
    const viewer = await signInWith(t, ['flows.read']);
    expect((await stream({ definition: definition() }, viewer)).res.status).toBe(403);
  });
});
