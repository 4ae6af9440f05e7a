/**
 * Audit: who did what in this workspace, newest first, a page at a time ("Load more" follows
 * nextCursor). Targets by name, details in words (audit-details.ts; the raw JSON in the tooltip).
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { AuditEntry } from '../../api/access-types';
import { Badge, Button, Empty, formatDateTime, Spinner, timeAgo, toast } from '../../ui/components';
import { LoadError } from '../../ui/access';
import { detailParts, targetLabel, targetType, type Names } from './audit-details';
import { t } from '../../i18n/i18n';
import { roleName } from '../../i18n/access-text';

type State =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ok'; items: AuditEntry[]; nextCursor?: string };

const PAGE = 50;

export function AuditPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [names, setNames] = useState<Names>({ users: {}, roles: {} });
  const emails = names.users;
  const [more, setMore] = useState(false);

  const load = useCallback(async () => {
    try {
      const page = await api.audit.list({ limit: PAGE });
      setState({ status: 'ok', items: itemsOf(page), nextCursor: page.nextCursor });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
    api.users.list().then(
      (p) => setNames((n) => ({ ...n, users: Object.fromEntries(itemsOf(p).map((u) => [u.id, u.email])) })),
      () => undefined,
    );
    api.roles.list().then(
      (p) => setNames((n) => ({ ...n, roles: Object.fromEntries(itemsOf(p).map((r) => [r.id, roleName(r)])) })),
      () => undefined,
    );
  }, [load]);

  const loadMore = async () => {
    if (state.status !== 'ok' || !state.nextCursor) return;
    setMore(true);
    try {
      const page = await api.audit.list({ limit: PAGE, cursor: state.nextCursor });
      setState({ status: 'ok', items: [...state.items, ...itemsOf(page)], nextCursor: page.nextCursor });
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setMore(false);
    }
  };

  return (
    <div className="page" data-testid="audit-page">
      <header className="page-head">
        <div>
          <h1>{t('settings.audit.title')}</h1>
          <p className="muted">{t('settings.audit.intro')}</p>
        </div>
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('settings.audit.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.audit')}
            permission="access.manage"
          />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="history" title={t('settings.audit.empty')} />
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table" data-testid="audit-table">
                <thead>
                  <tr>
                    <th>{t('settings.audit.col.when')}</th>
                    <th>{t('settings.audit.col.action')}</th>
                    <th>{t('settings.audit.col.by')}</th>
                    <th>{t('settings.audit.col.target')}</th>
                    <th>{t('settings.audit.col.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {state.items.map((a) => (
                    <tr key={a.id} data-testid="audit-row">
                      <td className="muted small" title={formatDateTime(a.createdAt)}>
                        {timeAgo(a.createdAt)}
                      </td>
                      <td>
                        <Badge tone={tone(a.action)}>{a.action}</Badge>
                      </td>
                      <td className="small">
                        {a.actorUserId ? (
                          (emails[a.actorUserId] ?? <span className="mono">{a.actorUserId.slice(0, 8)}</span>)
                        ) : (
                          <span className="muted">{actorless(a.action)}</span>
                        )}
                      </td>
                      <td className="small" data-testid="audit-target">
                        {a.targetType ? (
                          <>
                            <span className="muted">{targetType(a.targetType)}</span> {targetLabel(a, names)}
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td
                        className="small audit-details"
                        style={{ whiteSpace: 'normal' }}
                        title={details(a.details)}
                        data-testid="audit-details"
                      >
                        <Details parts={detailParts(a, names)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {state.nextCursor && (
              <div className="load-more">
                <Button onClick={() => void loadMore()} busy={more} data-testid="audit-load-more">
                  {t('settings.audit.loadMore')}
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function Details({ parts }: { parts: { label: string; value: string }[] }) {
  if (!parts.length) return <span className="muted">—</span>;
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {i > 0 && <span className="muted"> · </span>}
          <span className="muted">{p.label}</span> {p.value}
        </span>
      ))}
    </>
  );
}

/** Who acted when no user did: a failed sign-in has nobody signed in; else the system or an API key. */
const actorless = (action: string) =>
  action.startsWith('auth.') ? t('settings.audit.notSignedIn') : t('settings.audit.systemOrKey');

/** Refusals and removals stand out from the rest. */
function tone(action: string): 'accent' | 'danger' | 'warning' | 'success' {
  if (action === 'auth.sign_in_failed') return 'danger';
  if (/\.(deleted|revoked|deactivated|removed|unpublished)$/.test(action)) return 'warning';
  if (action === 'auth.signed_in') return 'success';
  return 'accent';
}

/** The raw details, for the tooltip. */
function details(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d === 'object' && Object.keys(d).length === 0) return '';
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}
