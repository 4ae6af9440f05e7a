/**
 * API keys for the machine-facing endpoints (IVR, events, webhooks): create one (shown ONCE, with
 * Copy), list them with prefix, scopes, flow allow-list, created and last used; revoke.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { ApiKey } from '../../api/access-types';
import { useCan } from '../../api/session';
import { Badge, Button, Dialog, Empty, formatDateTime, Spinner, timeAgo, toast } from '../../ui/components';
import { isForbidden, LoadError } from '../../ui/access';
import { ConfirmDialog, FormDialog } from '../../ui/dialogs';
import { Checkbox } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { FlowKeysPicker } from './FlowKeysPicker';
import { t, tRich, type MessageId } from '../../i18n/i18n';

/** Scopes a key may carry (the server's API_KEY_SCOPES), each with what it allows. */
const SCOPES: { name: string; description: MessageId }[] = [
  { name: 'triggers.invoke', description: 'settings.apiKeys.scope.triggersInvoke' },
];

type State = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; items: ApiKey[] };

export function ApiKeysPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const can = useCan();
  // Refused (the permission went since GET /me): no button that would be refused too.
  const mayCreate = can('api_keys.manage') && !(state.status === 'error' && isForbidden(state.error));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const load = useCallback(async () => {
    try {
      setState({ status: 'ok', items: itemsOf(await api.apiKeys.list()) });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (k: ApiKey) => {
    try {
      await api.apiKeys.revoke(k.id);
      toast(t('settings.apiKeys.revoked', { name: k.name }), 'success');
      setRevoking(null);
      void load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  return (
    <div className="page" data-testid="api-keys-page">
      <header className="page-head">
        <div>
          <h1>{t('settings.apiKeys.title')}</h1>
          <p className="muted">{t('settings.apiKeys.intro')}</p>
        </div>
        <div className="grow" />
        {mayCreate && (
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-api-key">
            {t('settings.apiKeys.new')}
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('settings.apiKeys.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.apiKeys')}
            permission="api_keys.manage"
          />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="key" title={t('settings.apiKeys.empty')}>
            <p className="muted">{t('settings.apiKeys.empty.body')}</p>
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="api-keys-table">
              <thead>
                <tr>
                  <th>{t('common.name')}</th>
                  <th>{t('settings.apiKeys.col.key')}</th>
                  <th>{t('settings.apiKeys.col.scopes')}</th>
                  <th>{t('settings.apiKeys.col.flows')}</th>
                  <th>{t('common.created')}</th>
                  <th>{t('settings.apiKeys.col.lastUsed')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {state.items.map((k) => (
                  <tr key={k.id} data-testid={`api-key-${k.name}`}>
                    <td className="row-title">
                      {k.name}{' '}
                      {k.suspended && (
                        <Badge tone="warning" title={t('settings.apiKeys.suspended.title')} testId="key-suspended">
                          {t('settings.apiKeys.suspended')}
                        </Badge>
                      )}
                    </td>
                    <td className="mono small">{k.keyPrefix}…</td>
                    <td>
                      <div className="chips">
                        {k.scopes.map((s) => (
                          <Badge key={s}>{s}</Badge>
                        ))}
                      </div>
                    </td>
                    <td>
                      <div className="chips">
                        {k.flowKeys?.length ? (
                          k.flowKeys.map((f) => (
                            <span key={f} className="type-tag mono">
                              {f}
                            </span>
                          ))
                        ) : (
                          <span className="muted small">{t('settings.apiKeys.allFlows')}</span>
                        )}
                      </div>
                    </td>
                    <td className="muted small" title={formatDateTime(k.createdAt)}>
                      {timeAgo(k.createdAt)}
                    </td>
                    <td className="muted small" title={formatDateTime(k.lastUsedAt)}>
                      {k.lastUsedAt ? timeAgo(k.lastUsedAt) : t('settings.apiKeys.never')}
                    </td>
                    <td className="row-actions">
                      <Button
                        size="sm"
                        variant="ghost"
                        icon="trash"
                        onClick={() => setRevoking(k)}
                        data-testid={`revoke-${k.name}`}
                      >
                        {t('settings.apiKeys.revoke')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(k) => (setCreating(false), setCreated(k), void load())}
        />
      )}
      {created && <KeyOnceDialog created={created} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog
          title={t('settings.apiKeys.revoke.title', { name: revoking.name })}
          onClose={() => setRevoking(null)}
          action={t('settings.apiKeys.revoke.action')}
          actionIcon="trash"
          onConfirm={() => revoke(revoking)}
          actionTestId="confirm-revoke"
        >
          <p>
            {tRich(
              'settings.apiKeys.revoke.body',
              { key: (s) => <span className="mono">{s}</span> },
              {
                prefix: revoking.keyPrefix,
              },
            )}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function CreateKeyDialog({
  onClose,
  onCreated,
}: {
  onClose(): void;
  onCreated(k: { name: string; key: string }): void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['triggers.invoke']);
  const [flowKeys, setFlowKeys] = useState<string[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const k = await api.apiKeys.create({ name: name.trim(), scopes, ...(flowKeys?.length ? { flowKeys } : {}) });
      onCreated({ name: k.name, key: k.key });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <FormDialog
      title={t('settings.apiKeys.new')}
      onClose={onClose}
      testId="api-key-dialog"
      submit={t('settings.apiKeys.create')}
      busy={busy}
      disabled={!name.trim() || !scopes.length}
      onSubmit={() => void create()}
      submitTestId="create-api-key"
    >
      <label className="field-label" htmlFor="key-name">
        {t('common.name')}
      </label>
      <input
        id="key-name"
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('settings.apiKeys.name.placeholder')}
        data-testid="api-key-name"
      />
      <h4 className="dialog-sub">{t('settings.apiKeys.col.scopes')}</h4>
      {SCOPES.map((s) => (
        <Checkbox
          key={s.name}
          checked={scopes.includes(s.name)}
          onChange={(on) => setScopes((l) => (on ? [...l, s.name] : l.filter((x) => x !== s.name)))}
          label={
            <>
              <span className="mono">{s.name}</span> <span className="muted small">— {t(s.description)}</span>
            </>
          }
        />
      ))}
      <label className="field-label" htmlFor="key-flows">
        {t('settings.apiKeys.onlyFlows')}
      </label>
      <FlowKeysPicker id="key-flows" value={flowKeys} onChange={setFlowKeys} />
      {error && (
        <p className="callout callout-danger" role="alert">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}

function KeyOnceDialog({ created, onClose }: { created: { name: string; key: string }; onClose(): void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      toast(t('settings.apiKeys.copied'), 'success');
    } catch {
      toast(t('settings.apiKeys.copyRefused'), 'error');
    }
  };
  return (
    <Dialog
      title={t('settings.apiKeys.created', { name: created.name })}
      onClose={onClose}
      width={560}
      testId="api-key-once"
      footer={
        <Button variant="primary" onClick={onClose} data-testid="api-key-done">
          {t('settings.apiKeys.stored')}
        </Button>
      }
    >
      <p className="callout callout-warning" role="alert">
        <Icon name="alert" size={14} />
        <span>{tRich('settings.apiKeys.once', { b: (s) => <b>{s}</b> })}</span>
      </p>
      <div className="secret-once">
        <code className="mono" data-testid="api-key-value">
          {created.key}
        </code>
        <Button
          variant={copied ? 'secondary' : 'primary'}
          icon={copied ? 'check' : 'copy'}
          onClick={() => void copy()}
          data-testid="copy-api-key"
        >
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      </div>
    </Dialog>
  );
}
