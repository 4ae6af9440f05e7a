/** How steps are labelled for people: batch chunks counted from 1 with their total, unrecorded chunks said. */
import type { StepRecord } from '../src/api/types';
import { chunkCounts, chunkLabel, chunkRanges, unrecordedNote } from '../src/editor/step-labels';
import { loadCatalog } from './load-catalog';

beforeAll(() => loadCatalog('en'));

const AT = '2026-01-01T00:00:00.000Z';
const step = (seq: number, name: string, extra: Partial<StepRecord> = {}): StepRecord => ({
  seq,
  nodeId: name,
  name,
  type: 'http',
  status: 'succeeded',
  startedAt: AT,
  durationMs: 1,
  ...extra,
});

describe('step labels', () => {
  const batch = (output: Record<string, unknown>) => step(9, 'chunks', { type: 'batch', output });

  it('labels chunk steps "chunk N of M" (1-based) from the batch step recorded after them', () => {
    const chunks = [step(2, 'upload', { chunk: 0 }), step(3, 'upload', { chunk: 1 })];
    const steps = [step(1, 'hook'), ...chunks, batch({ chunks: 6 }), step(10, 'answer')];
    const counts = chunkCounts(steps);
    const labels = steps.map((s) => chunkLabel(s, counts));
    expect(labels).toEqual([undefined, 'chunk 1 of 6', 'chunk 2 of 6', undefined, undefined]);
    // Without the batch step (a run cut short), the number alone.
    expect(chunkLabel(step(2, 'upload', { chunk: 4 }), new Map())).toBe('chunk 5');
  });

  it('writes 0-based chunk lists as 1-based ranges', () => {
    expect(chunkRanges([3, 4, 5])).toBe('4–6');
    expect(chunkRanges([3, 4, 5, 7, 9, 10])).toBe('4–6, 8, 10, 11');
    expect(chunkRanges([0])).toBe('1');
  });

  it('says which chunks ran without their steps recorded, or how many when the batch stopped early', () => {
    const note = (chunks: number, ran: [number, number], recordedChunks: number[], omittedSteps: number) =>
      unrecordedNote(batch({ chunks, succeeded: ran[0], failed: ran[1], recordedChunks, omittedSteps }));
    expect(note(6, [6, 0], [0, 1, 2], 3)).toBe(
      'Chunks 4–6 of 6 ran but their steps were not recorded (3 steps): ' +
        'only the first chunks and failed ones are kept.',
    );
    expect(note(4, [4, 0], [0, 1, 2], 1)).toMatch(/^Chunk 4 of 4 ran but its steps were not recorded \(1 step\)/);
    expect(note(20, [5, 1], [0, 1, 2, 5], 2)).toBe('2 more chunks of 20 ran without their steps recorded (2 steps).');
    expect(note(3, [3, 0], [0, 1, 2], 0)).toBeUndefined();
    expect(unrecordedNote(step(1, 'upload'))).toBeUndefined();
  });
});
