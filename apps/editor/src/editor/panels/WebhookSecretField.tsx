/**
 * The webhook trigger's own secret, for callers that cannot hold an API key (RetailCRM sends its
 * clientId; an agent's browser sees the URL): where it is presented, and — for a saved flow — its
 * status, rotate (confirmed: the old secret stops working at once) and remove. The secret is shown
 * once, with a Copy button; the server keeps it sealed. Whether a secret is accepted, and where, is
 * part of the published version, so the panel says when the draft's setting waits for a publish.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { webhookTrigger, type ValidationIssue, type WebhookAuth } from '@callflow/flow';
import { api, errorText } from '../../api/client';
import type { WebhookSecretStatus } from '../../api/types';
import { useCan } from '../../api/session';
import { Button, Dialog, formatDateTime, toast } from '../../ui/components';
import { ConfirmDialog } from '../../ui/dialogs';
import { Checkbox, Field, Segmented, TextInput, useFieldId } from '../../ui/form';
import { CopyButton } from '../../ui/CopyButton';
import { Icon } from '../../ui/icons';
import { useFlowMeta } from '../store/flow-hooks';

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
  const [confirm, setConfirm] = useState<'rotate' | 'remove' | null>(null);
  const pending = usePendingPublish(flowId, auth);

  // The status depends on whether the trigger has auth at all, not on which name it uses.
  const hasAuth = !!auth;
  useEffect(() => {
    if (!flowId || !hasAuth) return;
    let live = true;
    api.flows.webhookSecret.status(flowId).then(
      (s) => live && setStatus(s),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
  }, [flowId, hasAuth]);

  const rotate = async () => {
    if (!flowId) return;
    setConfirm(null);
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

  const remove = async () => {
    if (!flowId) return;
    setConfirm(null);
    setBusy(true);
    try {
      await api.flows.webhookSecret.remove(flowId);
      setStatus({ set: false });
      toast('Secret removed: callers now need an API key', 'success');
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
      {pending && (
        <p className="callout callout-warning small" data-testid="webhook-auth-pending">
          <Icon name="alert" size={14} />
          <span>{pending}</span>
        </p>
      )}
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
                    onClick={() => (status?.set ? setConfirm('rotate') : void rotate())}
                    data-testid="webhook-secret-rotate"
                  >
                    {status?.set ? 'Rotate secret' : 'Set secret'}
                  </Button>
                  {status?.set && (
                    <Button
                      size="sm"
                      variant="ghost"
                      icon="trash"
                      disabled={busy}
                      onClick={() => setConfirm('remove')}
                      data-testid="webhook-secret-remove"
                    >
                      Remove
                    </Button>
                  )}
                </span>
              )}
            </div>
          )}
        </div>
      )}
      {shown && <SecretOnce secret={shown} onClose={() => setShown(null)} />}
      {confirm === 'rotate' && (
        <ConfirmDialog
          title="Rotate the webhook secret?"
          action="Rotate now"
          testId="webhook-secret-rotate-dialog"
          actionTestId="webhook-secret-rotate-dialog-confirm"
          width={520}
          onClose={() => setConfirm(null)}
          onConfirm={rotate}
        >
          <p>
            A new secret is made and shown once. <b>The current secret stops working now</b>: callers still sending it
            are refused (401) until they are given the new one.
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'remove' && (
        <ConfirmDialog
          title="Remove the webhook secret?"
          action="Remove secret"
          testId="webhook-secret-remove-dialog"
          actionTestId="webhook-secret-remove-dialog-confirm"
          width={520}
          onClose={() => setConfirm(null)}
          onConfirm={remove}
        >
          <p>
            <b>The secret stops working now</b>: callers sending it are refused (401) and need an API key, or a new
            secret set here.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

const authText = (a: WebhookAuth | undefined) => {
  if (!a) return 'no secret';
  return a.in === 'query' ? `?${a.name}=` : `the ${a.name} header`;
};

/**
 * Why the draft's secret setting is not what callers get yet (it applies when published), or null.
 * The published version's trigger is read once per published version.
 */
function usePendingPublish(flowId: string | undefined, auth: WebhookAuth | undefined): ReactNode {
  const published = useFlowMeta((m) => m?.publishedVersion ?? null);
  const [live, setLive] = useState<{ version: number; auth: WebhookAuth | undefined } | null>(null);
  useEffect(() => {
    if (!flowId || !published) return setLive(null);
    let on = true;
    api.flows.version(flowId, published).then(
      (v) => {
        const trigger = v.definition?.nodes.find((n) => n.type === webhookTrigger.type);
        const config = trigger?.config as { auth?: WebhookAuth } | undefined;
        if (on) setLive({ version: published, auth: config?.auth });
      },
      () => on && setLive(null),
    );
    return () => {
      on = false;
    };
  }, [flowId, published]);
  if (!flowId) return null;
  if (!published) return auth ? 'Publish to apply: the flow is not published yet, so its hook answers nobody.' : null;
  if (!live || live.version !== published) return null;
  if (authText(live.auth) === authText(auth)) return null;
  const now = live.auth ? `accepts the secret as ${authText(live.auth)}` : 'accepts no secret (API keys only)';
  return (
    <>
      <b>Publish to apply.</b> Callers get the published version (v{live.version}), which {now}; this draft's setting
      applies once it is published.
    </>
  );
}

function SecretOnce({ secret, onClose }: { secret: string; onClose(): void }) {
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
          <b>Copy it now: you won't see it again.</b> The previous secret no longer works. Give it to the caller (e.g.
          register it as RetailCRM's clientId).
        </span>
      </p>
      <div className="secret-once">
        <code className="mono" data-testid="webhook-secret-value">
          {secret}
        </code>
        <CopyButton text={secret} what="secret" testId="webhook-secret-copy" />
      </div>
    </Dialog>
  );
}
