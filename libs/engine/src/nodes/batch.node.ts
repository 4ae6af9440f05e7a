import { BATCH_EACH_HANDLE, BATCH_MAX_CHUNKS, batchNode, type BatchConfig, type BatchStepRecord } from '@callflow/flow';
import { EngineError, ERROR_CODES, type StepError } from '../errors';
import { defineExecutor, type NodeResult, type NodeRunContext, type PathResult } from '../runtime/executor';
import { compileTemplate, type CompiledTemplate } from '../template';
import type { StepRecord } from '../types';

/** Chunks whose steps are all recorded: the first few, and failed ones up to a bound; the rest are counted. */
export const RECORDED_CHUNKS = 3;
export const RECORDED_FAILED_CHUNKS = 10;
/** Results of the first chunks shown in the batch step's record (the full list is the node's output). */
const RECORDED_RESULTS = 3;

/** What a chunk that failed leaves in `results`: its last node's output, else its error. */
function chunkResult(r: PathResult): unknown {
  if (r.output !== undefined) return r.output;
  return r.ok ? null : { error: failureOf(r) };
}

function failureOf(r: PathResult): StepError {
  return { code: r.error?.code ?? 'INTERNAL', message: r.error?.message ?? 'the chunk failed' };
}

/** A limit (deadline, budgets) or a bug in a chunk ends the run, whatever onError says. */
function isFatal(e: StepError | undefined): boolean {
  const category = e === undefined ? undefined : ERROR_CODES[e.code]?.category;
  return category === 'limit' || category === 'bug';
}

async function runBatch(
  nodeId: string,
  items: CompiledTemplate,
  config: BatchConfig,
  ctx: NodeRunContext,
): Promise<NodeResult> {
  const list = items.evaluate(ctx.scope);
  if (!Array.isArray(list)) {
    const got = list === null || list === undefined ? 'nothing' : typeof list;
    const message = `items must be a list; ${items.source.trim()} gave ${got}`;
    const error = { code: 'BATCH_ITEMS_INVALID' as const, message };
    return { handle: 'error', error, output: { error } };
  }
  const { size, concurrency, onError } = config;
  const chunks = Math.ceil(list.length / size);
  if (chunks > BATCH_MAX_CHUNKS) {
    const message = `${list.length} items make ${chunks} chunks of ${size}; a batch runs at most ${BATCH_MAX_CHUNKS}`;
    const error = { code: 'BATCH_TOO_LARGE' as const, message };
    return { handle: 'error', error, output: { error, total: list.length, chunks } };
  }
  if (!ctx.runPath) throw new EngineError('INTERNAL', 'a batch node cannot run inside another batch');
  const runPath = ctx.runPath;

  const results: unknown[] = new Array(chunks);
  const kept = new Map<number, StepRecord[]>();
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let keptFailed = 0;
  let omittedSteps = 0;
  let stop = false;
  let firstFailure: (StepError & { chunk: number }) | undefined;
  let fatal: StepError | undefined;

  const worker = async (): Promise<void> => {
    while (!stop && next < chunks && !ctx.signal.aborted) {
      const index = next++;
      const items = list.slice(index * size, index * size + size);
      const r = await runPath(nodeId, BATCH_EACH_HANDLE, { items, index, count: chunks, size, total: list.length });
      results[index] = chunkResult(r);
      if (r.ok) succeeded++;
      else {
        failed++;
        if (isFatal(r.error)) fatal ??= r.error;
        else firstFailure ??= { chunk: index, ...failureOf(r) };
        if (onError === 'stop' || fatal) stop = true;
      }
      if (index < RECORDED_CHUNKS || (!r.ok && keptFailed++ < RECORDED_FAILED_CHUNKS)) kept.set(index, r.steps);
      else omittedSteps += r.steps.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks) }, worker));

  const ran = results.filter((_, i) => i in results);
  const childSteps = [...kept.keys()].sort((a, b) => a - b).flatMap((i) => kept.get(i)!);
  const summary = { total: list.length, chunks, succeeded, failed, skipped: chunks - succeeded - failed };
  const recordedChunks = [...kept.keys()].sort((a, b) => a - b);
  const record: BatchStepRecord = {
    ...summary,
    recordedChunks,
    omittedSteps,
    firstResults: ran.slice(0, RECORDED_RESULTS),
  };
  if (fatal || ctx.signal.aborted) {
    // A limit (deadline, step or call budget) in a chunk ends the run; the settled result says which.
    const error = fatal ?? { code: 'RUN_DEADLINE' as const, message: 'the run passed its deadline' };
    return { handle: 'error', error: { code: error.code, message: error.message }, childSteps, record };
  }
  const output: Record<string, unknown> = { ...summary, results: ran };
  if (firstFailure && onError === 'stop') {
    // Counted from 1 for people (as the steps list shows them); `chunk` stays the 0-based batch.index.
    const { code, message: reason } = firstFailure;
    const message = `chunk ${firstFailure.chunk + 1} of ${chunks} failed (${code}): ${reason}`;
    const error = { code: 'BATCH_CHUNK_FAILED' as const, message };
    output.error = { ...error, chunk: firstFailure.chunk };
    return { handle: 'error', error, output, childSteps, record: { ...record, error: output.error } };
  }
  return { handle: 'done', output, childSteps, record };
}

/** `batch`: cuts `items` into chunks of `size` and runs the `each` path per chunk, `concurrency` at a time. */
export const batchExecutor = defineExecutor(batchNode, {
  prepare(node) {
    const items = compileTemplate(node.config.items, 'value');
    const nodeId = node.id;
    const config = node.config;
    return { run: (ctx) => runBatch(nodeId, items, config, ctx) };
  },
});
