import { z } from 'zod';
import { defineNodeSpec, type TemplateField } from '../node-spec';
import { nodeNameSchema } from '../definition';
import { identifierSchema, nameValueSchema, templateSchema } from './common';
import { respondContentTypeSchema, respondHeaderRowSchema } from './respond-headers';

export const CONDITION_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'startsWith',
  'matches',
  'exists',
  'empty',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
/** Operators that look at `left` only. */
export const UNARY_OPS: ReadonlySet<ConditionOp> = new Set(['exists', 'empty']);

const handleName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"')
  .refine((h) => h !== 'default', '"default" is the fallback handle');

export const conditionRuleSchema = z.strictObject({
  handle: handleName,
  left: templateSchema,
  op: z.enum(CONDITION_OPS),
  right: templateSchema.optional(),
  /** Compare strings case-insensitively (eq, neq, contains, startsWith, matches). */
  ignoreCase: z.boolean().optional(),
});
export type ConditionRule = z.infer<typeof conditionRuleSchema>;

export const conditionConfigSchema = z
  .strictObject({ rules: z.array(conditionRuleSchema).min(1, 'add at least one rule').max(50) })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.rules.forEach((r, i) => {
      if (seen.has(r.handle))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'handle'], message: `handle "${r.handle}" is used twice` });
      seen.add(r.handle);
      if (!UNARY_OPS.has(r.op) && r.right === undefined)
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'right'], message: `"${r.op}" needs a right-hand value` });
    });
  });

/** Condition: the first rule that matches picks its handle, else `default`. */
export const conditionNode = defineNodeSpec({
  type: 'condition',
  category: 'logic',
  label: 'Condition',
  shortLabel: 'Condition',
  baseName: 'condition',
  description: 'Routes the run by the first matching rule, else by "default".',
  configSchema: conditionConfigSchema,
  initialConfig: () => ({ rules: [{ handle: 'match', left: '', op: 'eq', right: '' }] }),
  recordsOutput: true,
  handles: (c) => [...c.rules.map((r) => r.handle), 'default'],
  draftHandles: (config) => {
    const rules = Array.isArray(config.rules) ? (config.rules as { handle?: unknown }[]) : [];
    const names = rules.map((r) => (typeof r?.handle === 'string' ? r.handle : '')).filter((h) => h && h !== 'default');
    return [...new Set(names), 'default'];
  },
  templates: (c) => {
    const t: TemplateField[] = [];
    c.rules.forEach((r, i) => {
      t.push({ path: ['rules', i, 'left'], template: r.left, context: 'value' });
      if (r.right !== undefined) t.push({ path: ['rules', i, 'right'], template: r.right, context: 'value' });
    });
    return t;
  },
  summary: (c) => c.rules.map((r) => r.handle).join(' / '),
});

export const setConfigSchema = z.strictObject({
  values: z
    .array(z.strictObject({ name: identifierSchema, value: templateSchema }))
    .min(1, 'add at least one value')
    .max(200),
});

