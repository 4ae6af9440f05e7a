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
  .min(1)
  .max(64)
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

export const flowDefinitionSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
/** A flow definition as stored per version (JSON). */
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
