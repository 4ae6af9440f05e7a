/** Terse builders for test flow definitions. */
export type NodeTuple = [id: string, type: string, name: string, config?: Record<string, unknown>];
export type EdgeTuple = [source: string, target: string, sourceHandle?: string];

export function buildFlow(nodes: NodeTuple[], edges: EdgeTuple[]) {
  return {
    schemaVersion: 1 as const,
    nodes: nodes.map(([id, type, name, config]) => ({ id, type, name, config: config ?? {} })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i + 1}`,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
    })),
  };
}

/** trigger.ivr → the given nodes in a chain (each via its first handle unless an edge says otherwise). */
export function chain(nodes: NodeTuple[], trigger: NodeTuple = ['t', 'trigger.ivr', 'ivr']) {
  const all = [trigger, ...nodes];
  return buildFlow(
    all,
    all.slice(1).map((n, i) => [all[i]![0], n[0]] as EdgeTuple),
  );
}
