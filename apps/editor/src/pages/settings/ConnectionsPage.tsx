/**
 * Connections: the tenant's credentials for the remote systems flows call. connections.read lists
 * them (secrets only as the names that are set); connections.write creates, edits, deletes and
 * tests them (a token is fetched, or the WSDL of a wsdlUrl field loaded; never shown).
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { ConnectionDetail, ConnectionTestResult } from '../../api/access-types';
import { forgetConnections } from '../../api/connections-cache';
import { useCan } from '../../api/session';
import { Badge, Button, Empty, formatDateTime, Spinner, timeAgo, toast } from '../../ui/components';
import { LoadError } from '../../ui/access';
import { ConfirmDialog } from '../../ui/dialogs';
import { Icon } from '../../ui/icons';
import { CONNECTION_TYPES, ConnectionDialog } from './ConnectionForm';

type State = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; items: ConnectionDetail[] };

/** One line on what the connection does, without any secret. */
export function summary(c: ConnectionDetail): string {
  const s = c as Record<string, unknown>;
  const host = (u: unknown) => {
    try {
      return new URL(String(u)).host;
    } catch {
      return String(u ?? '');
    }
  };
  switch (c.type) {
    case 'basic':
      return `user ${String(s.username ?? '')}`;
    case 'bearer':
      return 'Authorization: Bearer …';
    case 'api_key':
      return `${String(s.placement)} ${String(s.paramName ?? '')}`;
    case 'oauth2_client_credentials':
      return `client ${String(s.clientId ?? '')} at ${host(s.tokenUrl)}`;
    case 'token_endpoint': {
      const r = (s.request ?? {}) as { method?: string; url?: string };
      const a = (s.apply ?? {}) as { in?: string; name?: string };
      return `${r.method ?? 'POST'} ${r.url ?? ''} → ${a.in ?? 'header'} ${a.name ?? ''}`;
    }
    case 'soap_ws_security':
      return `user ${String(s.username ?? '')} (${String(s.passwordType ?? 'PasswordText')})`;
    default:
      return Object.keys(c.fields ?? {}).length ? `fields ${Object.keys(c.fields).join(', ')}` : 'no auth';
  }
}

function TestResult({ r }: { r: ConnectionTestResult | 'busy' | undefined }) {
  if (!r) return null;
  if (r === 'busy') return <span className="conn-test muted">Testing…</span>;
  if (!r.ok)
    return (
      <span className="conn-test fail" data-testid="connection-test-result" title={r.error.code}>
        <Icon name="alert" size={13} /> {r.error.message}
      </span>
    );
  if (r.checked === false)
    return (
      <span className="conn-test muted" data-testid="connection-test-result">
        <Icon name="info" size={13} /> {r.message}
      </span>
    );
  // Say what was checked, not just "ok".
  const what =
    r.operations !== undefined
      ? `WSDL loaded: ${r.operations} operation${r.operations === 1 ? '' : 's'}`
      : r.expiresAt
        ? `Token fetched: it expires ${formatDateTime(r.expiresAt)}`
        : r.expiresAt === null
          ? 'Token fetched (no expiry given)'
          : (r.message ?? 'Checked');
  return (
    <span className="conn-test ok" data-testid="connection-test-result">
      <Icon name="check" size={13} /> {what}
    </span>
  );
}

export function ConnectionsPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [editing, setEditing] = useState<ConnectionDetail | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ConnectionDetail | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTestResult | 'busy'>>({});
  const can = useCan();
  const canWrite = can('connections.write');

  const load = useCallback(async () => {
    try {
      setState({ status: 'ok', items: itemsOf(await api.connections.details()) });
      forgetConnections();
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const test = async (c: ConnectionDetail) => {
    setTests((t) => ({ ...t, [c.id]: 'busy' }));
    try {
      const r = await api.connections.test(c.id);
      setTests((t) => ({ ...t, [c.id]: r }));
    } catch (err) {
      setTests((t) => ({ ...t, [c.id]: { ok: false, error: { code: 'REQUEST_FAILED', message: errorText(err) } } }));
    }
  };

  const remove = async (c: ConnectionDetail) => {
    try {
      await api.connections.remove(c.id);
      toast(`Connection “${c.name}” deleted`, 'success');
      setDeleting(null);
      void load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const typeLabel = (t: string) => CONNECTION_TYPES.find((x) => x.value === t)?.label ?? t;

  return (
    <div className="page" data-testid="connections-page">
      <header className="page-head">
        <div>
          <h1>Connections</h1>
          <p className="muted">
            Credentials and settings of the systems your flows call. Secrets are encrypted and never shown again.
          </p>
        </div>
        <div className="grow" />
        {canWrite && (
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="new-connection">
            New connection
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label="Loading connections…" />}
        {state.status === 'error' && (
          <LoadError error={state.error} onRetry={() => void load()} what="connections" permission="connections.read" />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="plug" title="No connections yet">
            <p className="muted">
              Add the CRM, dialer or SOAP service your flows call; HTTP and SOAP nodes pick them by name.
            </p>
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="connections-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Summary</th>
                  <th>Secrets set</th>
                  <th>Updated</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {state.items.map((c) => (
                  <tr key={c.id} data-testid={`connection-${c.name}`}>
                    <td>
                      <div className="row-title">{c.name}</div>
                      {c.description && <div className="muted small">{c.description}</div>}
                    </td>
                    <td>
                      <span className="type-tag">{typeLabel(c.type)}</span>
                    </td>
                    <td className="mono small">
                      <div>{summary(c)}</div>
                      <TestResult r={tests[c.id]} />
                    </td>
                    <td>
                      <div className="chips">
                        {c.secretsSet.length ? (
                          c.secretsSet.map((s) => (
                            <Badge key={s} tone="success">
                              {s} ✓
                            </Badge>
                          ))
                        ) : (
                          <span className="muted small">none</span>
                        )}
                      </div>
                    </td>
                    <td className="muted small">{timeAgo(c.updatedAt)}</td>
                    <td className="row-actions">
                      {canWrite && (
                        <>
                          <Button
                            size="sm"
                            icon="play"
                            onClick={() => void test(c)}
                            busy={tests[c.id] === 'busy'}
                            data-testid={`test-connection-${c.name}`}
                          >
                            Test connection
                          </Button>
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => setEditing(c)}
                            data-testid={`edit-connection-${c.name}`}
                          >
                            Edit
                          </Button>
                          <Button
                            size="sm"
                            variant="ghost"
                            icon="trash"
                            aria-label={`Delete ${c.name}`}
                            title="Delete"
                            onClick={() => setDeleting(c)}
                            data-testid={`delete-connection-${c.name}`}
                          />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing && (
        <ConnectionDialog
          connection={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          onClose={() => setDeleting(null)}
          action="Delete connection"
          actionIcon="trash"
          onConfirm={() => remove(deleting)}
          actionTestId="confirm-delete-connection"
        >
          <p>Nodes that use it fail until another connection is picked. Its secrets are destroyed.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
