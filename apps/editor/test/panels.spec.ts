/**
 * The editor half of the node registry: every node spec has its panel (PANELS, keyed by NodeType,
 * also fails to compile without one), and a new node starts from its spec's config.
 */
import { httpNode, ivrTrigger, NODE_SPECS } from '@callflow/flow';
import { PANELS } from '../src/editor/panels';
import { loadCatalog } from './load-catalog';

// The editor's messages as people read them in English.
beforeAll(() => loadCatalog('en'));

describe('node panels', () => {
  it('has exactly one panel for every node spec, registered under its type', () => {
    const specTypes = NODE_SPECS.map((s) => s.type).sort();
    expect(Object.keys(PANELS).sort()).toEqual(specTypes);
    for (const [type, def] of Object.entries(PANELS)) {
      expect(def.type).toBe(type);
      expect(typeof def.Panel).toBe('function');
      expect(def.icon).toBeTruthy();
    }
  });

  it("starts a new node from its spec's initial config, given the flow's trigger", () => {
    for (const spec of NODE_SPECS) {
      const config = PANELS[spec.type]!.initialConfig({});
      expect(config).toEqual(spec.initialConfig({}));
      // What the editor writes is a config the spec's schema knows (it may still need filling in).
      const parsed = spec.configSchema.safeParse(config);
      const unknownKeys = parsed.error?.issues.filter((i) => i.code === 'unrecognized_keys') ?? [];
      expect(unknownKeys).toEqual([]);
    }
    const underIvr = PANELS[httpNode.type]!.initialConfig({ triggerType: ivrTrigger.type });
    const timeoutMs = ivrTrigger.trigger?.requestTimeoutMs;
    expect(timeoutMs).toBeGreaterThan(0);
    expect(underIvr).toMatchObject({ timeoutMs });
  });
});
