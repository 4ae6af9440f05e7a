/** Executions: filter by flow, status, trigger, time, phone and call id; open one on its canvas. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, itemsOf } from '../api/client';
import type { ExecutionFilters, ExecutionStatus, ExecutionSummary, ExecutionTrigger, FlowSummary } from '../api/types';
import { Button, Empty, formatDateTime, formatMs, Spinner, StatusBadge, statusText, timeAgo } from '../ui/components';
import { LoadError } from '../ui/access';
import { Checkbox } from '../ui/form';
import { Icon } from '../ui/icons';
import { mergeRuns, useLiveRefresh } from './runs/live-runs';
import { RetryButton, useRetryable } from './runs/RetryButton';
import { RUN_TRIGGERS, triggerText } from './runs/run-triggers';
import { t, type MessageId } from '../i18n/i18n';

const STATUSES: ExecutionStatus[] = ['succeeded', 'failed', 'timeout', 'running', 'queued'];
const RANGES: { label: MessageId; ms: number }[] = [
  { label: 'runs.range.hour', ms: 3600_000 },
  { label: 'runs.range.day', ms: 86400_000 },
  { label: 'runs.range.week', ms: 7 * 86400_000 },
];

/** datetime-local value ↔ ISO string. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const filters: ExecutionFilters = useMemo(
    () => ({
      flowId: params.get('flowId') ?? undefined,
      status: (params.get('status') as ExecutionStatus | null) ?? undefined,
      triggerType: (params.get('triggerType') as ExecutionTrigger | null) ?? undefined,
      from: params.get('from') ?? undefined,
      to: params.get('to') ?? undefined,
      phone: params.get('phone') ?? undefined,
      callId: params.get('callId') ?? undefined,
    }),
    [params],
  );
  const [flows, setFlows] = useState<FlowSummary[]>([]);
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'error'; error: unknown }
    | { status: 'ok'; items: ExecutionSummary[]; nextCursor?: string }
  >({ status: 'loading' });
  const [phone, setPhone] = useState(filters.phone ?? '');
  const [callId, setCallId] = useState(filters.callId ?? '');
  const [loadingMore, setLoadingMore] = useState(false);
  const [live, setLive] = useState(true);
  const navigate = useNavigate();
  const retryable = useRetryable();

  const setFilter = (patch: Partial<ExecutionFilters>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };

  useEffect(() => {
    api.flows.list({ limit: 200 }).then(
      (p) => setFlows(itemsOf(p)),
      () => setFlows([]),
    );
  }, []);

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const page = await api.executions.list({ ...filters, limit: 50 });
      setState({ status: 'ok', items: page.items ?? [], nextCursor: page.nextCursor });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, [filters]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = useCallback(async () => {
    const page = await api.executions.list({ ...filters, limit: 50 });
    setState((cur) =>
      cur.status === 'ok'
        ? { ...cur, items: mergeRuns(cur.items, page.items ?? []) }
        : { status: 'ok', items: page.items ?? [], nextCursor: page.nextCursor },
    );
  }, [filters]);
  useLiveRefresh(live && state.status !== 'loading', refresh);

  // Typing in phone / call id filters waits for a pause.
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((phone.trim() || undefined) !== filters.phone || (callId.trim() || undefined) !== filters.callId)
        setFilter({ phone: phone.trim(), callId: callId.trim() });
    }, 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phone, callId]);

  const more = async () => {
    if (state.status !== 'ok' || !state.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await api.executions.list({ ...filters, cursor: state.nextCursor, limit: 50 });
      setState({ status: 'ok', items: [...state.items, ...(page.items ?? [])], nextCursor: page.nextCursor });
    } catch (err) {
      setState({ status: 'error', error: err });
    } finally {
      setLoadingMore(false);
    }
  };

  const flowName = (id: string | null) =>
    id ? (flows.find((f) => f.id === id)?.name ?? `${id.slice(0, 8)}…`) : t('runs.unsavedDraft');
  const hasFilters = Object.values(filters).some(Boolean);

  return (
    <div className="page" data-testid="executions-page">
      <header className="page-head">
        <div>
          <h1>{t('runs.title')}</h1>
          <p className="muted">{t('runs.intro')}</p>
        </div>
        <div className="grow" />
        <span title={t('runs.live.title')}>
          <Checkbox label={t('runs.live')} checked={live} onChange={setLive} testId="runs-live" />
        </span>
        <Button icon="refresh" onClick={() => void load()}>
          {t('runs.refresh')}
        </Button>
      </header>
      <div className="filters" role="search">
        <select
          className="input select"
          aria-label={t('runs.col.flow')}
          value={filters.flowId ?? ''}
          onChange={(e) => setFilter({ flowId: e.target.value })}
          data-testid="filter-flow"
        >
          <option value="">{t('runs.filter.allFlows')}</option>
          {flows.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select
          className="input select"
          aria-label={t('common.status')}
          value={filters.status ?? ''}
          onChange={(e) => setFilter({ status: e.target.value as ExecutionStatus })}
          data-testid="filter-status"
        >
          <option value="">{t('runs.filter.anyStatus')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusText(s)}
            </option>
          ))}
        </select>
        <select
          className="input select"
          aria-label={t('runs.col.trigger')}
          value={filters.triggerType ?? ''}
          onChange={(e) => setFilter({ triggerType: e.target.value as ExecutionTrigger })}
        >
          <option value="">{t('runs.filter.anyTrigger')}</option>
          {RUN_TRIGGERS.map((x) => (
            <option key={x.value} value={x.value}>
              {t(x.label)}
            </option>
          ))}
        </select>
        <label className="filter-time">
          <span>{t('runs.filter.from')}</span>
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(filters.from)}
            onChange={(e) => setFilter({ from: fromLocalInput(e.target.value) })}
          />
        </label>
        <label className="filter-time">
          <span>{t('runs.filter.to')}</span>
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(filters.to)}
            onChange={(e) => setFilter({ to: fromLocalInput(e.target.value) })}
          />
        </label>
        <select
          className="input select"
          aria-label={t('runs.filter.range')}
          value=""
          onChange={(e) => {
            const r = RANGES[Number(e.target.value)];
            if (r)
              setFilter({ from: new Date(Date.now() - r.ms).toISOString().replace(/\.\d{3}Z$/, 'Z'), to: undefined });
          }}
        >
          <option value="">{t('runs.filter.quickRange')}</option>
          {RANGES.map((r, i) => (
            <option key={r.label} value={i}>
              {t(r.label)}
            </option>
          ))}
        </select>
        <div className="search">
          <Icon name="phone" size={14} />
          <input
            placeholder={t('runs.col.phone')}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            aria-label={t('runs.col.phone')}
            data-testid="filter-phone"
          />
        </div>
        <div className="search">
          <Icon name="search" size={14} />
          <input
            placeholder={t('runs.col.callId')}
            value={callId}
            onChange={(e) => setCallId(e.target.value)}
            aria-label={t('runs.col.callId')}
            data-testid="filter-call"
          />
        </div>
        {hasFilters && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setPhone('');
              setCallId('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            {t('runs.filter.clear')}
          </Button>
        )}
      </div>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('runs.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.executions')}
            permission="executions.read"
          />
        )}
        {state.status === 'ok' && state.items.length === 0 && (
          <Empty icon="list" title={hasFilters ? t('runs.empty.filtered') : t('runs.empty')}>
            <p className="muted">{t('runs.empty.body')}</p>
          </Empty>
        )}
        {state.status === 'ok' && state.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="executions-table">
              <thead>
                <tr>
                  <th>{t('runs.col.started')}</th>
                  <th>{t('runs.col.flow')}</th>
                  <th>{t('runs.col.trigger')}</th>
                  <th>{t('common.status')}</th>
                  <th className="num">{t('runs.col.duration')}</th>
                  <th>{t('runs.col.phone')}</th>
                  <th>{t('runs.col.callId')}</th>
                  <th aria-label={t('runs.col.actions')} />
                </tr>
              </thead>
              <tbody>
                {state.items.map((x) => (
                  <tr
                    key={x.id}
                    className="clickable"
                    onClick={() => navigate(`/executions/${x.id}`)}
                    data-testid={`execution-row-${x.id}`}
                  >
                    <td title={formatDateTime(x.startedAt)}>{timeAgo(x.startedAt)}</td>
                    <td>
                      {flowName(x.flowId)}
                      {x.flowVersion ? (
                        <span className="muted small"> {t('runs.version', { version: x.flowVersion })}</span>
                      ) : (
                        <span className="muted small"> {t('runs.draft')}</span>
                      )}
                    </td>
                    <td>{triggerText(x.triggerType)}</td>
                    <td>
                      <StatusBadge status={x.status} />
                      {x.error && (
                        <div className="muted small ellipsis" title={x.error.message}>
                          {x.error.message}
                        </div>
                      )}
                    </td>
                    <td className="num">{formatMs(x.durationMs)}</td>
                    <td className="mono small">{x.phone ?? '—'}</td>
                    <td className="mono small">{x.callId ?? '—'}</td>
                    <td className="row-actions">
                      {retryable(x) && (
                        <RetryButton run={x} size="sm" onQueued={() => void refresh().catch(() => undefined)} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {state.nextCursor && (
              <div className="pad">
                <Button onClick={() => void more()} busy={loadingMore}>
                  {t('runs.loadMore')}
                </Button>
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
