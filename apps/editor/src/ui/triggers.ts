/**
 * Trigger labels and icons for screens outside the editor (flows list, new-flow dialog), so they
 * do not load the flow definition library; the editor itself reads them from libs/flow specs.
 */
import type { TriggerType } from '@callflow/flow';
import { t, type MessageId } from '../i18n/i18n';
import type { IconName } from './icons';

type TriggerInfo = { readonly label: string; readonly icon: IconName; readonly description: string };

/** A trigger's entry: `label` and `description` are read in the language in force each time. */
function info(icon: IconName, label: MessageId, description: MessageId): TriggerInfo {
  return {
    icon,
    get label() {
      return t(label);
    },
    get description() {
      return t(description);
    },
  };
}

/** Keyed by TriggerType (a type-only import: nothing of the library is bundled), so a new trigger needs its entry. */
const BY_TYPE: Readonly<Record<TriggerType, TriggerInfo>> = {
  'trigger.ivr': info('phone', 'shell.trigger.ivr', 'shell.trigger.ivr.description'),
  'trigger.end_of_call': info('phoneOff', 'shell.trigger.endOfCall', 'shell.trigger.endOfCall.description'),
  'trigger.campaign': info('megaphone', 'shell.trigger.campaign', 'shell.trigger.campaign.description'),
  'trigger.webhook': info('webhook', 'shell.trigger.webhook', 'shell.trigger.webhook.description'),
};

export const TRIGGERS: Readonly<Record<string, TriggerInfo>> = BY_TYPE;

/**
 * By the type's prefix, not libs/flow's isTriggerType: the flows list is in the main chunk, which
 * must not load the node specs (apps/editor/e2e/bundle-size.e2e-spec.ts).
 */
export function isTrigger(type: string | undefined): boolean {
  return !!type && type.startsWith('trigger.');
}
