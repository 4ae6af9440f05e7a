/**
 * Trigger labels and icons for screens outside the editor (flows list, new-flow dialog), so they
 * do not load the flow definition library; the editor itself reads them from libs/flow specs.
 */
import type { TriggerType } from '@callflow/flow';
import type { IconName } from './icons';

type TriggerInfo = { label: string; icon: IconName; description: string };

/** Keyed by TriggerType (a type-only import: nothing of the library is bundled), so a new trigger needs its entry. */
const BY_TYPE: Readonly<Record<TriggerType, TriggerInfo>> = {
  'trigger.ivr': { label: 'IVR', icon: 'phone', description: 'An IVR calls mid-call and waits for the answer.' },
  'trigger.end_of_call': { label: 'End of call', icon: 'phoneOff', description: 'Runs when a call ends.' },
  'trigger.campaign': { label: 'Campaign', icon: 'megaphone', description: 'Runs once per campaign contact event.' },
  'trigger.webhook': {
    label: 'Webhook',
    icon: 'webhook',
    description: 'An inbound HTTP request, answered by the flow.',
  },
};

export const TRIGGERS: Readonly<Record<string, TriggerInfo>> = BY_TYPE;

/**
 * By the type's prefix, not libs/flow's isTriggerType: the flows list is in the main chunk, which
 * must not load the node specs (apps/editor/e2e/bundle-size.e2e-spec.ts).
 */
export function isTrigger(type: string | undefined): boolean {
  return !!type && type.startsWith('trigger.');
}
