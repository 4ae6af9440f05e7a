/**
 * A node type's texts in the language in force: its label, palette label, description, palette
 * group, output names and who waits for a respond node's answer. libs/flow's specs stay English
 * (the API and engine read them too); the `nodes` area holds their translations, keyed by type
 * (`nodes.trigger.ivr.label`), and a type the catalog lacks shows its spec's English
 * (apps/editor/test/i18n-nodes.spec.ts keeps the English catalog equal to the specs).
 */
import { getNodeSpec, type NodeCategory } from '@callflow/flow';
import { formatNumber, hasMessage, t } from './i18n';

/** `nodes.<type>.<what>` in the language in force, else `english`. */
function nodeText(type: string, what: string, english: string): string {
  const id = `nodes.${type}.${what}`;
  return hasMessage(id) ? t(id) : english;
}

/** The type's name ("HTTP request"); an unknown type shows as itself. */
export function nodeLabel(type: string): string {
  const spec = getNodeSpec(type);
  return spec ? nodeText(type, 'label', spec.label) : type;
}

/** The palette's name of the type ("HTTP"). */
export function nodeShortLabel(type: string): string {
  const spec = getNodeSpec(type);
  return spec ? nodeText(type, 'shortLabel', spec.shortLabel) : type;
}

/** What the type does, in one sentence; undefined for an unknown type. */
export function nodeDescription(type: string): string | undefined {
  const spec = getNodeSpec(type);
  return spec ? nodeText(type, 'description', spec.description) : undefined;
}

const CATEGORY = {
  trigger: 'nodes.category.trigger',
  request: 'nodes.category.request',
  logic: 'nodes.category.logic',
} as const satisfies Record<NodeCategory, string>;

/** A palette group's title: "Triggers", "Requests", "Logic". */
export function categoryLabel(category: NodeCategory): string {
  return t(CATEGORY[category]);
}

/**
 * How an output of a node of `type` is shown: a fixed one of the type ("success", "error",
 * "default", "each" …) in the language in force, a condition rule's own output as named.
 */
export function handleLabel(type: string, handle: string): string {
  const spec = getNodeSpec(type);
  // A type whose outputs depend on its config (condition) has fixed ones only among those of an empty config.
  const fixed = spec?.draftHandles ? spec.draftHandles({}) : null;
  if (fixed && !fixed.includes(handle)) return handle;
  const id = `nodes.handle.${handle}`;
  return hasMessage(id) ? t(id) : handle;
}

/**
 * Who waits for a respond node's answer under a synchronous trigger of `type`, for up to `ms`, and
 * what they get after it ("The IVR waits for this answer for up to 3000 ms; after that it gets the
 * fallback."); undefined for a trigger nobody waits for.
 */
export function triggerWaits(type: string, ms: number): string | undefined {
  const trigger = getNodeSpec(type)?.trigger;
  if (!trigger || trigger.mode !== 'sync') return undefined;
  const id = `nodes.${type}.waits`;
  // Grouping off: a deadline reads as the number typed in the trigger's field.
  const values = { ms: formatNumber(ms, { useGrouping: false }) };
  return hasMessage(id) ? t(id, values) : t('nodes.waits.caller', values);
}
