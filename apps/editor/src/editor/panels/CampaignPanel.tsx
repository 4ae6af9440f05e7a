import { CAMPAIGN_EVENTS, campaignTrigger } from '@callflow/flow';
import { Field, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { t } from '../../i18n/i18n';
import { MaxConcurrentRunsField } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Campaign trigger: one run per contact result the dialer pushes. */
function CampaignPanel({ config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof campaignTrigger.type>>) {
  const cid = useFieldId();
  const eid = useFieldId();
  return (
    <>
      <p className="panel-lead">{t('panels.campaign.lead')}</p>
      <Field
        label={t('panels.campaignIds.label')}
        htmlFor={cid}
        issues={issues('campaignIds')}
        hint={t('panels.campaign.idsHint')}
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
        label={t('panels.campaign.events')}
        htmlFor={eid}
        issues={issues('events')}
        hint={t('panels.campaign.eventsHint', { events: CAMPAIGN_EVENTS.join(', ') })}
      >
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
