/**
 * A node type's texts in the language in force: its label, palette label, description, palette
 * group, output names, card summary and who waits for a respond node's answer. libs/flow's specs stay English
 * (the API and engine read them too); the `nodes` area holds their translations, keyed by type
 * (`nodes.trigger.ivr.label`), and a type the catalog lacks shows its spec's English
 * (apps/editor/test/i18n-nodes.spec.ts keeps the English catalog equal to the specs).
 */
import { getNodeSpec, type ConfigOf, type NodeCategory, type NodeType } from '@callflow/flow';
import { currentLocale, formatNumber, hasMessage, t } from './i18n';

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

/** @public A palette group's title: "Triggers", "Requests", "Logic" (for Palette's GROUPS). */
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

/**
 * Milliseconds in a summary or timing line, grouped as the language groups them ("1 000" in Russian);
 * English keeps the specs' plain digits ("3000 ms"), which its catalog repeats.
 */
export function msValue(ms: number): string {
  return formatNumber(ms, currentLocale() === 'en' ? { useGrouping: false } : undefined);
}

/** "…, ≤ 5 at once" after an async trigger's summary when its runs are limited. */
function atOnce(summary: string, max: number | undefined): string {
  return max ? t('nodes.summary.atOnce', { summary, max }) : summary;
}

/** The summaries with words, by type (undefined: the spec's own, e.g. a plain list of methods). */
const SUMMARIES: { [T in NodeType]?: (c: ConfigOf<T>) => string | undefined } = {
  'trigger.ivr': (c) => t('nodes.trigger.ivr.summary', { ms: msValue(c.deadlineMs) }),
  'trigger.end_of_call': (c) =>
    atOnce(
      c.dispositions?.length
        ? t('nodes.trigger.end_of_call.summaryOn', { list: c.dispositions.join(', ') })
        : t('nodes.trigger.end_of_call.summaryAll'),
      c.maxConcurrentRuns,
    ),
  'trigger.campaign': (c) =>
    atOnce(
      c.campaignIds?.length
        ? t('nodes.trigger.campaign.summaryIds', { list: c.campaignIds.join(', ') })
        : t('nodes.trigger.campaign.summaryAll'),
      c.maxConcurrentRuns,
    ),
  'trigger.webhook': (c) => {
    const values = { methods: c.methods.join(' / '), name: c.auth?.name };
    if (!c.auth) return undefined;
    return t(
      c.auth.in === 'query' ? 'nodes.trigger.webhook.summaryQuery' : 'nodes.trigger.webhook.summaryHeader',
      values,
    );
  },
  batch: (c) => {
    const values = { size: c.size, concurrency: c.concurrency };
    const continues = c.onError === 'continue';
    if (c.concurrency > 1)
      return t(continues ? 'nodes.batch.summaryParallelContinue' : 'nodes.batch.summaryParallel', values);
    return t(continues ? 'nodes.batch.summaryContinue' : 'nodes.batch.summary', values);
  },
  respond: (c) => {
    if (c.body.type === 'redirect') return t('nodes.respond.summaryRedirect', { status: c.status });
    if (c.body.type === 'passthrough') return t('nodes.respond.summaryBytes', { status: c.status, node: c.body.node });
    return undefined;
  },
};

/**
 * A node card's one-line summary of a config its spec parsed ("answers within 3000 ms", "POST
 * crm.example.com/calls"): the words in the language in force, the rest (URLs, names) as the spec
 * writes them.
 */
export function nodeSummary(type: string, parsed: unknown): string {
  const spec = getNodeSpec(type);
  if (!spec) return '';
  const words = (SUMMARIES as Partial<Record<string, (c: unknown) => string | undefined>>)[type]?.(parsed);
  return words ?? spec.summary(parsed as never);
}

/**
 * @public What a trigger's caller sends, in one line (HowToCall's "Body:"); undefined for a type that is
 * not a trigger.
 */
export function triggerShape(type: string): string | undefined {
  const shape = getNodeSpec(type)?.trigger?.call.shape;
  return shape === undefined ? undefined : nodeText(type, 'shape', shape);
}
