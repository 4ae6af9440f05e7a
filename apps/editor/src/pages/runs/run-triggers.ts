/** What started a run, in words (the runs list's filter and column, a run's page). */
import type { ExecutionTrigger } from '../../api/types';
import { t, type MessageId } from '../../i18n/i18n';

export const RUN_TRIGGERS: { value: ExecutionTrigger; label: MessageId }[] = [
  { value: 'ivr', label: 'runs.trigger.ivr' },
  { value: 'event', label: 'runs.trigger.event' },
  { value: 'webhook', label: 'runs.trigger.webhook' },
  { value: 'test', label: 'runs.trigger.test' },
  { value: 'retry', label: 'runs.trigger.retry' },
];

/** A run's trigger in words (one the editor does not know as the server names it). */
export function triggerText(type: string): string {
  const known = RUN_TRIGGERS.find((x) => x.value === type);
  return known ? t(known.label) : type;
}
