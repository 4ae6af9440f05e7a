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
import { t, tRich } from '../../i18n/i18n';

/** The name a new secret setting starts with (RetailCRM's parameter): code, the same in every language. */
const DEFAULT_NAME = 'clientId';
const b = (s: string) => <b>{s}</b>;

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
      toast(t('panels.secret.removed'), 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Checkbox
        label={t('panels.secret.accept')}
        checked={!!auth}
        disabled={readOnly}
        onChange={(on) => onChange(on ? { in: 'query', name: DEFAULT_NAME } : undefined)}
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
          <Field label={t('panels.secret.sentIn')}>
            <Segmented
              value={auth.in}
              onChange={(v) => onChange({ ...auth, in: v })}
              options={[
                { value: 'query', label: t('panels.secret.query') },
                { value: 'header', label: t('panels.headers.name') },
              ]}
              disabled={readOnly}
              ariaLabel={t('panels.secret.sentInAria')}
            />
          </Field>
          <Field label={t('panels.row.name')} htmlFor={nid} issues={issues}>
            <TextInput
              id={nid}
              value={auth.name}
              onChange={(v) => onChange({ ...auth, name: v })}
              placeholder={DEFAULT_NAME}
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
            <p className="field-hint">{t('panels.secret.saveFirst')}</p>
          ) : (
            <div className="row-between">
              <span className="field-hint" data-testid="webhook-secret-status">
                {status?.set ? (
                  <>
                    <Icon name="key" size={13} />{' '}
                    {tRich(
                      'panels.secret.isSet',
                      { code: (s) => <code>{s}</code> },
                      { fingerprint: status.fingerprint, at: formatDateTime(status.createdAt ?? null) },
                    )}
                  </>
                ) : (
                  t('panels.secret.none')
                )}
              </span>
              {can('api_keys.manage') && !readOnly && (
                <span className="check-row">
                  <TextInput
                    value={own}
                    onChange={setOwn}
                    placeholder={t('panels.secret.own')}
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
                    {status?.set ? t('panels.secret.rotate') : t('panels.secret.set')}
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
                      {t('common.remove')}
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
          title={t('panels.secret.rotateTitle')}
          action={t('panels.secret.rotateNow')}
          testId="webhook-secret-rotate-dialog"
          actionTestId="webhook-secret-rotate-dialog-confirm"
          width={520}
          onClose={() => setConfirm(null)}
          onConfirm={rotate}
        >
          <p>{tRich('panels.secret.rotateBody', { b })}</p>
        </ConfirmDialog>
      )}
      {confirm === 'remove' && (
        <ConfirmDialog
          title={t('panels.secret.removeTitle')}
          action={t('panels.secret.removeAction')}
          testId="webhook-secret-remove-dialog"
          actionTestId="webhook-secret-remove-dialog-confirm"
          width={520}
          onClose={() => setConfirm(null)}
          onConfirm={remove}
        >
          <p>{tRich('panels.secret.removeBody', { b })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Where a setting takes the secret ('' for none): two settings with the same key behave the same. */
const authKey = (a: WebhookAuth | undefined) => (a ? `${a.in}:${a.name}` : '');

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
  if (!published) return auth ? t('panels.secret.unpublished') : null;
  if (!live || live.version !== published) return null;
  if (authKey(live.auth) === authKey(auth)) return null;
  const values = { version: live.version, name: live.auth?.name };
  if (!live.auth) return tRich('panels.secret.pendingNone', { b }, values);
  return tRich(live.auth.in === 'query' ? 'panels.secret.pendingQuery' : 'panels.secret.pendingHeader', { b }, values);
}

function SecretOnce({ secret, onClose }: { secret: string; onClose(): void }) {
  return (
    <Dialog
      title={t('panels.secret.onceTitle')}
      onClose={onClose}
      width={560}
      testId="webhook-secret-once"
      footer={
        <Button variant="primary" onClick={onClose} data-testid="webhook-secret-done">
          {t('panels.secret.stored')}
        </Button>
      }
    >
      <p className="callout callout-warning" role="alert">
        <Icon name="alert" size={14} />
        <span>{tRich('panels.secret.onceBody', { b })}</span>
      </p>
      <div className="secret-once">
        <code className="mono" data-testid="webhook-secret-value">
          {secret}
        </code>
        <CopyButton text={secret} what={t('panels.secret.what')} testId="webhook-secret-copy" />
      </div>
    </Dialog>
  );
}
