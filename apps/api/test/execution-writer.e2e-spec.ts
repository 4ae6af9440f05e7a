import crypto from 'node:crypto';
import type { ExecutionRow } from '../src/executions/row-encoding';
import { ExecutionWriter } from '../src/executions/execution-writer.service';
import { TestApp } from './harness';

// The writer copies rows into PostgreSQL (COPY text format) and upserts those that may exist:
// what it stores must be exactly what it was given, whatever the text holds and whatever the
// order of a run's writes.
let t: TestApp;
let writer: ExecutionWriter;
let tenantId: string;

beforeAll(async () => {
  t = await TestApp.start();
  writer = t.app.get(ExecutionWriter);
  tenantId = (await t.db.query(`SELECT id FROM tenants LIMIT 1`))[0].id;
});
afterAll(() => t?.close());

function row(over: Partial<ExecutionRow> = {}): ExecutionRow {
  const startedAt = new Date('2026-11-21T10:00:00.123Z');
  return {
    id: crypto.randomUUID(),
    tenantId,
    flowId: null,
    flowVersion: null,
    triggerType: 'test',
    status: 'succeeded',
    eventId: null,
    callId: 'c-1',
    phone: '+390612345678',
    input: { call: { id: 'c-1' } },
    output: { ok: true },
    error: null,
    steps: [],
    retryOf: null,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 42),
    durationMs: 42,
    ...over,
  };
}

async function stored(id: string) {
  const rows = await t.db.query(
    `SELECT status, event_id, call_id, phone, input, output, error, steps, ` +
      `started_at, finished_at, duration_ms FROM executions WHERE id = $1`,
    [id],
  );
  return rows[0];
}

describe('ExecutionWriter', () => {
  it('stores text and JSON exactly, including tabs, line breaks, backslashes, quotes and non-ASCII', async () => {
    const awkward = 'tab\there\nline\r\nback\\slash "quoted" \\t not-a-tab ü 😀 \\N';
    const r = row({
      eventId: awkward,
      callId: `call\t${awkward}`,
      phone: '\\N',
      input: { call: { id: awkward, nested: { list: [awkward, 1, null, true] } } },
      output: { text: awkward },
      steps: [
        { seq: 1, nodeId: 'h', request: { body: JSON.stringify({ a: awkward }) } },
      ] as unknown as ExecutionRow['steps'],
    });
    await writer.record(r, { fresh: true });
    const s = await stored(r.id);
    expect(s.event_id).toBe(awkward);
    expect(s.call_id).toBe(`call\t${awkward}`);
    expect(s.phone).toBe('\\N');
    expect(s.input).toEqual(r.input);
    expect(s.output).toEqual(r.output);
    expect(s.steps).toEqual(r.steps);
    expect(s.error).toBeNull();
    expect(new Date(s.started_at).toISOString()).toBe('2026-11-21T10:00:00.123Z');
    expect(s.duration_ms).toBe(42);
  });

  it('stores U+0000 (refused by PostgreSQL text and jsonb) as U+FFFD instead of losing the row', async () => {
    const r = row({ callId: 'a\u0000b', input: { call: { id: 'x\u0000y', literal: 'a\\u0000b' } } });
    await writer.record(r, { fresh: true });
    const s = await stored(r.id);
    expect(s.call_id).toBe('a\uFFFDb');
    // A real NUL is replaced; the six characters "\u0000" typed as text are kept as they are.
    expect(s.input).toEqual({ call: { id: 'x\uFFFDy', literal: 'a\\u0000b' } });
  });

  it('completes a row written as running (the final write upserts it)', async () => {
    const r = row({ status: 'running', finishedAt: null, durationMs: null, output: null });
    await writer.record(r);
    expect((await stored(r.id)).status).toBe('running');
    await writer.record({
      ...r,
      status: 'failed',
      error: { code: 'X', message: 'no' },
      finishedAt: new Date(),
      durationMs: 5,
    });
    const s = await stored(r.id);
    expect(s.status).toBe('failed');
    expect(s.error).toEqual({ code: 'X', message: 'no' });
  });

  it('falls back to an upsert when a row said to be fresh exists already, keeping the rest of its batch', async () => {
    const existing = row({ status: 'running', finishedAt: null, durationMs: null });
    await writer.record(existing);
    const others = [row(), row(), row()];
    // One batch: three new rows and one whose id is in the table.
    await Promise.all([
      ...others.map((o) => writer.record(o, { fresh: true })),
      writer.record({ ...existing, status: 'succeeded', output: { done: 1 } }, { fresh: true }),
    ]);
    expect(await stored(existing.id)).toMatchObject({ status: 'succeeded', output: { done: 1 } });
    for (const o of others) expect((await stored(o.id)).status).toBe('succeeded');
  });

  it('never lets a late running write replace a final one, in one batch or in two', async () => {
    const a = row();
    await Promise.all([
      writer.record(a, { fresh: true }),
      writer.record({ ...a, status: 'running', finishedAt: null, durationMs: null }),
    ]);
    expect((await stored(a.id)).status).toBe('succeeded');

    const b = row();
    await writer.record(b, { fresh: true });
    await writer.record({ ...b, status: 'running', finishedAt: null, durationMs: null });
    expect((await stored(b.id)).status).toBe('succeeded');
  });

  it('survives a session cut mid-COPY (no unhandled error event), stores all rows once PostgreSQL is up', async () => {
    const rows = Array.from({ length: 5000 }, () => row());
    let settled = false;
    const writes = Promise.all(rows.map((r) => writer.record(r, { fresh: true }))).finally(() => (settled = true));
    // Terminate the writer's session whenever it is seen copying (57P01, as in a restart).
    let cut = 0;
    while (!settled && cut < 3) {
      const killed = await t.db.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() ` +
          `AND pid <> pg_backend_pid() AND query LIKE 'COPY executions%' AND state <> 'idle'`,
      );
      cut += killed.filter((k: { ok: boolean }) => k.ok).length;
      await new Promise((r) => setTimeout(r, 1));
    }
    await writes;
    expect(cut).toBeGreaterThan(0);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM executions WHERE id = ANY($1::uuid[])`, [
      rows.map((r) => r.id),
    ]);
    expect(n).toBe(rows.length);
  });
});
