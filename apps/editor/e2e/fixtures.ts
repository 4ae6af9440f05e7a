/** Flows the browser tests open. */

/** A valid flow of `count` nodes (an IVR trigger, then http, condition, set and respond nodes), laid out on a grid. */
export function bigFlow(count: number) {
  const nodes: Record<string, unknown>[] = [
    { id: 't', type: 'trigger.ivr', name: 'ivr', position: { x: 0, y: 0 }, config: { deadlineMs: 3000, fallback: {} } },
  ];
  const edges: Record<string, unknown>[] = [];
  const kinds = ['http', 'condition', 'set', 'respond'] as const;
  for (let i = 1; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const config =
      kind === 'http'
        ? {
            method: 'POST',
            url: `https://crm.example.com/api/step/${i}?phone={{call.callerId}}`,
            body: { type: 'json', template: '{"call": "{{call.id}}"}' },
          }
        : kind === 'condition'
          ? { rules: [{ handle: 'yes', left: '{{call.callerId}}', op: 'exists' }] }
          : kind === 'set'
            ? { values: [{ name: `v${i}`, value: '{{call.id}}' }] }
            : { status: 200, body: { type: 'json', template: `{"step": ${i}}` } };
    nodes.push({
      id: `n${i}`,
      type: kind,
      name: `${kind}${i}`,
      position: { x: (i % 20) * 300, y: Math.floor(i / 20) * 170 },
      config,
    });
    const prev = nodes[i - 1]!;
    const handle = prev.type === 'http' ? 'success' : prev.type === 'condition' ? 'yes' : undefined;
    edges.push({ id: `e${i}`, source: prev.id, target: `n${i}`, ...(handle ? { sourceHandle: handle } : {}) });
  }
  return { schemaVersion: 1, nodes, edges };
}
