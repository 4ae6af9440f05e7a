import { FlowEngine } from '../engine';
import { EngineError } from '../errors';
import { chain } from '../../test/flows';
import { TEMPLATE_LIMITS, TEMPLATE_WORK } from './budget';
import { compileTemplate } from './index';

const text = (src: string, scope: object = {}) => compileTemplate(src, 'text').render(scope);

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected a throw');
}

/** Runs `fn`, returning its error and how long it took (wall ms). */
function timed(fn: () => unknown): { e: EngineError; ms: number } {
  const t0 = performance.now();
  const e = thrown(fn);
  return { e, ms: performance.now() - t0 };
}

const K = 1024;

describe('template work bounds (issue 16 §3)', () => {
  it("refuses the issue's payload at once: a replace whose result would be huge, inside #each", () => {
    // 400 KB x with 1024 'a's, each replaced by 400 KB y: 400 MB per item if built (the server froze 11.9 s at 1.1 GB).
    const call = {
      arr: Array.from({ length: 10 }, (_, i) => i),
      x: `a${'z'.repeat(399)}`.repeat(K),
      y: 'b'.repeat(400 * K),
    };
    const { e, ms } = timed(() =>
      text("{{#each call.arr}}{{sha256 (replace ../call.x 'a' ../call.y)}}{{/each}}", { call }),
    );
    expect(e.code).toBe('TEMPLATE_LIMIT');
    expect(e.details).toMatchObject({ bound: 'helperOutput', helper: 'replace', line: 1 });
    expect(e.message).toMatch(/replace: the result would be \d+ characters; a helper may produce at most 1048576/);
    expect(ms).toBeLessThan(1000);
  });

  it('bounds the sum of many bounded helper calls (the same payload with a small replacement)', () => {
    const call = { arr: Array.from({ length: 1000 }, (_, i) => i), x: 'a'.repeat(400 * K) };
    const { e, ms } = timed(() => text("{{#each call.arr}}{{sha256 (replace ../call.x 'a' 'bb')}}{{/each}}", { call }));
    expect(e.code).toBe('TEMPLATE_LIMIT');
    expect(e.details).toMatchObject({ bound: 'render' });
    expect(ms).toBeLessThan(1000);
  });

  it('counts #each iterations, even with an empty block (nested loops)', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const { e, ms } = timed(() => text('{{#each xs}}{{#each ../xs}}{{/each}}{{/each}}', { xs }));
    expect(e.code).toBe('TEMPLATE_LIMIT');
    expect(e.details).toEqual({ bound: 'render' });
    expect(ms).toBeLessThan(1000);
    // The same loops over a few items are fine.
    expect(text('{{#each xs}}{{#each ../xs}}{{this}}{{/each}}{{/each}}', { xs: [1, 2, 3] })).toBe('123123123');
  });

  it('refuses a helper argument past the input bound, strings and objects alike', () => {
    const big = 'x'.repeat(TEMPLATE_LIMITS.maxHelperInputChars + 1);
    expect(thrown(() => text('{{md5 s}}', { s: big })).details).toMatchObject({ bound: 'helperInput', helper: 'md5' });
    expect(thrown(() => text('{{upper s}}', { s: { v: big } })).details).toMatchObject({
      bound: 'helperInput',
      helper: 'upper',
    });
    expect(thrown(() => text('{{e164 "1" country=s}}', { s: big })).details).toMatchObject({
      bound: 'helperInput',
      helper: 'e164',
    });
    expect(text('{{md5 s}}', { s: 'x'.repeat(TEMPLATE_LIMITS.maxHelperInputChars) })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses results past the output bound before building them (concat, base64, pretty JSON of deep nesting)', () => {
    const half = 'x'.repeat(600 * K);
    expect(thrown(() => text('{{concat s s}}', { s: half })).details).toMatchObject({
      bound: 'helperOutput',
      helper: 'concat',
    });
    expect(thrown(() => text('{{base64 s}}', { s: 'x'.repeat(900 * K) })).details).toMatchObject({
      bound: 'helperOutput',
      helper: 'base64',
    });
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = [deep];
    // 12 KB of compact JSON; pretty, each of its 6000 lines is indented by its depth (36 MB).
    const { e, ms } = timed(() => text('{{json d pretty=true}}', { d: deep }));
    expect(e.details).toMatchObject({ bound: 'helperOutput', helper: 'json' });
    expect(ms).toBeLessThan(500);
    expect(text('{{json d pretty=true}}', { d: { a: [1] } })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });

  it('charges printing objects and listing keys (an object of 50,000 keys inside a loop)', () => {
    const obj = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    for (const src of [
      '{{#each xs}}{{length ../obj}}{{/each}}',
      '{{#each xs}}{{#each ../obj}}{{/each}}{{/each}}',
      '{{#each xs}}{{md5 ../obj}}{{/each}}',
      '{{#each xs}}{{../obj}}{{/each}}',
    ]) {
      const { e, ms } = timed(() => text(src, { xs, obj }));
      expect(e.code).toBe('TEMPLATE_LIMIT');
      expect(ms).toBeLessThan(1500);
    }
  });

  it('charges XML entities before escaping a long value', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const s = '<&>"\''.repeat(200 * K);
    const { e, ms } = timed(() => compileTemplate('<a>{{#each xs}}{{../s}}{{/each}}</a>', 'xml').render({ xs, s }));
    expect(e.details).toEqual({ bound: 'render' });
    expect(ms).toBeLessThan(1000);
  });

  it("draws on the run's budget carried by the scope, and says so when it runs out", () => {
    const scope = { s: 'x'.repeat(1000), [TEMPLATE_WORK]: 4500 } as Record<string | symbol, unknown>;
    expect(text('{{s}}', scope)).toHaveLength(1000);
    const left = scope[TEMPLATE_WORK] as number;
    expect(left).toBeLessThanOrEqual(3500);
    expect(left).toBeGreaterThan(3400);
    text('{{s}}{{s}}{{s}}', scope);
    const e = thrown(() => text('{{s}}', scope));
    expect(e.code).toBe('TEMPLATE_LIMIT');
    expect(e.details).toEqual({ bound: 'run' });
    expect(e.message).toContain("the run's templates did too much work");
    // A scope without a run budget gets the render's own bound, every time.
    for (let i = 0; i < 3; i++)
      expect(text('{{s}}', { s: 'x'.repeat(TEMPLATE_LIMITS.maxOutputChars - 1) })).toHaveLength(
        TEMPLATE_LIMITS.maxOutputChars - 1,
      );
  });
});

