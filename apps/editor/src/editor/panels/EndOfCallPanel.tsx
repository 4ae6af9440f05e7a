import { CALL_DIRECTIONS, CALL_DISPOSITIONS, endOfCallTrigger } from '@callflow/flow';
import { Checkbox, Field, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { t, tRich, type MessageId } from '../../i18n/i18n';
import { MaxConcurrentRunsField } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

const DISPOSITIONS: Record<(typeof CALL_DISPOSITIONS)[number], MessageId> = {
  answered: 'panels.endOfCall.disposition.answered',
  no_answer: 'panels.endOfCall.disposition.no_answer',
  busy: 'panels.endOfCall.disposition.busy',
  failed: 'panels.endOfCall.disposition.failed',
  cancelled: 'panels.endOfCall.disposition.cancelled',
  voicemail: 'panels.endOfCall.disposition.voicemail',
  abandoned: 'panels.endOfCall.disposition.abandoned',
};

function toggle<T>(list: readonly T[] | undefined, v: T, on: boolean): T[] | undefined {
  const next = on ? [...(list ?? []), v] : (list ?? []).filter((x) => x !== v);
  return next.length ? next : undefined;
}

/** End of call: which ended calls start a run (empty filters = every call). */
function EndOfCallPanel({ config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof endOfCallTrigger.type>>) {
  const cid = useFieldId();
  const qid = useFieldId();
  const custom = (config.dispositions ?? []).filter((d) => !(CALL_DISPOSITIONS as readonly string[]).includes(d));
  return (
    <>
      <p className="panel-lead">{tRich('panels.endOfCall.lead', { code: (s) => <code>{s}</code> })}</p>
      <Field label={t('panels.endOfCall.directions')} issues={issues('directions')}>
        <div className="check-row">
          {CALL_DIRECTIONS.map((d) => (
            <Checkbox
              key={d}
              label={d === 'in' ? t('panels.endOfCall.inbound') : t('panels.endOfCall.outbound')}
              checked={!!config.directions?.includes(d)}
              disabled={readOnly}
              onChange={(on) => patch({ directions: toggle(config.directions, d, on) })}
            />
          ))}
        </div>
      </Field>
      <Field label={t('panels.endOfCall.dispositions')} issues={issues('dispositions')}>
        <div className="check-grid">
          {CALL_DISPOSITIONS.map((d) => (
            <Checkbox
              key={d}
              label={t(DISPOSITIONS[d])}
              checked={!!config.dispositions?.includes(d)}
              disabled={readOnly}
              onChange={(on) => patch({ dispositions: toggle(config.dispositions, d, on) })}
            />
          ))}
        </div>
        {custom.length > 0 && <p className="field-hint">{t('panels.endOfCall.also', { list: custom.join(', ') })}</p>}
      </Field>
      <Field
        label={t('panels.campaignIds.label')}
        htmlFor={cid}
        issues={issues('campaignIds')}
        hint={t('panels.list.commaSeparated')}
      >
        <ListInput
          id={cid}
          value={config.campaignIds}
          onChange={(v) => patch({ campaignIds: v }, 'campaignIds')}
          placeholder={t('panels.campaignIds.any')}
          readOnly={readOnly}
        />
      </Field>
      <Field
        label={t('panels.endOfCall.queues')}
        htmlFor={qid}
        issues={issues('queues')}
        hint={t('panels.list.commaSeparated')}
      >
        <ListInput
          id={qid}
          value={config.queues}
          onChange={(v) => patch({ queues: v }, 'queues')}
          placeholder={t('panels.endOfCall.anyQueue')}
          readOnly={readOnly}
        />
      </Field>
      <MaxConcurrentRunsField
        value={config.maxConcurrentRuns}
        onChange={(v) => patch({ maxConcurrentRuns: v }, 'maxConcurrentRuns')}
        issues={issues('maxConcurrentRuns')}
        readOnly={readOnly}
      />
    </>
  );
}

export const endOfCallPanel = definePanel(endOfCallTrigger, { icon: 'phoneOff', Panel: EndOfCallPanel });
