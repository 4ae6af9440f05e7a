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

/** Scopes a key may carry (the server's API_KEY_SCOPES). */
const SCOPES = [{ name: 'triggers.invoke', description: 'Call IVR, event and webhook triggers' }];

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
      toast(`Key “${k.name}” revoked: calls with it are refused from now on`, 'success');
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
          <h1>API keys</h1>
          <p className="muted">
            What your PBX, dialer or CRM sends to call the triggers (Authorization: Bearer, X-Api-Key or ?token=).
          </p>
        </div>
        <div className="grow" />
        {mayCreate && (
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-api-key">
            New API key
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label="Loading keys…" />}
        {state.status === 'error' && (
          <LoadError error={state.error} onRetry={() => void load()} what="API keys" permission="api_keys.manage" />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="key" title="No API keys">
            <p className="muted">Create one for each system that calls your flows, so each can be revoked alone.</p>
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="api-keys-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Scopes</th>
                  <th>Flows</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {state.items.map((k) => (
                  <tr key={k.id} data-testid={`api-key-${k.name}`}>
                    <td className="row-title">
                      {k.name}{' '}
                      {k.suspended && (
                        <Badge
                          tone="warning"
                          title="The user who made it is deactivated: calls with it are refused"
                          testId="key-suspended"
                        >
                          suspended
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
                          <span className="muted small">all flows</span>
                        )}
                      </div>
                    </td>
                    <td className="muted small" title={formatDateTime(k.createdAt)}>
                      {timeAgo(k.createdAt)}
                    </td>
                    <td className="muted small" title={formatDateTime(k.lastUsedAt)}>
                      {k.lastUsedAt ? timeAgo(k.lastUsedAt) : 'never'}
                    </td>
                    <td className="row-actions">
                      <Button
                        size="sm"
                        variant="ghost"
                        icon="trash"
                        onClick={() => setRevoking(k)}
                        data-testid={`revoke-${k.name}`}
                      >
                        Revoke
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
          title={`Revoke “${revoking.name}”?`}
          onClose={() => setRevoking(null)}
          action="Revoke key"
          actionIcon="trash"
          onConfirm={() => revoke(revoking)}
          actionTestId="confirm-revoke"
        >
          <p>
            Every system using <span className="mono">{revoking.keyPrefix}…</span> is refused from its next call. This
            cannot be undone.
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
      title="New API key"
      onClose={onClose}
      testId="api-key-dialog"
      submit="Create key"
      busy={busy}
      disabled={!name.trim() || !scopes.length}
      onSubmit={() => void create()}
      submitTestId="create-api-key"
    >
      <label className="field-label" htmlFor="key-name">
        Name
      </label>
      <input
        id="key-name"
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="e.g. PBX Rome"
        data-testid="api-key-name"
      />
      <h4 className="dialog-sub">Scopes</h4>
      {SCOPES.map((s) => (
        <Checkbox
          key={s.name}
          checked={scopes.includes(s.name)}
          onChange={(on) => setScopes((l) => (on ? [...l, s.name] : l.filter((x) => x !== s.name)))}
          label={
            <>
              <span className="mono">{s.name}</span> <span className="muted small">— {s.description}</span>
            </>
          }
        />
      ))}
      <label className="field-label" htmlFor="key-flows">
        Only these flows (optional)
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
      toast('Key copied to the clipboard', 'success');
    } catch {
      toast('The browser refused the clipboard: select the key and copy it by hand', 'error');
    }
  };
  return (
    <Dialog
      title={`Key “${created.name}” created`}
      onClose={onClose}
      width={560}
      testId="api-key-once"
      footer={
        <Button variant="primary" onClick={onClose} data-testid="api-key-done">
          I have stored it
        </Button>
      }
    >
      <p className="callout callout-warning" role="alert">
        <Icon name="alert" size={14} />
        <span>
          <b>Copy it now: you won't see it again.</b> Only a hash is kept; if it is lost, revoke it and create another.
        </span>
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
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </Dialog>
  );
}
