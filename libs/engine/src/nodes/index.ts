import type { NodeExecutor } from '../runtime/executor';
import { conditionExecutor } from './condition.node';
import { batchExecutor } from './batch.node';
import { httpExecutor } from './http.node';
import { respondExecutor } from './respond.node';
import { setExecutor } from './set.node';
import { soapExecutor } from './soap.node';
import { triggerExecutors } from './trigger.node';

/** The engine half of the node registry (the definition half is NODE_SPECS in @callflow/flow). */
export const NODE_EXECUTORS: readonly NodeExecutor[] = [
  ...triggerExecutors,
  httpExecutor,
  soapExecutor,
  conditionExecutor,
  setExecutor,
  respondExecutor,
  batchExecutor,
];
