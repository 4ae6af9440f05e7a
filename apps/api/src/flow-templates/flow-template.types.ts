import { CONNECTION_PLACEHOLDER_PREFIX, type FlowTemplateSummary, type RunInput } from '@callflow/flow';

export interface TemplateNode {
  id: string;
  type: string;
  name: string;
  position: { x: number; y: number };
  notes?: string;
  config: Record<string, unknown>;
}

export interface TemplateEdge {
  id: string;
  source: string;
  sourceHandle?: string;
  target: string;
}

export interface TemplateDefinition {
  schemaVersion: 1;
  nodes: TemplateNode[];
  edges: TemplateEdge[];
  /** What the trigger hands to a run, filling every token the template reads: a flow made from it pins it. */
  sampleInput?: RunInput;
}

/** A ready flow for one integration pattern of a documented system (docs/templates.md). */
export interface FlowTemplate extends Omit<FlowTemplateSummary, 'triggerType'> {
  /** Placeholders `connectionPlaceholder(purpose)` stand where the picked connection ids go. */
  definition: TemplateDefinition;
}

/**
 * The `connectionId` a template leaves for the admin to choose (filled by POST /flows `connections`,
 * or later in the editor); validateFlow flags it, so the draft cannot be published before.
 */
export function connectionPlaceholder(purpose: string): string {
  return `${CONNECTION_PLACEHOLDER_PREFIX}${purpose}`;
}

/** The purpose named by a placeholder, or undefined for a real id. */
export function placeholderPurpose(connectionId: unknown): string | undefined {
  return typeof connectionId === 'string' && connectionId.startsWith(CONNECTION_PLACEHOLDER_PREFIX)
    ? connectionId.slice(CONNECTION_PLACEHOLDER_PREFIX.length)
    : undefined;
}

/** A node at column `col`, row `row` of the editor canvas. */
export function node(
  id: string,
  type: string,
  name: string,
  col: number,
  row: number,
  config: Record<string, unknown>,
  notes?: string,
): TemplateNode {
  return { id, type, name, position: { x: col * 340, y: row * 180 }, ...(notes ? { notes } : {}), config };
}

/** Edges `[source, target, handle?]`, numbered e1, e2 … */
export function edges(...list: [string, string, string?][]): TemplateEdge[] {
  return list.map(([source, target, handle], i) => ({
    id: `e${i + 1}`,
    source,
    ...(handle ? { sourceHandle: handle } : {}),
    target,
  }));
}
