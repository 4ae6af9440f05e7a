import type { z } from 'zod';
import type { FlowNode } from './definition';
import type { NodeSpec } from './node-spec';
import { batchNode } from './nodes/batch';
import { httpNode } from './nodes/http';
import { conditionNode, respondNode, setNode } from './nodes/logic';
import { soapNode } from './nodes/soap';
import { campaignTrigger, endOfCallTrigger, ivrTrigger, webhookTrigger } from './nodes/triggers';

/**
 * The one list of node types. A new type: a spec file in ./nodes and a line here, an executor in
 * the engine, a panel in the editor (docs/adding-a-node-type.md).
 */
export const NODE_SPECS = [
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
] as const satisfies readonly NodeSpec[];

/** Any registered spec, with its own config and type. */
export type AnyNodeSpec = (typeof NODE_SPECS)[number];
/** The node types: `'trigger.ivr' | 'http' | …`. */
export type NodeType = AnyNodeSpec['type'];
/** The trigger types: `'trigger.ivr' | …`. */
export type TriggerType = Extract<AnyNodeSpec, { category: 'trigger' }>['type'];
/** The spec of node type `T`. */
export type SpecOf<T extends NodeType> = Extract<AnyNodeSpec, { type: T }>;
/** The parsed (defaults applied) config of node type `T`, inferred from its spec's schema. */
export type ConfigOf<T extends NodeType> = z.output<SpecOf<T>['configSchema']>;
/** The config as stored or edited, before the schema's defaults. */
export type InputConfigOf<T extends NodeType> = z.input<SpecOf<T>['configSchema']>;
/** A node of type `T` whose config has been parsed by its spec (e.g. in a valid flow). */
export type TypedFlowNode<T extends NodeType = NodeType> = {
  [K in T]: Omit<FlowNode, 'type' | 'config'> & { type: K; config: ConfigOf<K> };
}[T];

const byType = new Map<string, NodeSpec>(NODE_SPECS.map((s) => [s.type, s]));

/** The spec of a node type, or undefined when the type is unknown. */
export function getNodeSpec<T extends NodeType>(type: T): SpecOf<T>;
export function getNodeSpec(type: string): NodeSpec | undefined;
export function getNodeSpec(type: string): NodeSpec | undefined {
  return byType.get(type);
}

export function isTriggerType(type: string): boolean {
  return byType.get(type)?.category === 'trigger';
}

/**
 * Narrows a node (a definition node, a parsed one, a graph node) to `spec`'s type, with `spec`'s
 * parsed config: `if (isNodeOf(n, respondNode)) n.config.body…`. Only for nodes whose config was
 * parsed by the spec (a valid flow; a graph node without a valid config does not match).
 */
export function isNodeOf<N extends { type?: string }, S extends AnyNodeSpec>(
  node: N | undefined,
  spec: S,
): node is N & { type: S['type']; config: z.output<S['configSchema']> } {
  return node?.type === spec.type && (node as { config?: unknown }).config !== undefined;
}
