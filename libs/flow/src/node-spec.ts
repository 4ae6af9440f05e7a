import type { z } from 'zod';
import type { TemplateContext } from './template-context';

/** A template found in a node's config: where it sits and how it is escaped when rendered. */
export interface TemplateField {
  /** JSON path inside `config`, e.g. `['headers', 0, 'value']`. */
  path: (string | number)[];
  template: string;
  context: TemplateContext;
}

export type NodeCategory = 'trigger' | 'request' | 'logic';

/**
 * Everything the definition layer knows about a node type: its config schema, its outgoing
 * handles and where its templates are. The engine adds an executor for the same `type`.
 */
export interface NodeSpec<C = any> {
  type: string;
  category: NodeCategory;
  label: string;
  description: string;
  /** Present on trigger types: `sync` triggers answer their caller from a respond node. */
  trigger?: { mode: 'sync' | 'async' };
  configSchema: z.ZodType<C>;
  /** Outgoing handles for a valid config; the first one is used by edges without `sourceHandle`. */
  handles(config: C): string[];
  /** Every template in the config, with its path and context. */
  templates(config: C): TemplateField[];
  /** A one-line summary for node cards, e.g. `POST crm.example.com/calls`. */
  summary(config: C): string;
}

/** Helper giving a spec its full type while keeping `C` inferred from the schema. */
export function defineNodeSpec<S extends z.ZodType>(
  spec: NodeSpec<z.output<S>> & { configSchema: S },
): NodeSpec<z.output<S>> {
  return spec;
}
