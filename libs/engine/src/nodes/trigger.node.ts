import { NODE_SPECS } from '@callflow/flow';
import type { NodeExecutor } from '../runtime/executor';

const passThrough = { run: () => ({ handle: 'next' }) };

/** Every trigger type starts the run and hands over to its `next` edge; matching happens in the API. */
export const triggerExecutors: NodeExecutor[] = NODE_SPECS.filter((s) => s.category === 'trigger').map((s) => ({
  type: s.type,
  prepare: () => passThrough,
}));
