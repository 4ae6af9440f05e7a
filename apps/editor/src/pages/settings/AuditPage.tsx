/** Audit: who did what in this workspace, newest first, a page at a time ("Load more" follows nextCursor). */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { AuditEntry } from '../../api/access-types';
import { Badge, Button, Empty, ErrorBanner, formatDateTime, Spinner, timeAgo, toast } from '../../ui/components';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; items: AuditEntry[]; nextCursor?: string };

const PAGE = 50;

export function AuditPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [emails, setEmails] = useState<Record<string, string>>({});
  const [more, setMore] = useState(false);

  const load = useCallback(async () => {
    try {
      const page = await api.audit.list({ limit: PAGE });
      setState({ status: 'ok', items: itemsOf(page), nextCursor: page.nextCursor });
    } catch (err) {
      setState({ status: 'error', message: errorText(err) });
    }
  }, []);

  useEffect(() => {
    void load();
    api.users.list().then(
      (p) => setEmails(Object.fromEntries(itemsOf(p).map((u) => [u.id, u.email]))),
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
          <h1>Audit</h1>
          <p className="muted">Sign-ins, publishes, access and key changes in this workspace, newest first.</p>
        </div>
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label="Loading the audit log…" />}
        {state.status === 'error' && <ErrorBanner error={state.message} onRetry={() => void load()} />}
        {state.status === 'ok' && state.items.length === 0 && <Empty icon="history" title="Nothing recorded yet" />}
        {state.status === 'ok' && state.items.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table" data-testid="audit-table">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Action</th>
                    <th>By</th>
                    <th>Target</th>
                    <th>Details</th>
                  </tr>
                </thead>
                <tbody>
                  {state.items.map((a) => (
                    <tr key={a.id} data-testid="audit-row">
                      <td className="muted small" title={formatDateTime(a.createdAt)}>{timeAgo(a.createdAt)}</td>
                      <td>
                        <Badge tone="accent">{a.action}</Badge>
                      </td>
                      <td className="small">{a.actorUserId ? (emails[a.actorUserId] ?? <span className="mono">{a.actorUserId.slice(0, 8)}</span>) : <span className="muted">system / key</span>}</td>
                      <td className="small">
                        {a.targetType ? (
                          <>
                            {a.targetType} <span className="mono muted">{a.targetId ? (emails[a.targetId] ?? a.targetId.slice(0, 8)) : ''}</span>
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="mono small audit-details" title={details(a.details)}>{details(a.details) || <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {state.nextCursor && (
              <div className="load-more">
                <Button onClick={() => void loadMore()} busy={more} data-testid="audit-load-more">
                  Load more
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function details(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d === 'object' && Object.keys(d).length === 0) return '';
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}
