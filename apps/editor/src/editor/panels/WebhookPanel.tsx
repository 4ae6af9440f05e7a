import { Checkbox, Field, NumberInput, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { CopyButton } from '../../ui/CopyButton';
import { useFlowMeta } from '../store/flow-hooks';
import { webhookTrigger } from '@callflow/flow';
import { t } from '../../i18n/i18n';
import { TimingCard } from './IvrTriggerPanel';
import { WebhookSecretField } from './WebhookSecretField';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Webhook trigger (BRIX365 / XiVO style): methods, CORS origins, answer deadline. */
function WebhookPanel({ config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof webhookTrigger.type>>) {
  const oid = useFieldId();
  const did = useFieldId();
  const key = useFlowMeta((m) => m?.key);
  const flowId = useFlowMeta((m) => m?.id);
  const methods = config.methods ?? ['POST'];
  const auth = config.auth;
  const base = `${location.origin}/api/v1/hooks/${key ?? '<flow-key>'}`;
  const url = auth?.in === 'query' && auth.name ? `${base}?${auth.name}=<secret>` : base;
  const how = !auth
    ? t('panels.webhook.authKeyOnly')
    : auth.in === 'query'
      ? t('panels.webhook.authQuery', { name: auth.name })
      : t('panels.webhook.authHeader', { name: auth.name });
  return (
    <>
      <Field label={t('panels.webhook.endpoint')} hint={how}>
        <div className="check-row" style={{ gap: 8, flexWrap: 'nowrap', alignItems: 'center' }}>
          <code className="code-line grow" data-testid="webhook-url">
            {url}
          </code>
          <CopyButton text={url} what={t('panels.webhook.endpointWhat')} testId="webhook-url-copy" size="sm" />
        </div>
      </Field>
      <WebhookSecretField
        flowId={flowId}
        auth={auth}
        onChange={(a) => patch({ auth: a }, 'auth')}
        issues={issues('auth.name')}
        readOnly={readOnly}
      />
      <Field label={t('panels.webhook.methods')} issues={issues('methods')}>
        <div className="check-row">
          {(['GET', 'POST'] as const).map((m) => (
            <Checkbox
              key={m}
              label={m}
              checked={methods.includes(m)}
              disabled={readOnly}
              onChange={(on) =>
                patch({ methods: on ? [...methods.filter((x) => x !== m), m] : methods.filter((x) => x !== m) })
              }
            />
          ))}
        </div>
      </Field>
      <Field
        label={t('panels.webhook.origins')}
        htmlFor={oid}
        issues={issues('allowedOrigins')}
        hint={t('panels.webhook.originsHint')}
      >
        <ListInput
          id={oid}
          value={config.allowedOrigins}
          onChange={(v) => patch({ allowedOrigins: v }, 'allowedOrigins')}
          placeholder="https://agent.example.com"
          readOnly={readOnly}
        />
      </Field>
      <Field label={t('panels.trigger.deadline')} htmlFor={did} issues={issues('deadlineMs')}>
        <NumberInput
          id={did}
          value={config.deadlineMs}
          onChange={(v) => patch({ deadlineMs: v }, 'deadlineMs')}
          placeholder="10000"
          min={50}
          max={30000}
          suffix={t('panels.unit.ms')}
          readOnly={readOnly}
        />
      </Field>
      <TimingCard />
    </>
  );
}

export const webhookPanel = definePanel(webhookTrigger, { icon: 'webhook', Panel: WebhookPanel });
