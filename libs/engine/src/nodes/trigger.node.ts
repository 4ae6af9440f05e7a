import type { AnyNodeSpec } from '@callflow/flow';
import { defineExecutor, type ExecutorOf } from '../runtime/executor';

const passThrough = { run: () => ({ handle: 'next' }) };

/** A trigger type's executor: it starts the run and hands over to its `next` edge; matching happens in the API. */
export function triggerExecutor<S extends AnyNodeSpec>(spec: S): ExecutorOf<S['type']> {
  return defineExecutor(spec, { prepare: () => passThrough });
}
