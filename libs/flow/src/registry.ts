import type { NodeSpec } from './node-spec';
import { batchNode } from './nodes/batch';
import { httpNode } from './nodes/http';
import { conditionNode, respondNode, setNode } from './nodes/logic';
import { soapNode } from './nodes/soap';
import { campaignTrigger, endOfCallTrigger, ivrTrigger, webhookTrigger } from './nodes/triggers';

/** The one list of node types. A new type: a spec file in ./nodes, an executor in the engine, a panel in the editor. */
export const NODE_SPECS: readonly NodeSpec[] = [
  ivrTrigger,
  endOfCallTrigger,
  campaignTrigger,
  webhookTrigger,
  httpNode,
  soapNode,
  conditionNode,
  setNode,
  respondNode,
  batchNode,
];

const byType = new Map(NODE_SPECS.map((s) => [s.type, s]));

/** The spec of a node type, or undefined when the type is unknown. */
export function getNodeSpec(type: string): NodeSpec | undefined {
  return byType.get(type);
}

export function isTriggerType(type: string): boolean {
  return byType.get(type)?.category === 'trigger';
}
