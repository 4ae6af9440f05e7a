import { nodeNameSchema } from './definition';
import { httpNode } from './nodes/http';
import { respondNode } from './nodes/logic';
import { webhookTrigger } from './nodes/triggers';
import { getNodeSpec, isNodeOf, NODE_SPECS, type ConfigOf, type TypedFlowNode } from './registry';
import { TOKEN_ROOTS } from './tokens';

describe('node specs', () => {
  it('are registered once each, under their type', () => {
    const types = NODE_SPECS.map((s) => s.type);
    expect(new Set(types).size).toBe(types.length);
    for (const spec of NODE_SPECS) expect(getNodeSpec(spec.type)).toBe(spec);
  });

  it.each(NODE_SPECS.map((s) => [s.type, s] as const))('%s: says what the editor and tokens need', (_, spec) => {
    expect(nodeNameSchema.safeParse(spec.baseName).success).toBe(true);
    expect(spec.shortLabel.length).toBeGreaterThan(0);
    expect(spec.shortLabel.length).toBeLessThanOrEqual(spec.label.length);
    expect(spec.trigger !== undefined).toBe(spec.category === 'trigger');
    for (const root of spec.trigger?.inputRoots ?? []) expect(TOKEN_ROOTS).toContain(root);
  });

  it('gives sync triggers the deadline their schema defaults to (the editor shows it when the config has none)', () => {
    for (const spec of NODE_SPECS) {
      if (spec.trigger?.mode !== 'sync') continue;
      const parsed = spec.configSchema.parse({}) as { deadlineMs?: number };
      expect([spec.type, parsed.deadlineMs]).toEqual([spec.type, spec.trigger.deadlineMs]);
    }
  });

  it('narrows a node to its spec’s config without casts', () => {
    const raw: { type?: string; config?: unknown } = {
      type: respondNode.type,
      config: respondNode.configSchema.parse({}),
    };
    expect(isNodeOf(raw, httpNode)).toBe(false);
    expect(isNodeOf({ type: respondNode.type }, respondNode)).toBe(false); // no parsed config: not narrowed
    if (!isNodeOf(raw, respondNode)) throw new Error('not a respond node');
    expect(raw.config.status).toBe(200);

    const node = { id: 'w', name: 'hook', type: webhookTrigger.type, config: webhookTrigger.configSchema.parse({}) };
    const typed: TypedFlowNode = node;
    if (typed.type === webhookTrigger.type) {
      const config: ConfigOf<typeof webhookTrigger.type> = typed.config;
      expect(config.methods).toEqual(['POST']);
    }
  });
});
