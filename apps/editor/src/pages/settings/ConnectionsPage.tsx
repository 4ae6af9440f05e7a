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
import { t } from '../../i18n/i18n';

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
      return t('settings.connections.summary.user', { user: String(s.username ?? '') });
    case 'bearer':
      // eslint-disable-next-line house/no-ui-literal -- the HTTP header as sent, the same in every language
      return 'Authorization: Bearer …';
    case 'api_key':
      return `${String(s.placement)} ${String(s.paramName ?? '')}`;
    case 'oauth2_client_credentials':
      return t('settings.connections.summary.client', { client: String(s.clientId ?? ''), host: host(s.tokenUrl) });
    case 'token_endpoint': {
      const r = (s.request ?? {}) as { method?: string; url?: string };
      const a = (s.apply ?? {}) as { in?: string; name?: string };
      return `${r.method ?? 'POST'} ${r.url ?? ''} → ${a.in ?? 'header'} ${a.name ?? ''}`;
    }
    case 'soap_ws_security':
      return t('settings.connections.summary.wsUser', {
        user: String(s.username ?? ''),
        type: String(s.passwordType ?? 'PasswordText'),
      });
    default:
      return Object.keys(c.fields ?? {}).length
        ? t('settings.connections.summary.fields', { fields: Object.keys(c.fields).join(', ') })
        : t('settings.connections.summary.noAuth');
  }
}

function TestResult({ r }: { r: ConnectionTestResult | 'busy' | undefined }) {
  if (!r) return null;
  if (r === 'busy') return <span className="conn-test muted">{t('settings.connections.testing')}</span>;
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
      ? t('settings.connections.test.wsdl', { count: r.operations })
      : r.expiresAt
        ? t('settings.connections.test.token', { at: formatDateTime(r.expiresAt) })
        : r.expiresAt === null
          ? t('settings.connections.test.tokenNoExpiry')
          : (r.message ?? t('settings.connections.test.checked'));
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
    setTests((was) => ({ ...was, [c.id]: 'busy' }));
    try {
      const r = await api.connections.test(c.id);
      setTests((was) => ({ ...was, [c.id]: r }));
    } catch (err) {
      const failed = { ok: false as const, error: { code: 'REQUEST_FAILED', message: errorText(err) } };
      setTests((was) => ({ ...was, [c.id]: failed }));
    }
  };

  const remove = async (c: ConnectionDetail) => {
    try {
      await api.connections.remove(c.id);
      toast(t('settings.connections.deleted', { name: c.name }), 'success');
      setDeleting(null);
      void load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const typeLabel = (type: string) => {
    const known = CONNECTION_TYPES.find((x) => x.value === type);
    return known ? t(known.label) : type;
  };

  return (
    <div className="page" data-testid="connections-page">
      <header className="page-head">
        <div>
          <h1>{t('settings.connections.title')}</h1>
          <p className="muted">{t('settings.connections.intro')}</p>
        </div>
        <div className="grow" />
        {canWrite && (
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="new-connection">
            {t('settings.connections.new')}
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('settings.connections.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.connections')}
            permission="connections.read"
          />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="plug" title={t('settings.connections.empty')}>
            <p className="muted">{t('settings.connections.empty.body')}</p>
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="connections-table">
              <thead>
                <tr>
                  <th>{t('common.name')}</th>
                  <th>{t('settings.connections.col.type')}</th>
                  <th>{t('settings.connections.col.summary')}</th>
                  <th>{t('settings.connections.col.secrets')}</th>
                  <th>{t('common.updated')}</th>
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
                          <span className="muted small">{t('settings.connections.noSecrets')}</span>
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
                            {t('settings.connections.test')}
                          </Button>
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => setEditing(c)}
                            data-testid={`edit-connection-${c.name}`}
                          >
                            {t('common.edit')}
                          </Button>
                          <Button
                            size="sm"
                            variant="ghost"
                            icon="trash"
                            aria-label={t('settings.connections.delete.label', { name: c.name })}
                            title={t('common.delete')}
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
          title={t('settings.connections.delete.title', { name: deleting.name })}
          onClose={() => setDeleting(null)}
          action={t('settings.connections.delete')}
          actionIcon="trash"
          onConfirm={() => remove(deleting)}
          actionTestId="confirm-delete-connection"
        >
          <p>{t('settings.connections.delete.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
