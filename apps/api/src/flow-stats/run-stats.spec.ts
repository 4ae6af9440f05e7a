import type { StepRecord } from '@callflow/flow';
import { percentile } from './duration-histogram';
import { RunStatCells, type FinishedRun } from './run-stats';
import { statsOf, windowOf, type BucketRow } from './stats-window';

const T = '00000000-0000-4000-8000-000000000001';
const F = '00000000-0000-4000-8000-000000000002';
const at = Date.parse('2026-12-06T10:07:30Z');

function step(nodeId: string, durationMs: number, status: 'succeeded' | 'failed', chunk?: number): StepRecord {
  return { seq: 1, nodeId, name: nodeId, type: 'http', status, startedAt: '', durationMs, ...(chunk ? { chunk } : {}) };
}

function row(over: Partial<FinishedRun> = {}): FinishedRun {
  return {
    tenantId: T,
    flowId: F,
    triggerType: 'ivr',
    status: 'succeeded',
    steps: [step('crm', 120, 'succeeded'), step('each', 5, 'failed', 2)],
    startedAt: new Date(at - 130),
    finishedAt: new Date(at),
    durationMs: 130,
    ...over,
  };
}

describe('run stats', () => {
  it('counts finished runs of saved flows only, and their main-path steps', () => {
    const cells = new RunStatCells();
    cells.add(row({ triggerType: 'test' }));
    cells.add(row({ status: 'running' }));
    cells.add(row({ flowId: null }));
    expect(cells.size).toBe(0);
    cells.add(row({ status: 'timeout' }), { fallback: true, deadlineMissed: true });
    // Minute, quarter-hour and hour rows of the run and of its one main-path step (not the chunk step).
    const rows = [...cells.take().cells].sort((a, b) => a.span - b.span || a.nodeId.localeCompare(b.nodeId));
    expect(rows.map((c) => [c.span, c.nodeId])).toEqual([
      [1, ''],
      [1, 'crm'],
      [15, ''],
      [15, 'crm'],
      [60, ''],
      [60, 'crm'],
    ]);
    expect(rows[0]).toMatchObject({ runs: 1, errors: 1, fallbacks: 1, misses: 1, totalMs: 130, maxMs: 130 });
    expect(rows[1]).toMatchObject({ runs: 1, errors: 0, fallbacks: 0, misses: 0, totalMs: 120 });
  });

  it('sums runs per minute and hour row, flow and node, and hands them over in key order', () => {
    const cells = new RunStatCells();
    cells.add(row());
    cells.add(row({ status: 'failed', durationMs: 3000, steps: [step('crm', 2990, 'failed')] }), {
      fallback: true,
      deadlineMissed: false,
    });
    cells.add(row({ finishedAt: new Date(at + 60_000) }));
    // Minutes 10:07 and 10:08, quarter 10:00, hour 10:00; each for the run ('') and the node.
    expect(cells.size).toBe(8);
    const rows = cells.take();
    expect(cells.size).toBe(0);
    const keys = rows.cells.map((c) => c.key);
    expect(keys).toEqual([...keys].sort());
    const [tenants, flows, spans, starts, nodes, runs, errors, fallbacks, misses, totals, maxes, hists] =
      rows.params() as unknown[][];
    const i = keys.findIndex((k) => k.startsWith('1|') && k.endsWith('|'));
    expect([tenants![i], flows![i], spans![i], starts![i], nodes![i]]).toEqual([
      T,
      F,
      1,
      '2026-12-06T10:07:00.000Z',
      '',
    ]);
    expect([runs![i], errors![i], fallbacks![i], misses![i], totals![i], maxes![i]]).toEqual([2, 1, 1, 0, 3130, 3000]);
    expect(hists![i]).toMatch(/^\{(\d+,)*1\}$/);
    const hour = keys.findIndex((k) => k.startsWith('60|') && k.endsWith('|crm'));
    expect([starts![hour], runs![hour], errors![hour]]).toEqual(['2026-12-06T10:00:00.000Z', 3, 1]);

    // A failed write gives its rows back, merged with runs counted since.
    cells.add(row());
    cells.putBack(rows);
    const again = cells.take().params() as unknown[][];
    const j = again[4]!.findIndex((n, k) => n === '' && again[2]![k] === 1 && again[3]![k] === starts![i]);
    expect(again[5]![j]).toBe(3);
  });

  it('answers every bucket of the window, totals, and nodes slowest first', () => {
    const w = windowOf('hour', at);
    expect(w.to.toISOString()).toBe('2026-12-06T10:08:00.000Z');
    expect(w.from.toISOString()).toBe('2026-12-06T09:08:00.000Z');
    const b = at / 1000 / 60 - ((at / 1000 / 60) % 1);
    const rows: BucketRow[] = [
      {
        node_id: '',
        b: String(b),
        runs: 4,
        errors: 1,
        fallbacks: 1,
        misses: 1,
        max_ms: 900,
        idx: [40, 60],
        cnt: [3, 1],
      },
      { node_id: 'crm', b, runs: 4, errors: 1, fallbacks: 0, misses: 0, max_ms: 890, idx: [60], cnt: [4] },
      { node_id: 'set', b, runs: 4, errors: 0, fallbacks: 0, misses: 0, max_ms: 0.01, idx: [1], cnt: [4] },
      { node_id: 'gone', b, runs: 1, errors: 0, fallbacks: 0, misses: 0, max_ms: 2, idx: [], cnt: [] },
    ];
    const def = {
      schemaVersion: 1 as const,
      nodes: [
        { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: {} },
        { id: 'crm', type: 'http', name: 'crm lookup', position: { x: 0, y: 0 }, config: {} },
        { id: 'set', type: 'set', name: 'vars', position: { x: 0, y: 0 }, config: {} },
      ],
      edges: [],
    };
    const s = statsOf(F, def as never, w, rows);
    expect(s.series).toHaveLength(60);
    expect(s.series.at(-1)).toMatchObject({ at: new Date(b * 60_000), runs: 4, errors: 1, fallbacks: 1 });
    expect(s.series[0]).toMatchObject({ runs: 0, p95: null });
    expect(s.triggerType).toBe('trigger.ivr');
    expect(s.totals).toMatchObject({ runs: 4, errors: 1, errorRate: 0.25, deadlineMisses: 1, maxMs: 900 });
    const hist = Array.from({ length: 60 }, (_, k) => (k === 39 ? 3 : k === 59 ? 1 : 0));
    expect(s.totals.p50).toBe(percentile(hist, 0.5, 900));
    expect(s.nodes.map((n) => [n.nodeId, n.name])).toEqual([
      ['crm', 'crm lookup'],
      ['set', 'vars'],
      ['gone', null],
    ]);
    expect(s.nodes[0]).toMatchObject({ runs: 4, errors: 1, errorRate: 0.25, maxMs: 890 });
  });
});
