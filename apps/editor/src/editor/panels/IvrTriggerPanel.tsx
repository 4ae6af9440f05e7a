import { ivrTrigger } from '@callflow/flow';
import { useMemo } from 'react';
import { Field, NumberInput, useFieldId } from '../../ui/form';
import { JsonField } from '../../ui/list-json-inputs';
import { formatMs } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { useFlowEdges, useFlowNodes, useSelectNode } from '../store/flow-hooks';
import { timingBudget } from '../timing';
import { t, tRich } from '../../i18n/i18n';
import { Section } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** IVR trigger: the deadline the IVR waits, the fallback answer, and the timing budget of the flow. */
function IvrTriggerPanel({ config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof ivrTrigger.type>>) {
  const did = useFieldId();
  const fid = useFieldId();
  return (
    <>
      <Field
        label={t('panels.trigger.deadline')}
        htmlFor={did}
        issues={issues('deadlineMs')}
        hint={t('panels.ivr.deadlineHint')}
      >
        <NumberInput
          id={did}
          value={config.deadlineMs}
          onChange={(v) => patch({ deadlineMs: v }, 'deadlineMs')}
          placeholder="3000"
          min={50}
          max={30000}
          suffix={t('panels.unit.ms')}
          readOnly={readOnly}
          testId="ivr-deadline"
        />
      </Field>
      <Field
        label={t('panels.ivr.fallback')}
        htmlFor={fid}
        issues={issues('fallback')}
        hint={t('panels.ivr.fallbackHint', { example: '{"queue": "default"}' })}
      >
        <JsonField
          id={fid}
          value={config.fallback ?? {}}
          onChange={(v) => patch({ fallback: v as Record<string, unknown> }, 'fallback')}
          rows={4}
          readOnly={readOnly}
          testId="ivr-fallback"
        />
      </Field>
      <TimingCard />
    </>
  );
}

/** Worst case until the first respond node answers, against the deadline. */
export function TimingCard() {
  const nodes = useFlowNodes();
  const edges = useFlowEdges();
  const budget = useMemo(() => timingBudget(nodes, edges), [nodes, edges]);
  const selectNode = useSelectNode();
  if (!budget) return null;
  const over = budget.worstMs !== null && budget.worstMs > budget.deadlineMs;
  return (
    <Section title={t('panels.timing.title')} testId="timing-budget">
      {budget.worstMs === null ? (
        <p className="callout callout-warning">
          <Icon name="alert" size={14} /> {t('panels.timing.noRespond')}
        </p>
      ) : (
        <>
          <div className={`budget-bar${over ? ' over' : ''}`} aria-hidden="true">
            <div style={{ width: `${Math.min(100, (budget.worstMs / Math.max(budget.deadlineMs, 1)) * 100)}%` }} />
          </div>
          <p className={`callout ${over ? 'callout-warning' : 'callout-ok'}`}>
            <Icon name={over ? 'alert' : 'check'} size={14} />
            <span>
              {tRich(
                over ? 'panels.timing.worstOver' : 'panels.timing.worst',
                { b: (s) => <b>{s}</b> },
                { worst: formatMs(budget.worstMs), deadline: formatMs(budget.deadlineMs) },
              )}
            </span>
          </p>
          {budget.path.length > 0 && (
            <ul className="budget-path">
              {budget.path.map((s) => (
                <li key={s.nodeId}>
                  <button type="button" className="link" onClick={() => selectNode(s.nodeId)}>
                    {s.name}
                  </button>
                  <span className="muted">{s.detail}</span>
                  <b>{formatMs(s.ms)}</b>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}

export const ivrPanel = definePanel(ivrTrigger, { icon: 'phone', Panel: IvrTriggerPanel });
