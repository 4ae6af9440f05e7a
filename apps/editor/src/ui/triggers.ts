/**
 * Trigger labels and icons for screens outside the editor (flows list, new-flow dialog), so they
 * do not load the flow definition library; the editor itself reads them from libs/flow specs.
 */
import type { IconName } from './icons';

export const TRIGGERS: Readonly<Record<string, { label: string; icon: IconName; description: string }>> = {
  'trigger.ivr': { label: 'IVR', icon: 'phone', description: 'An IVR calls mid-call and waits for the answer.' },
  'trigger.end_of_call': { label: 'End of call', icon: 'phoneOff', description: 'Runs when a call ends.' },
  'trigger.campaign': { label: 'Campaign', icon: 'megaphone', description: 'Runs once per campaign contact event.' },
  'trigger.webhook': {
    label: 'Webhook',
    icon: 'webhook',
    description: 'An inbound HTTP request, answered by the flow.',
  },
};

export function isTrigger(type: string | undefined): boolean {
  return !!type && type.startsWith('trigger.');
}
