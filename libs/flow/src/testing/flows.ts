/**
 * Sample definitions for tests (not exported from the package index). Plain JSON-like objects,
 * typed loosely on purpose: tests break them in ways the types would not allow.
 */
import { httpNode } from '../nodes/http';
import { conditionNode, respondNode, setNode } from '../nodes/logic';
import { endOfCallTrigger, ivrTrigger } from '../nodes/triggers';

export interface LooseFlow {
  schemaVersion: unknown;
  nodes: Record<string, unknown>[];
  edges: Record<string, unknown>[];
  [key: string]: unknown;
}

/** IVR → http lookup → condition (vip / default) → two respond nodes; the http error also answers. */
export function ivrFlow(): LooseFlow {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: ivrTrigger.type, name: 'ivr', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'lookup',
        type: httpNode.type,
        name: 'lookup',
        config: {
          url: 'https://crm.example.com/customers?phone={{call.callerId}}',
          headers: [{ name: 'Accept', value: 'application/json' }],
        },
      },
      {
        id: 'check',
        type: conditionNode.type,
        name: 'isVip',
        config: { rules: [{ handle: 'vip', left: '{{nodes.lookup.body.vip}}', op: 'eq', right: 'true' }] },
      },
      {
        id: 'r1',
        type: respondNode.type,
        name: 'vipQueue',
        config: { body: { type: 'json', template: '{"queue": "vip", "name": "{{nodes.lookup.body.name}}"}' } },
      },
      {
        id: 'r2',
        type: respondNode.type,
        name: 'normalQueue',
        config: { body: { type: 'json', template: '{"queue": "default"}' } },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'lookup' },
      { id: 'e2', source: 'lookup', sourceHandle: 'success', target: 'check' },
      { id: 'e3', source: 'check', sourceHandle: 'vip', target: 'r1' },
      { id: 'e4', source: 'check', sourceHandle: 'default', target: 'r2' },
      { id: 'e5', source: 'lookup', sourceHandle: 'error', target: 'r2' },
    ],
  };
}

/** A trigger followed by a chain of `count` set nodes (n1 → n2 → ...). */
export function chainFlow(count: number, triggerType: string = endOfCallTrigger.type): LooseFlow {
  const nodes: Record<string, unknown>[] = [{ id: 't', type: triggerType, name: 'start', config: {} }];
  const edges: Record<string, unknown>[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push({
      id: `n${i}`,
      type: setNode.type,
      name: `step${i}`,
      config: { values: [{ name: `v${i}`, value: `{{call.id}}-${i}` }] },
    });
    edges.push({ id: `e${i}`, source: i === 1 ? 't' : `n${i - 1}`, target: `n${i}` });
  }
  return { schemaVersion: 1, nodes, edges };
}

/** The node with this id (throws when absent, to keep tests short). */
export function nodeById(flow: LooseFlow, id: string): Record<string, unknown> & { config: Record<string, unknown> } {
  const node = flow.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node as Record<string, unknown> & { config: Record<string, unknown> };
}
