/** Flows list: trigger, version, last run, updated; create (blank or template), duplicate, delete, import, export. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, errorText, itemsOf } from '../api/client';
import type { FlowSummary, LatestRun } from '../api/types';
import { session, useCan } from '../api/session';
import { t } from '../i18n/i18n';
import { TRIGGERS } from '../ui/triggers';
import {
  Badge,
  Button,
  downloadJson,
  Empty,
  formatDateTime,
  Spinner,
  StatusBadge,
  timeAgo,
  toast,
} from '../ui/components';
import { LoadError } from '../ui/access';
import { ConfirmDialog } from '../ui/dialogs';
import { Icon } from '../ui/icons';
import { NewFlowDialog } from './NewFlowDialog';

function triggerOf(f: FlowSummary): string | undefined {
  return f.triggerType ?? undefined;
}

/** Flows per page, and per ask of their newest runs (GET /executions/latest-by-flow takes up to 200). */
const FLOWS_PAGE = 200;

export function FlowsPage() {
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'error'; error: unknown }
    | { status: 'ok'; items: FlowSummary[]; nextCursor?: string }
  >({ status: 'loading' });
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<FlowSummary | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const can = useCan();
  const canWrite = can('flows.write');
  const canReadRuns = can('executions.read');

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const page = await api.flows.list({ limit: FLOWS_PAGE });
      setState({ status: 'ok', items: itemsOf(page), nextCursor: Array.isArray(page) ? undefined : page.nextCursor });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Each flow's newest run, in one request for the flows not asked about yet (a page loaded later adds its own).
  const [lastRuns, setLastRuns] = useState<Record<string, LatestRun | null>>({});
  useEffect(() => {
    if (state.status !== 'ok' || !session.can('executions.read')) return;
    const missing = state.items.filter((f) => !(f.id in lastRuns)).map((f) => f.id);
    if (!missing.length) return;
    let live = true;
    const batches = [];
    for (let i = 0; i < missing.length; i += FLOWS_PAGE) batches.push(missing.slice(i, i + FLOWS_PAGE));
    void Promise.all(batches.map((ids) => api.executions.latestByFlow(ids).then((p) => p.items))).then(
      (found) => {
        if (!live) return;
        const byFlow: Record<string, LatestRun | null> = Object.fromEntries(missing.map((id) => [id, null]));
        for (const run of found.flat()) byFlow[run.flowId] = run;
        setLastRuns((cur) => ({ ...cur, ...byFlow }));
      },
      () => undefined, // the column stays empty; the list itself is fine
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);

  const loadMore = async () => {
    if (state.status !== 'ok' || !state.nextCursor) return;
    try {
      const page = await api.flows.list({ cursor: state.nextCursor, limit: FLOWS_PAGE });
      setState({
        status: 'ok',
        items: [...state.items, ...itemsOf(page)],
        nextCursor: Array.isArray(page) ? undefined : page.nextCursor,
      });
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const items = useMemo(() => {
    if (state.status !== 'ok') return [];
    const needle = q.trim().toLowerCase();
    return needle
      ? state.items.filter((f) => f.name.toLowerCase().includes(needle) || f.key.toLowerCase().includes(needle))
      : state.items;
  }, [state, q]);

  const duplicate = async (f: FlowSummary) => {
    try {
      const full = await api.flows.get(f.id);
      const copy = await api.flows.create({
        name: t('flows.list.copyName', { name: f.name }),
        definition: full.definition,
        description: full.description,
      });
      toast(t('flows.list.duplicated', { name: copy.name }), 'success');
      void load();
    } catch (err) {
      toast(t('flows.list.duplicateFailed', { error: errorText(err) }), 'error');
    }
  };

  const exportFlow = async (f: FlowSummary) => {
    try {
      downloadJson(`${f.key}.flow.json`, await api.flows.export(f.id));
    } catch (err) {
      toast(t('flows.exportFailed', { error: errorText(err) }), 'error');
    }
  };

  const importFile = async (file: File) => {
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      toast(t('flows.list.notJson', { file: file.name }), 'error');
      return;
    }
    try {
      const created = await api.flows.import(
        doc,
        file.name.replace(/\.(flow\.)?json$/i, '') || t('flows.list.importedName'),
      );
      toast(t('flows.list.imported', { name: created.name }), 'success');
      navigate(`/flows/${created.id}`);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      const error = errorText(err);
      const text = issues.length
        ? t('flows.list.importFailedIssue', { error, issue: issues[0]!.message })
        : t('flows.list.importFailed', { error });
      toast(text, 'error');
    }
  };

  return (
    <div className="page" data-testid="flows-page">
      <header className="page-head">
        <div>
          <h1>{t('flows.list.title')}</h1>
          <p className="muted">{t('flows.list.subtitle')}</p>
        </div>
        <div className="grow" />
        <div className="search">
          <Icon name="search" size={14} />
          <input
            placeholder={t('flows.list.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label={t('flows.list.search')}
          />
        </div>
        {canWrite && (
          <>
            <input
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              hidden
              data-testid="import-input"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importFile(f);
              }}
            />
            <Button icon="upload" onClick={() => fileRef.current?.click()} data-testid="import-button">
              {t('flows.list.import')}
            </Button>
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-flow">
              {t('flows.new.title')}
            </Button>
          </>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('flows.list.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.flows')}
            permission="flows.read"
          />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty title={t('flows.list.emptyTitle')}>
            <p className="muted">{t('flows.list.empty')}</p>
            {canWrite && (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                {t('flows.new.title')}
              </Button>
            )}
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="flows-table">
              <thead>
                <tr>
                  <th>{t('common.name')}</th>
                  <th>{t('flows.list.trigger')}</th>
                  <th>{t('flows.list.version')}</th>
                  <th>{t('flows.list.lastRun')}</th>
                  <th>{t('common.updated')}</th>
                  <th aria-label={t('flows.list.actions')} />
                </tr>
              </thead>
              <tbody>
                {items.map((f) => {
                  const type = triggerOf(f);
                  const spec = type ? TRIGGERS[type] : undefined;
                  const run = lastRuns[f.id] ?? null;
                  const last = run?.status ?? null;
                  return (
                    <tr
                      key={f.id}
                      data-testid={`flow-row-${f.key}`}
                      onClick={() => navigate(`/flows/${f.id}`)}
                      className="clickable"
                    >
                      <td>
                        <Link to={`/flows/${f.id}`} className="row-title" onClick={(e) => e.stopPropagation()}>
                          {f.name}
                        </Link>
                        <div className="muted small mono">{f.key}</div>
                      </td>
                      <td>
                        {spec ? (
                          <span className={`trigger-chip cat-trigger`}>
                            <Icon name={spec.icon} size={14} /> {spec.label}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        {f.publishedVersion ? (
                          <Badge tone="success">{t('flows.editor.live', { version: f.publishedVersion })}</Badge>
                        ) : (
                          <Badge>{t('flows.list.draft')}</Badge>
                        )}
                        {f.publishedVersion && f.latestVersion && f.latestVersion > f.publishedVersion ? (
                          <span className="muted small">
                            {' '}
                            {t('flows.list.newerExists', { version: f.latestVersion })}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        <StatusBadge status={last} />
                        {run?.startedAt && <div className="muted small">{timeAgo(run.startedAt)}</div>}
                      </td>
                      <td title={formatDateTime(f.updatedAt)}>
                        {timeAgo(f.updatedAt)}
                        {(f.updatedByEmail ?? f.updatedBy) && (
                          <div className="muted small">
                            {t('flows.list.by', {
                              who:
                                f.updatedByEmail ??
                                (f.updatedBy === session.user?.id ? session.user?.email : shortId(f.updatedBy!)),
                            })}
                          </div>
                        )}
                      </td>
                      <td className="row-actions" onClick={(e) => e.stopPropagation()}>
                        {canReadRuns && (
                          <Link
                            to={`/flows/${f.id}/stats`}
                            className="btn btn-ghost btn-icon btn-sm"
                            aria-label={t('stats.openFlow', { name: f.name })}
                            title={t('stats.openTitle')}
                            data-testid={`flow-stats-${f.key}`}
                          >
                            <Icon name="chart" size={14} />
                          </Link>
                        )}
                        {canWrite && (
                          <Button
                            size="sm"
                            variant="ghost"
                            icon="copy"
                            aria-label={t('flows.list.duplicateNamed', { name: f.name })}
                            title={t('editor.panel.duplicate')}
                            onClick={() => void duplicate(f)}
                          />
                        )}
                        <Button
                          size="sm"
                          variant="ghost"
                          icon="download"
                          aria-label={t('flows.list.exportNamed', { name: f.name })}
                          title={t('flows.exportJson')}
                          onClick={() => void exportFlow(f)}
                        />
                        {canWrite && (
                          <Button
                            size="sm"
                            variant="ghost"
                            icon="trash"
                            aria-label={t('flows.list.deleteNamed', { name: f.name })}
                            title={t('common.delete')}
                            onClick={() => setDeleting(f)}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {items.length === 0 && <p className="muted pad">{t('flows.list.noMatch', { q })}</p>}
            {state.nextCursor && (
              <div className="pad">
                <Button onClick={() => void loadMore()}>{t('flows.list.loadMore')}</Button>
              </div>
            )}
          </div>
        )}
      </div>
      {creating && <NewFlowDialog onClose={() => setCreating(false)} />}
      {deleting && (
        <ConfirmDialog
          title={t('flows.list.deleteTitle', { name: deleting.name })}
          onClose={() => setDeleting(null)}
          testId="delete-dialog"
          action={t('common.delete')}
          actionIcon="trash"
          actionTestId="delete-confirm"
          onConfirm={async () => {
            try {
              await api.flows.remove(deleting.id);
              toast(t('flows.list.deleted', { name: deleting.name }), 'success');
              setDeleting(null);
              void load();
            } catch (err) {
              toast(t('flows.list.deleteFailed', { error: errorText(err) }), 'error');
            }
          }}
        >
          <p>
            {deleting.publishedVersion
              ? t('flows.list.deleteLive', { version: deleting.publishedVersion })
              : t('flows.list.deleteBody')}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}