/** Names a `set` node config stores as `vars.<name>` (lenient: the config may not validate yet). */
export function setVariableNames(config: unknown): string[] {
  const values = (config as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values)) return [];
  return values.map((v) => (v as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string');
}

/** Set: stores values as `vars.<name>`; a lone `{{path}}` keeps the value's type. */
export const setNode = defineNodeSpec({
  type: 'set',
  category: 'logic',
  label: 'Set variables',
  shortLabel: 'Set',
  baseName: 'setVars',
  description: 'Stores values in vars.<name> for later nodes.',
  configSchema: setConfigSchema,
  initialConfig: () => ({ values: [{ name: 'phone', value: '{{e164 call.callerId}}' }] }),
  recordsOutput: true,
  setsVars: setVariableNames,
  handles: () => ['next'],
  templates: (c) =>
    c.values.map((v, i) => ({ path: ['values', i, 'value'], template: v.value, context: 'value' as const })),
  summary: (c) => c.values.map((v) => v.name).join(', '),
});

const FINAL_STATUS = 'a trigger answer’s status is 200 to 599 (a 1xx is not a final answer)';

/** Statuses a redirect answer may use. */
export const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;

export const respondBodySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** `omitEmpty`: members whose value is "" or null are left out, at any depth (the body is then sent compact). */
  z.strictObject({ type: z.literal('json'), template: templateSchema, omitEmpty: z.boolean().optional() }),
  z.strictObject({ type: z.literal('xml'), template: templateSchema }),
  z.strictObject({
    type: z.literal('text'),
    template: templateSchema,
    contentType: respondContentTypeSchema.optional(),
  }),
  /** Answer with a redirect to `location` (a URL template: tokens are percent-encoded, `{{{raw}}}` opts out). */
  z.strictObject({ type: z.literal('redirect'), location: templateSchema.min(1, 'the redirect needs a location') }),
  /** Answer with the bytes and content type an earlier http node received (its "Read response as" must be binary). */
  z.strictObject({ type: z.literal('passthrough'), node: nodeNameSchema }),
]);
export type RespondBody = z.infer<typeof respondBodySchema>;

export const respondConfigSchema = z
  .strictObject({
    // Not 1xx: an interim answer leaves the caller waiting for another; a 101 could make a proxy tunnel the connection.
    status: z.number().int().min(200, FINAL_STATUS).max(599).default(200),
    headers: z.array(respondHeaderRowSchema).max(100).default([]),
    body: respondBodySchema.default({ type: 'json', template: '{}' }),
  })
  .superRefine((c, ctx) => {
    if (c.body.type === 'redirect' && !(REDIRECT_STATUSES as readonly number[]).includes(c.status)) {
      const message = `a redirect answers with ${REDIRECT_STATUSES.join(', ')} (302 is the usual one), not ${c.status}`;
      ctx.addIssue({ code: 'custom', path: ['status'], message });
    }
    if (c.body.type === 'redirect' && c.headers.some((h) => h.name.toLowerCase() === 'location')) {
      const message = 'the redirect sets Location itself: remove the Location header row';
      ctx.addIssue({ code: 'custom', path: ['headers'], message });
    }
  });

const RESPOND_SUMMARY: Record<RespondBody['type'], (b: any) => string> = {
  none: () => '',
  json: () => 'json',
  xml: () => 'xml',
  text: () => 'text',
  redirect: () => 'redirect',
  passthrough: (b: { node: string }) => `bytes of ${b.node}`,
};

/** Respond: the first one reached answers a synchronous trigger; the run goes on. */
export const respondNode = defineNodeSpec({
  type: 'respond',
  category: 'logic',
  label: 'Respond',
  shortLabel: 'Respond',
  baseName: 'respond',
  description: 'Answers the IVR or webhook caller; the run continues after it.',
  configSchema: respondConfigSchema,
  initialConfig: () => ({ status: 200, body: { type: 'json', template: '{\n  "queue": "default"\n}' } }),
  recordsOutput: true,
  handles: () => ['next'],
  templates: (c) => {
    const t: TemplateField[] = c.headers.map((h, i) => ({
      path: ['headers', i, 'value'],
      template: h.value,
      context: 'header' as const,
    }));
    const b = c.body;
    if (b.type === 'json') t.push({ path: ['body', 'template'], template: b.template, context: 'json' });
    if (b.type === 'xml') t.push({ path: ['body', 'template'], template: b.template, context: 'xml' });
    if (b.type === 'text') t.push({ path: ['body', 'template'], template: b.template, context: 'text' });
    if (b.type === 'redirect') {
      t.push({ path: ['body', 'location'], template: b.location, context: 'url', url: 'redirect' });
    }
    return t;
  },
  summary: (c) => `${c.status} ${RESPOND_SUMMARY[c.body.type](c.body)}`.trim(),
});

export { nameValueSchema };
