import { LoopbackServer } from '../../../libs/engine/test/loopback';
import { TestApp } from './harness';
import { finishedExecution, publishFlow } from './support/triggers';

type N = [id: string, type: string, name: string, config: Record<string, unknown>];
function flow(nodes: N[], edges: [string, string, string?][]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map(([id, type, name, config], i) => ({ id, type, name, position: { x: i * 200, y: 0 }, config })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i + 1}`,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
    })),
  };
}

/**
 * The batch node and the respond node's redirect, through the real API: validate, test-run, a published webhook, the
 * execution record.
 */
describe('batch node and redirect answers through the API', () => {
  let t: TestApp;
  let crm: LoopbackServer;
  const received: number[][] = [];

  beforeAll(async () => {
    [t, crm] = await Promise.all([TestApp.start(), LoopbackServer.start()]);
    crm.on('POST /bulk', (req, res) => {
      const items = JSON.parse(req.body) as number[];
      received.push(items);
      res.writeHead(items.includes(-1) ? 422 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ stored: items.length }));
    });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), crm?.close()]);
  });

  const bulk = (onError = 'stop') =>
    flow(
      [
        ['t', 'trigger.webhook', 'hook', { methods: ['POST'] }],
        ['b', 'batch', 'chunks', { items: '{{request.body.items}}', size: 3, onError }],
        [
          'h',
          'http',
          'store',
          {
            method: 'POST',
            url: `${crm.base}/bulk`,
            body: { type: 'json', template: '{{json batch.items}}' },
            responseType: 'json',
          },
        ],
        [
          'r',
          'respond',
          'answer',
          {
            body: {
              type: 'json',
              template: '{"stored": {{json nodes.chunks.results}}, "failed": {{nodes.chunks.failed}}}',
            },
          },
        ],
        [
          'f',
          'respond',
          'refused',
          { status: 502, body: { type: 'json', template: '{"error": {{json nodes.chunks.error}}}' } },
        ],
      ],
      [
        ['t', 'b'],
        ['b', 'h', 'each'],
        ['b', 'r', 'done'],
        ['b', 'f', 'error'],
      ],
    );

  it('POST /flows/validate explains a broken batch path', async () => {
    const def = bulk();
    def.edges.push({ id: 'e9', source: 'r', target: 'h' });
    const r = await t.as('post', '/api/v1/flows/validate').send({ definition: def }).expect(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors).toContainEqual(
      expect.objectContaining({
        code: 'batch_path_entry',
        edgeId: 'e9',
        message: expect.stringContaining('runs once per chunk of batch "chunks"'),
      }),
    );
  });

  it('published webhook flow: a request per chunk, answers the collected results; steps carry the chunk', async () => {
    received.length = 0;
    await publishFlow(t, 'bulk', bulk());
    const r = await t
      .http()
      .post('/api/v1/hooks/bulk')
      .set('x-api-key', t.apiKey)
      .send({ items: [1, 2, 3, 4, 5, 6, 7] })
      .expect(200);
    expect(received).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(r.body).toEqual({
      stored: [1, 2, 3].map((_, i) => ({
        status: 200,
        headers: expect.any(Object),
        body: { stored: i === 2 ? 1 : 3 },
      })),
      failed: 0,
    });
    const exec = await finishedExecution(t, r.headers['x-execution-id'] as string);
    expect(exec.status).toBe('succeeded');
    const detail = await t.as('get', `/api/v1/executions/${exec.id}`).expect(200);
    const steps = detail.body.steps as {
      name: string;
      chunk?: number;
      seq: number;
      output?: Record<string, unknown>;
    }[];
    expect(steps.map((s) => [s.name, s.chunk])).toEqual([
      ['hook', undefined],
      ['store', 0],
      ['store', 1],
      ['store', 2],
      ['chunks', undefined],
      ['answer', undefined],
    ]);
    expect(steps.find((s) => s.name === 'chunks')!.output).toMatchObject({
      total: 7,
      chunks: 3,
      succeeded: 3,
      failed: 0,
      recordedChunks: [0, 1, 2],
      omittedSteps: 0,
    });
  });

  it('a test run of a draft: a failed chunk stops the batch and leaves by error', async () => {
    received.length = 0;
    const r = await t
      .as('post', '/api/v1/flows/test-run')
      .send({ definition: bulk(), input: { request: { method: 'POST', body: { items: [1, 2, 3, -1, 5, 6, 7] } } } })
      .expect(200);
    expect(received).toEqual([
      [1, 2, 3],
      [-1, 5, 6],
    ]);
    expect(r.body.output).toEqual({
      error: {
        code: 'BATCH_CHUNK_FAILED',
        chunk: 1,
        message: expect.stringMatching(/^chunk 2 of \d+ failed \(HTTP_STATUS\)/),
      },
    });
  });

  it('a webhook answers with a redirect: 302 and the rendered Location, no body', async () => {
    const def = flow(
      [
        ['t', 'trigger.webhook', 'hook', { methods: ['GET'] }],
        [
          'r',
          'respond',
          'go',
          {
            status: 302,
            body: { type: 'redirect', location: 'https://pbx.example.com/rec/{{request.query.call}}.mp3' },
          },
        ],
      ],
      [['t', 'r']],
    );
    await publishFlow(t, 'to-recording', def);
    const r = await t
      .http()
      .get('/api/v1/hooks/to-recording?call=c 1/2')
      .set('x-api-key', t.apiKey)
      .redirects(0)
      .expect(302);
    expect(r.headers.location).toBe('https://pbx.example.com/rec/c%201%2F2.mp3');
    expect(r.text ?? '').toBe('');
  });
});
