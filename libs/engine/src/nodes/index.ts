import {
  batchNode,
  campaignTrigger,
  conditionNode,
  endOfCallTrigger,
  httpNode,
  ivrTrigger,
  respondNode,
  setNode,
  soapNode,
  webhookTrigger,
  type NodeType,
} from '@callflow/flow';
import type { ExecutorOf, NodeExecutor } from '../runtime/executor';
import { conditionExecutor } from './condition.node';
import { batchExecutor } from './batch.node';
import { httpExecutor } from './http.node';
import { respondExecutor } from './respond.node';
import { setExecutor } from './set.node';
import { soapExecutor } from './soap.node';
import { triggerExecutor } from './trigger.node';

/**
 * The engine half of the node registry (the definition half is NODE_SPECS in @callflow/flow),
 * keyed by NodeType: a spec without an executor does not compile.
 */
export const EXECUTORS: { readonly [T in NodeType]: ExecutorOf<T> } = {
  [ivrTrigger.type]: triggerExecutor(ivrTrigger),
  [endOfCallTrigger.type]: triggerExecutor(endOfCallTrigger),
  [campaignTrigger.type]: triggerExecutor(campaignTrigger),
  [webhookTrigger.type]: triggerExecutor(webhookTrigger),
  [httpNode.type]: httpExecutor,
  [soapNode.type]: soapExecutor,
  [conditionNode.type]: conditionExecutor,
  [setNode.type]: setExecutor,
  [respondNode.type]: respondExecutor,
  [batchNode.type]: batchExecutor,
};

/** Every executor, as a list. */
export const NODE_EXECUTORS: readonly NodeExecutor[] = Object.values(EXECUTORS);