describe("a run's renders together", () => {
  const engine = new FlowEngine();
  afterAll(() => engine.close());

  /** `n` set nodes, each rendering about a quarter of a render's bound. */
  function heavyFlow(n: number) {
    return engine.compile(
      chain(
        Array.from(
          { length: n },
          (_, i) =>
            [
              `s${i}`,
              'set',
              `s${i}`,
              { values: [{ name: `v${i}`, value: '{{#each call.xs}}{{../call.s}}{{/each}}' }] },
            ] as [string, string, string, Record<string, unknown>],
        ),
      ),
    );
  }
  const input = { call: { xs: Array.from({ length: 10 }, (_, i) => i), s: 'x'.repeat(100 * K) } };

  it('fails the run with TEMPLATE_LIMIT once its renders spent the run bound, not after all 100 nodes', async () => {
    const r = await engine.run(heavyFlow(100), input);
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'TEMPLATE_LIMIT', details: { bound: 'run' } });
    // 16 Mi units at ~1 Mi per node: about 16 nodes ran.
    expect(r.steps.length).toBeGreaterThan(10);
    expect(r.steps.length).toBeLessThan(25);
  });

  it('lets other callbacks run between logic nodes that take long together', async () => {
    let ticks = 0;
    let on = true;
    const tick = () => {
      ticks++;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    // 12 nodes each hashing 1 MB (a few ms each): one synchronous stretch of tens of ms without yields.
    const hashing = engine.compile(
      chain(
        Array.from(
          { length: 12 },
          (_, i) =>
            [
              `s${i}`,
              'set',
              `s${i}`,
              { values: [{ name: `v${i}`, value: '{{#each call.xs}}{{md5 ../call.s}}{{/each}}' }] },
            ] as [string, string, string, Record<string, unknown>],
        ),
      ),
    );
    const t0 = performance.now();
    const r = await engine.run(hashing, input);
    const ms = performance.now() - t0;
    on = false;
    expect(r.status).toBe('succeeded');
    // Without yields the callback never runs during the run (0 ticks); with them, about once per 8 ms.
    expect(ms).toBeGreaterThan(16);
    expect(ticks).toBeGreaterThanOrEqual(2);
  });
});
