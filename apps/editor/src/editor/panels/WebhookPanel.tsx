import { Checkbox, Field, NumberInput, useFieldId } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { CopyButton } from '../../ui/CopyButton';
import { useFlowMeta } from '../store/flow-hooks';
import { webhookTrigger } from '@callflow/flow';
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
  const where = auth?.in === 'query' ? `as ?${auth.name}=` : `in the ${auth?.name} header`;
  const keyOnly = 'an API key: Authorization: Bearer <key>, X-Api-Key or ?token=';
  const how = auth ? `an API key, or this flow's secret ${where}` : keyOnly;
  return (
    <>
      <Field label="Endpoint" hint={`Authenticate with ${how}. The respond node shapes the answer.`}>
        <div className="check-row" style={{ gap: 8, flexWrap: 'nowrap', alignItems: 'center' }}>
          <code className="code-line grow" data-testid="webhook-url">
            {url}
          </code>
          <CopyButton text={url} what="endpoint URL" testId="webhook-url-copy" size="sm" />
        </div>
      </Field>
      <WebhookSecretField
        flowId={flowId}
        auth={auth}
        onChange={(a) => patch({ auth: a }, 'auth')}
        issues={issues('auth.name')}
        readOnly={readOnly}
      />
      <Field label="Methods" issues={issues('methods')}>
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
        label="Allowed origins (CORS)"
        htmlFor={oid}
        issues={issues('allowedOrigins')}
        hint={
          'Browser apps (e.g. an agent UI on ringing) allowed to call this hook; preflight is answered.' +
          ' Comma separated.'
        }
      >
        <ListInput
          id={oid}
          value={config.allowedOrigins}
          onChange={(v) => patch({ allowedOrigins: v }, 'allowedOrigins')}
          placeholder="https://agent.example.com"
          readOnly={readOnly}
        />
      </Field>
      <Field label="Deadline" htmlFor={did} issues={issues('deadlineMs')}>
        <NumberInput
          id={did}
          value={config.deadlineMs}
          onChange={(v) => patch({ deadlineMs: v }, 'deadlineMs')}
          placeholder="10000"
          min={50}
          max={30000}
          suffix="ms"
          readOnly={readOnly}
        />
      </Field>
      <TimingCard />
    </>
  );
}

export const webhookPanel = definePanel(webhookTrigger, { icon: 'webhook', Panel: WebhookPanel });
