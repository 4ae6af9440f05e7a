import { CAMPAIGN_EVENTS, campaignTrigger } from '@callflow/flow';
import { Field, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { MaxConcurrentRunsField } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Campaign trigger: one run per contact result the dialer pushes. */
function CampaignPanel({ config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof campaignTrigger.type>>) {
  const cid = useFieldId();
  const eid = useFieldId();
  return (
    <>
      <p className="panel-lead">
        Runs once per campaign contact event. The contact, campaign and call are available as tokens.
      </p>
      <Field
        label="Campaign ids"
        htmlFor={cid}
        issues={issues('campaignIds')}
        hint="Comma separated; empty for every campaign."
      >
        <ListInput
          id={cid}
          value={config.campaignIds}
          onChange={(v) => patch({ campaignIds: v }, 'campaignIds')}
          placeholder="Any campaign"
          readOnly={readOnly}
        />
      </Field>
      <Field label="Events" htmlFor={eid} issues={issues('events')} hint={`Empty for ${CAMPAIGN_EVENTS.join(', ')}.`}>
        <ListInput
          id={eid}
          value={config.events}
          onChange={(v) => patch({ events: v }, 'events')}
          placeholder={CAMPAIGN_EVENTS.join(', ')}
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

export const campaignPanel = definePanel(campaignTrigger, { icon: 'megaphone', Panel: CampaignPanel });
