import { CALL_DIRECTIONS, CALL_DISPOSITIONS, endOfCallTrigger } from '@callflow/flow';
import { Checkbox, Field, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { MaxConcurrentRunsField } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

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
      <p className="panel-lead">
        Runs once per ended call (event <code>call.ended</code>). Leave a filter empty to accept every value.
      </p>
      <Field label="Directions" issues={issues('directions')}>
        <div className="check-row">
          {CALL_DIRECTIONS.map((d) => (
            <Checkbox
              key={d}
              label={d === 'in' ? 'Inbound' : 'Outbound'}
              checked={!!config.directions?.includes(d)}
              disabled={readOnly}
              onChange={(on) => patch({ directions: toggle(config.directions, d, on) })}
            />
          ))}
        </div>
      </Field>
      <Field label="Dispositions" issues={issues('dispositions')}>
        <div className="check-grid">
          {CALL_DISPOSITIONS.map((d) => (
            <Checkbox
              key={d}
              label={d.replace('_', ' ')}
              checked={!!config.dispositions?.includes(d)}
              disabled={readOnly}
              onChange={(on) => patch({ dispositions: toggle(config.dispositions, d, on) })}
            />
          ))}
        </div>
        {custom.length > 0 && <p className="field-hint">Also: {custom.join(', ')}</p>}
      </Field>
      <Field label="Campaign ids" htmlFor={cid} issues={issues('campaignIds')} hint="Comma separated.">
        <ListInput
          id={cid}
          value={config.campaignIds}
          onChange={(v) => patch({ campaignIds: v }, 'campaignIds')}
          placeholder="Any campaign"
          readOnly={readOnly}
        />
      </Field>
      <Field label="Queues" htmlFor={qid} issues={issues('queues')} hint="Comma separated.">
        <ListInput
          id={qid}
          value={config.queues}
          onChange={(v) => patch({ queues: v }, 'queues')}
          placeholder="Any queue"
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
