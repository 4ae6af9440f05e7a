import { FlowEngine } from '../engine';
import type { RunResult } from '../types';
import { buildFlow, type EdgeTuple, type NodeTuple } from '../../test/flows';
import { LoopbackServer } from '../../test/loopback';
import { RECORDED_CHUNKS } from './batch.node';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batch node', () => {
  let crm: LoopbackServer;
  let engine: FlowEngine;
  /** Bodies the CRM received, in arrival order. */
  let received: { items: number[]; index: number }[];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    crm = await LoopbackServer.start();
    crm.on('POST /upload', async (req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const body = JSON.parse(req.body) as { items: number[]; index: number; delay?: number };
      await sleep(body.delay ?? 2);
      inFlight--;
      received.push({ items: body.items, index: body.index });
      const refused = body.items.some((i) => i < 0);
      res.writeHead(refused ? 400 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(refused ? { success: false } : { success: true, count: body.items.length }));
    });
    engine = new FlowEngine({ outbound: { allow: ['127.0.0.1'] } });
  });
  beforeEach(() => {
    received = [];
    maxInFlight = 0;
  });
  afterAll(async () => {
    await engine.close();
    await crm.close();
  });

  /** webhook → batch —each→ send (→ note) ; batch —done→ answer ; batch —error→ failed. */
  function uploadFlow(
    batch: Record<string, unknown> = {},
    body = '{"items": {{json batch.items}}, "index": {{batch.index}}}',
  ) {
    const nodes: NodeTuple[] = [
      ['t', 'trigger.webhook', 'hook', {}],
      ['b', 'batch', 'upload', { items: '{{request.body.calls}}', size: 50, ...batch }],
      [
        'h',
        'http',
        'send',
        { method: 'POST', url: `${crm.base}/upload`, body: { type: 'json', template: body }, responseType: 'json' },
      ],
      [
        's',
        'set',
        'note',
        {
          values: [
            { name: 'sent', value: '{{nodes.send.body.count}}' },
            { name: 'chunk', value: '{{batch.index}}/{{batch.count}}' },
          ],
        },
      ],
      [
        'r',
        'respond',
        'answer',
        { body: { type: 'json', template: '{"u": {{json nodes.upload}}, "vars": {{json vars}}}' } },
      ],
      [
        'f',
        'respond',
        'failed',
        {
          status: 502,
          body: {
            type: 'json',
            template: '{"error": {{json nodes.upload.error}}, "failed": {{json nodes.upload.failed}}}',
          },
        },
      ],
    ];
    const edges: EdgeTuple[] = [
      ['t', 'b'],
      ['b', 'h', 'each'],
      ['h', 's', 'success'],
      ['b', 'r', 'done'],
      ['b', 'f', 'error'],
    ];
    return buildFlow(nodes, edges);
  }
  const calls = (n: number) => Array.from({ length: n }, (_, i) => i);
  const run = (def: unknown, list: unknown, limits?: Record<string, number>): Promise<RunResult> =>
    engine.run(engine.compile(def), { request: { method: 'POST', body: { calls: list } } }, limits ? { limits } : {});

  it("uploads 260 items in 6 chunks of at most 50, in order, and collects each chunk's last output", async () => {
    const r = await run(uploadFlow(), calls(260));
    expect(r.status).toBe('succeeded');
    expect(received.map((b) => b.items.length)).toEqual([50, 50, 50, 50, 50, 10]);
    expect(received.flatMap((b) => b.items)).toEqual(calls(260));
    expect(received.map((b) => b.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const out = r.output as { u: Record<string, unknown>; vars: unknown };
    expect(out.u).toMatchObject({ total: 260, chunks: 6, succeeded: 6, failed: 0, skipped: 0 });
    // Each chunk's result is its last node's output (the set node's vars), computed from its own http output.
    expect(out.u.results).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ sent: i === 5 ? 10 : 50, chunk: `${i}/6` })));
    // Chunks keep their vars to themselves.
    expect(out.vars).toEqual({});
  });

  it('records the steps of the first chunks, counts the rest, and keeps the step list bounded', async () => {
    const r = await run(uploadFlow({ size: 10 }), calls(200));
    const chunkSteps = r.steps.filter((s) => s.chunk !== undefined);
    expect(new Set(chunkSteps.map((s) => s.chunk))).toEqual(new Set([0, 1, 2].slice(0, RECORDED_CHUNKS)));
    expect(chunkSteps.map((s) => s.name)).toEqual(['send', 'note', 'send', 'note', 'send', 'note']);
    const batchStep = r.steps.find((s) => s.name === 'upload')!;
    expect(batchStep).toMatchObject({
      status: 'succeeded',
      handle: 'done',
      output: { total: 200, chunks: 20, succeeded: 20, recordedChunks: [0, 1, 2], omittedSteps: 34 },
    });
    expect(r.steps.map((s) => s.seq)).toEqual(r.steps.map((_, i) => i + 1));
    // The batch step follows the chunk steps it summarises.
    expect(r.steps.indexOf(batchStep)).toBeGreaterThan(r.steps.indexOf(chunkSteps.at(-1)!));
  });

  it('runs at most `concurrency` chunks at once', async () => {
    const r = await run(
      uploadFlow(
        { size: 10, concurrency: 3 },
        '{"items": {{json batch.items}}, "index": {{batch.index}}, "delay": 20}',
      ),
      calls(120),
    );
    expect(r.status).toBe('succeeded');
    expect(maxInFlight).toBe(3);
    expect(received.map((b) => b.index).sort((a, b) => a - b)).toEqual(calls(12));
  });

  it('onError stop: no chunk starts after a failed one; the node leaves by error naming the chunk', async () => {
    const list = calls(200);
    list[120] = -1; // chunk 2 of 50 is refused
    const r = await run(uploadFlow(), list);
    expect(r.status).toBe('succeeded');
    expect(r.respond?.status).toBe(502);
    expect(received.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(r.output).toEqual({
      error: {
        code: 'BATCH_CHUNK_FAILED',
        chunk: 2,
        message: expect.stringMatching(/^chunk 3 of \d+ failed \(HTTP_STATUS\)/),
      },
      failed: 1,
    });
    expect(r.steps.find((s) => s.name === 'upload')).toMatchObject({
      status: 'failed',
      handle: 'error',
      output: { succeeded: 2, failed: 1, skipped: 1 },
    });
    expect(r.steps.filter((s) => s.chunk === 2).map((s) => [s.name, s.status])).toEqual([['send', 'failed']]);
  });

  it('onError continue: all chunks run, failures counted; an unconnected error handle would fail the run', async () => {
    const list = calls(200);
    list[60] = -1;
    list[160] = -1;
    const r = await run(uploadFlow({ onError: 'continue' }), list);
    expect(r.status).toBe('succeeded');
    expect(received).toHaveLength(4);
    const u = (
      r.output as { u: { failed: number; succeeded: number; results: { status?: number; error?: { code: string } }[] } }
    ).u;
    expect([u.succeeded, u.failed]).toEqual([2, 2]);
    expect(u.results[1]).toMatchObject({ status: 400, error: { code: 'HTTP_STATUS' } });
    // The failed chunks' steps are recorded too.
    expect(new Set(r.steps.filter((s) => s.chunk !== undefined).map((s) => s.chunk))).toEqual(new Set([0, 1, 2, 3]));

    const def = uploadFlow();
    def.edges = def.edges.filter((e) => e.sourceHandle !== 'error');
    def.nodes = def.nodes.filter((n) => n.id !== 'f');
    const stopped = await run(def, list);
    expect(stopped.status).toBe('failed');
    expect(stopped.error).toMatchObject({ code: 'BATCH_CHUNK_FAILED', nodeId: 'b' });
  });

  it('leaves by error when items is not a list, or makes more than 1000 chunks', async () => {
    const notList = await run(uploadFlow(), { a: 1 });
    expect(notList.respond?.status).toBe(502);
    expect(notList.output).toMatchObject({
      error: { code: 'BATCH_ITEMS_INVALID', message: 'items must be a list; {{request.body.calls}} gave object' },
    });
    const tooMany = await run(uploadFlow({ size: 1 }), calls(1001));
    expect(tooMany.output).toMatchObject({ error: { code: 'BATCH_TOO_LARGE' } });
    expect(received).toEqual([]);
    const empty = await run(uploadFlow(), []);
    expect(empty.output).toMatchObject({ u: { total: 0, chunks: 0, results: [] } });
  });

  it("chunk calls have their own budget: 150 calls pass the main path's 100, the batch's stops the run", async () => {
    const ok = await run(uploadFlow({ size: 1 }), calls(150));
    expect(ok.status).toBe('succeeded');
    expect(received).toHaveLength(150);

    received = [];
    const capped = await run(uploadFlow({ size: 1 }), calls(150), { maxBatchOutboundCalls: 20 });
    expect(capped.status).toBe('failed');
    expect(capped.error).toMatchObject({ code: 'MAX_OUTBOUND_CALLS', nodeId: 'b' });
    expect(received).toHaveLength(20);
    const steps = await run(uploadFlow({ size: 1 }), calls(150), { maxBatchSteps: 31 });
    expect(steps.error).toMatchObject({ code: 'MAX_STEPS', nodeId: 'b' });
  });

  it("chunk templates draw on one batch budget apart from the main path's: neither multiplies the other", async () => {
    // Each chunk renders ~40 items as JSON; 30 chunks in all exceed a main-path budget of 20k units.
    const items = Array.from({ length: 1200 }, (_, i) => i + 1000);
    const ok = await run(uploadFlow({ size: 40 }), items, { maxTemplateWork: 20_000 });
    expect(ok.status).toBe('succeeded');
    expect(received).toHaveLength(30);

    received = [];
    const capped = await run(uploadFlow({ size: 40 }), items, { maxBatchTemplateWork: 20_000 });
    expect(capped.status).toBe('failed');
    expect(capped.error).toMatchObject({ code: 'TEMPLATE_LIMIT' });
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(30);
  });

  it('stops at the run deadline: the run times out, later chunks never start', async () => {
    const r = await run(
      uploadFlow({ size: 10 }, '{"items": {{json batch.items}}, "index": {{batch.index}}, "delay": 60}'),
      calls(200),
      { deadlineMs: 250 },
    );
    expect(r.status).toBe('timeout');
    expect(r.error).toMatchObject({ code: 'RUN_DEADLINE', nodeId: 'b' });
    await sleep(100);
    expect(received.length).toBeLessThan(6);
  });
});
