/**
 * The webhook trigger's own secret, for callers that cannot hold an API key (RetailCRM sends its
 * clientId; an agent's browser sees the URL): where it is presented, and — for a saved flow — its
 * status and a rotate button. The secret is shown once; the server keeps it sealed.
 */
import { useEffect, useState } from 'react';
import type { ValidationIssue, WebhookAuth } from '@callflow/flow';
import { api, errorText } from '../../api/client';
import type { WebhookSecretStatus } from '../../api/types';
import { useCan } from '../../auth/session';
import { Button, Dialog, formatDateTime, toast } from '../../ui/components';
import { Checkbox, Field, Segmented, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';

export function WebhookSecretField(props: {
  flowId?: string;
  auth?: WebhookAuth;
  onChange(a: WebhookAuth | undefined): void;
  issues: ValidationIssue[];
  readOnly: boolean;
}) {
  const { flowId, auth, onChange, issues, readOnly } = props;
  const nid = useFieldId();
  const can = useCan();
  const [status, setStatus] = useState<WebhookSecretStatus | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [own, setOwn] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!flowId || !auth) return;
    let live = true;
    api.flows.webhookSecret.status(flowId).then((s) => live && setStatus(s), () => live && setStatus(null));
    return () => {
      live = false;
    };
  }, [flowId, !!auth]);

  const rotate = async () => {
    if (!flowId) return;
    setBusy(true);
    try {
      const r = await api.flows.webhookSecret.rotate(flowId, own.trim() || undefined);
      setShown(r.secret);
      setOwn('');
      setStatus({ set: true, fingerprint: r.fingerprint, createdAt: r.createdAt });
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Checkbox
        label="Also accept this flow's own secret (for callers that cannot hold an API key, e.g. RetailCRM's clientId)"
        checked={!!auth}
        disabled={readOnly}
        onChange={(on) => onChange(on ? { in: 'query', name: 'clientId' } : undefined)}
        testId="webhook-auth"
      />
      {auth && (
        <div className="grid-2">
          <Field label="Sent in">
            <Segmented
              value={auth.in}
              onChange={(v) => onChange({ ...auth, in: v })}
              options={[
                { value: 'query', label: 'Query parameter' },
                { value: 'header', label: 'Header' },
              ]}
              disabled={readOnly}
              ariaLabel="Secret sent in"
            />
          </Field>
          <Field label="Name" htmlFor={nid} issues={issues}>
            <TextInput
              id={nid}
              value={auth.name}
              onChange={(v) => onChange({ ...auth, name: v })}
              placeholder="clientId"
              readOnly={readOnly}
              mono
              testId="webhook-auth-name"
            />
          </Field>
        </div>
      )}
      {auth && (
        <div className="field" data-testid="webhook-secret">
          {!flowId ? (
            <p className="field-hint">Save the flow to set its secret.</p>
          ) : (
            <div className="row-between">
              <span className="field-hint" data-testid="webhook-secret-status">
                {status?.set ? (
                  <>
                    <Icon name="key" size={13} /> A secret is set (fingerprint <code>{status.fingerprint}</code>,{' '}
                    {formatDateTime(status.createdAt ?? null)}).
                  </>
                ) : (
                  'No secret yet: callers without an API key are refused.'
                )}
              </span>
              {can('api_keys.manage') && !readOnly && (
                <span className="check-row">
                  <TextInput
                    value={own}
                    onChange={setOwn}
                    placeholder="own value (optional)"
                    mono
                    testId="webhook-secret-own"
                  />
                  <Button
                    size="sm"
                    icon="refresh"
                    busy={busy}
                    onClick={() => void rotate()}
                    data-testid="webhook-secret-rotate"
                  >
                    {status?.set ? 'Rotate secret' : 'Set secret'}
                  </Button>
                </span>
              )}
            </div>
          )}
        </div>
      )}
      {shown && <SecretOnce secret={shown} onClose={() => setShown(null)} />}
    </>
  );
}

function SecretOnce({ secret, onClose }: { secret: string; onClose(): void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast('Secret copied to the clipboard', 'success');
    } catch {
      toast('The browser refused the clipboard: select the secret and copy it by hand', 'error');
    }
  };
  return (
    <Dialog
      title="The flow's webhook secret"
      onClose={onClose}
      width={560}
      testId="webhook-secret-once"
      footer={
        <Button variant="primary" onClick={onClose} data-testid="webhook-secret-done">
          I have stored it
        </Button>
      }
    >
      <p className="callout callout-warning" role="alert">
        <Icon name="alert" size={14} />
        <span>
          <b>Copy it now: you won't see it again.</b> The previous secret no longer works. Give it to the caller
          (e.g. register it as RetailCRM's clientId).
        </span>
      </p>
      <div className="secret-once">
        <code className="mono" data-testid="webhook-secret-value">
          {secret}
        </code>
        <Button variant="primary" icon="copy" onClick={() => void copy()}>
          Copy
        </Button>
      </div>
    </Dialog>
  );
}
