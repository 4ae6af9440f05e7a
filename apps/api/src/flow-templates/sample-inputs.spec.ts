/**
 * Every flow template ships a sample input (its definition's `sampleInput`, pinned in the test
 * drawer of a flow made from it) that its trigger would hand to a run and that fills every input
 * token the template reads, so a first test run shows real values instead of empty ones.
 */
import {
  analyzeTemplate,
  EVENT_TRIGGER_TYPES,
  getNodeSpec,
  matchesTrigger,
  runInputSchema,
  webhookTrigger,
  type RunInput,
} from '@callflow/flow';
import { FLOW_TEMPLATES } from './flow-templates.registry';

/** The value at `path` in `input`, undefined when any step is missing. */
function at(input: unknown, path: readonly string[]): unknown {
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

describe.each(FLOW_TEMPLATES.map((t) => [t.id, t] as const))('%s: its sample input', (_id, template) => {
  const input = template.definition.sampleInput as RunInput | undefined;
  const trigger = template.definition.nodes.find((n) => getNodeSpec(n.type)?.category === 'trigger')!;
  const spec = getNodeSpec(trigger.type)!;

  it('is a run input holding only what its trigger fills', () => {
    expect(input).toBeDefined();
    expect(runInputSchema.safeParse(input).success).toBe(true);
    const roots: readonly string[] = spec.trigger!.inputRoots;
    expect(Object.keys(input!).filter((k) => !roots.includes(k))).toEqual([]);
  });

  it('is what the trigger would start a run with (event type and filters, method)', () => {
    if ((EVENT_TRIGGER_TYPES as readonly string[]).includes(trigger.type)) {
      const event = {
        type: String(input!.event?.type),
        call: input!.call,
        contact: input!.contact,
        campaign: input!.campaign,
      };
      expect(matchesTrigger(trigger.type, trigger.config, event)).toBe(true);
    }
    if (trigger.type === webhookTrigger.type) {
      const methods = (trigger.config.methods as string[] | undefined) ?? ['POST'];
      expect(methods).toContain(input!.request?.method);
    }
  });

  it('fills every input token the template reads (but a {{default …}} alternative)', () => {
    const inputRoots = new Set(['call', 'contact', 'campaign', 'ivr', 'event', 'request']);
    const missing: string[] = [];
    for (const n of template.definition.nodes) {
      const s = getNodeSpec(n.type)!;
      const config = s.configSchema.parse({ ...n.config, ...(n.config.connectionId ? { connectionId: 'c' } : {}) });
      for (const field of s.templates(config)) {
        const analysis = analyzeTemplate(field.template);
        if (!analysis.ok) throw new Error(`${n.name}: ${analysis.error.message}`);
        for (const ref of analysis.references) {
          // `{{default request.body.x request.query.x}}`: a GET or a POST fills one of them.
          const fallback = ref.within?.includes('default');
          if (inputRoots.has(ref.root) && !fallback && at(input, [ref.root, ...ref.path]) === undefined)
            missing.push(`${n.name}.${field.path.join('.')}: {{${ref.original}}}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
