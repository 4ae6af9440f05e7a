import { z } from 'zod';

/** Current version of the flow definition format. */
export const SCHEMA_VERSION = 1;

/** Node ids, edge ids and handle names: short, URL- and selector-safe. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"');

/** Node names address outputs in templates (`{{nodes.<name>.body}}`), so they must be plain identifiers. */
export const nodeNameSchema = z
  .string()
  .min(1, 'a node needs a name')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'start with a letter or "_", then letters, digits or "_"')
  .refine((n) => !RESERVED_NAMES.has(n), 'this name is reserved');

/** Names that would shadow JavaScript internals if used as keys. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const positionSchema = z.strictObject({ x: z.number().finite(), y: z.number().finite() });

/** The envelope of a node; `config` is checked against its node type's schema separately. */
export const flowNodeSchema = z.strictObject({
  id: idSchema,
  type: z.string().min(1).max(64),
  name: nodeNameSchema,
  position: positionSchema.optional(),
  notes: z.string().max(2000).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const flowEdgeSchema = z.strictObject({
  id: idSchema,
  source: idSchema,
  sourceHandle: z.string().min(1).max(64).optional(),
  target: idSchema,
});

/** How deep a pasted sample may nest (checked without recursion: a hostile definition cannot overflow the stack). */
export const MAX_SAMPLE_DEPTH = 32;

/** Why `value` is not plain JSON nested at most MAX_SAMPLE_DEPTH deep, or undefined when it is. */
export function jsonSampleProblem(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_SAMPLE_DEPTH) return `nested more than ${MAX_SAMPLE_DEPTH} levels deep`;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'not a JSON value (a number that is not finite)';
      continue;
    }
    if (Array.isArray(v)) for (const item of v) stack.push([item, depth + 1]);
    else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      for (const item of Object.values(v)) stack.push([item, depth + 1]);
    else return `not a JSON value (${typeof v})`;
  }
  return undefined;
}

/** A JSON value an admin pasted or pinned as a sample: read by the editor and the validator, never at run time. */
export const jsonSampleSchema = z.unknown().superRefine(checkSample);

function checkSample(value: unknown, ctx: z.RefinementCtx): void {
  const problem = jsonSampleProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

const sampleRecord = z.record(z.string(), z.unknown()).superRefine(checkSample);

/**
 * What a trigger hands to a run, every part optional (RunInput; the fields: STANDARD_TOKENS in
 * ./tokens.ts). A definition keeps one as its `sampleInput`.
 */
export const runInputSchema = z.strictObject({
  call: sampleRecord.optional(),
  contact: sampleRecord.optional(),
  campaign: sampleRecord.optional(),
  ivr: sampleRecord.optional(),
  event: sampleRecord.optional(),
  request: z
    .strictObject({
      method: z.string().max(16).optional(),
      query: sampleRecord.optional(),
      body: jsonSampleSchema.optional(),
      headers: sampleRecord.optional(),
    })
    .optional(),
});

export const flowDefinitionSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema),
  /**
   * The flow's pinned sample input: the test drawer starts from it, "How to call this flow" shows it.
   * Only the editor reads it; a run gets its input from its trigger.
   */
  sampleInput: runInputSchema.optional(),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
/** A flow definition as stored per version (JSON). */
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
