import { z } from 'zod';
import { defineNodeSpec } from '../node-spec';
import { templateSchema } from './common';

/** Most items one chunk may hold. */
export const BATCH_MAX_SIZE = 1000;
/** Most chunks one batch node runs; a longer list fails the node (BATCH_TOO_LARGE) before any chunk runs. */
export const BATCH_MAX_CHUNKS = 1000;
/** Most chunks running at once. */
export const BATCH_MAX_CONCURRENCY = 10;
/** The handle whose path runs once per chunk. */
export const BATCH_EACH_HANDLE = 'each';

export const batchConfigSchema = z.strictObject({
  /** A token giving the list to cut, e.g. `{{request.body.calls}}` (a lone token keeps the list). */
  items: templateSchema.min(1, 'items is required: a token giving a list, e.g. {{request.body.calls}}'),
  size: z.number().int().min(1).max(BATCH_MAX_SIZE).default(50),
  concurrency: z.number().int().min(1).max(BATCH_MAX_CONCURRENCY).default(1),
  /** `stop`: no chunk starts after a failed one, the node leaves by `error`; `continue`: all run, failures counted. */
  onError: z.enum(['stop', 'continue']).default('stop'),
});
export type BatchConfig = z.infer<typeof batchConfigSchema>;

/**
 * Batch (n8n's Loop Over Items, Node-RED's split/join): cuts a list into chunks of `size` and runs
 * the path behind `each` once per chunk (it sees `batch.items`, `batch.index`, `batch.count`,
 * `batch.size`, `batch.total`); then leaves by `done` with `{total, chunks, succeeded, failed,
 * skipped, results}` (each chunk's result is the output of the last node its path ran), or by
 * `error` (the list is not a list or too long; with onError `stop`, a chunk failed).
 */
export const batchNode = defineNodeSpec({
  type: 'batch',
  category: 'logic',
  label: 'Batch',
  shortLabel: 'Batch',
  baseName: 'batch',
  description: 'Cuts a list into chunks of N, runs the "each" path per chunk, then goes on by "done" with the results.',
  configSchema: batchConfigSchema,
  initialConfig: () => ({ items: '{{request.body.items}}', size: 50 }),
  outputFields: ['total', 'chunks', 'succeeded', 'failed', 'skipped', 'results'],
  recordsOutput: true,
  // Its record holds the summary and the first results, not the whole `results` list.
  stepOutput: ({ output }) => {
    if (!output || typeof output !== 'object') return undefined;
    const { total, chunks, succeeded, failed, skipped } = output as Record<string, unknown>;
    return { total, chunks, succeeded, failed, skipped };
  },
  handles: () => [BATCH_EACH_HANDLE, 'done', 'error'],
  templates: (c) => [{ path: ['items'], template: c.items, context: 'value' }],
  summary: (c) => {
    const atOnce = c.concurrency > 1 ? `, ${c.concurrency} at once` : '';
    return `chunks of ${c.size}${atOnce}${c.onError === 'continue' ? ', on error continue' : ''}`;
  },
});
