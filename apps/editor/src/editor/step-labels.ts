/**
 * How a run's steps are told apart for people: a node run once per batch chunk gets "chunk 1 of 6"
 * (chunks counted from 1; the engine counts from 0), and a batch step says which chunks ran without
 * their steps being recorded (the engine keeps the first few chunks' steps and counts the rest).
 */
import { batchNode, type BatchStepRecord } from '@callflow/flow';
import type { StepRecord } from '../api/types';
import { t } from '../i18n/i18n';

/** What a batch step's record says about its chunks (a record kept from an older version may lack some). */
type BatchRecord = Partial<BatchStepRecord>;

function batchRecord(step: StepRecord | undefined): BatchRecord | undefined {
  if (!step || step.type !== batchNode.type || !step.output || typeof step.output !== 'object') return undefined;
  return step.output as BatchRecord;
}

/**
 * The chunk count of each chunk step, by seq: a batch's chunk steps are recorded just before the
 * batch node's own step, whose output has `chunks`.
 */
export function chunkCounts(steps: readonly StepRecord[]): Map<number, number> {
  const out = new Map<number, number>();
  let pending: StepRecord[] = [];
  for (const s of steps) {
    if (s.chunk !== undefined) {
      pending.push(s);
      continue;
    }
    const count = batchRecord(s)?.chunks;
    if (typeof count === 'number') for (const p of pending) out.set(p.seq, count);
    pending = [];
  }
  return out;
}

/** "chunk 1 of 6" (or "chunk 1" when the count is unknown); undefined for a step outside a batch. */
export function chunkLabel(step: StepRecord, counts: Map<number, number>): string | undefined {
  if (step.chunk === undefined) return undefined;
  const of = counts.get(step.seq);
  return of !== undefined
    ? t('editor.chunks.labelOf', { n: step.chunk + 1, total: of })
    : t('editor.step.chunk', { n: step.chunk + 1 });
}

/** 1-based ranges: [3, 4, 5, 7] → "4–6, 8". */
export function chunkRanges(zeroBased: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < zeroBased.length) {
    let j = i;
    while (j + 1 < zeroBased.length && zeroBased[j + 1] === zeroBased[j]! + 1) j++;
    const a = zeroBased[i]! + 1;
    const b = zeroBased[j]! + 1;
    parts.push(a === b ? String(a) : b === a + 1 ? `${a}, ${b}` : `${a}–${b}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * For a batch step whose chunks were not all recorded: "Chunks 4–6 ran but their steps were not
 * recorded (3 steps)". Undefined when every chunk that ran is in the list.
 */
export function unrecordedNote(step: StepRecord): string | undefined {
  const r = batchRecord(step);
  if (!r || typeof r.chunks !== 'number' || !Array.isArray(r.recordedChunks)) return undefined;
  const ran = (r.succeeded ?? 0) + (r.failed ?? 0);
  const kept = new Set(r.recordedChunks);
  const missing = ran - kept.size;
  if (missing <= 0) return undefined;
  const omitted = r.omittedSteps ?? 0;
  // All chunks ran: the unrecorded ones are exactly those not kept. Else (stopped early) only how many.
  if (ran === r.chunks) {
    const list = Array.from({ length: r.chunks }, (_, i) => i).filter((i) => !kept.has(i));
    const values = { count: list.length, list: chunkRanges(list), total: r.chunks, omitted };
    return t('editor.chunks.unrecorded', values);
  }
  return t('editor.chunks.unrecordedMore', { count: missing, total: r.chunks, omitted });
}
