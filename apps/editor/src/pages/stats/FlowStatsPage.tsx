/**
 * A flow's run statistics (issue 19 §2), at /flows/:id/stats?range=hour|day|week: runs per minute,
 * error rate, p50/p95/p99 duration, for IVR flows the share answered by the fallback and the deadline
 * misses, and each node's latency and errors (a slow CRM is one row). Loaded on demand with uPlot;
 * refreshed every 30 s.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ivrTrigger } from '@callflow/flow';
import { api, ApiError, errorText } from '../../api/client';
import { statsApi, type FlowStats, type StatsRange } from '../../api/stats';
import { Button, Empty, ErrorBanner, Spinner } from '../../ui/components';
import { Segmented } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { formatDuration, formatRate, RANGES, rangeLabel } from '../../stats/format';
import { formatDate, formatNumber, t, useLocale } from '../../i18n/i18n';
import { NodeStatsTable } from './NodeStatsTable';
import { StatsChart, type ChartLine } from './StatsChart';
import type { AxisKind } from './chart-axes';
import './stats.css';

const REFRESH_MS = 30_000;

const asRange = (v: string | null): StatsRange =>
  (RANGES as readonly string[]).includes(v ?? '') ? (v as StatsRange) : 'hour';
const share = (n: number, of: number) => (of > 0 ? n / of : null);
const count = (v: number) => formatNumber(v, { maximumFractionDigits: Number.isInteger(v) ? 0 : v < 10 ? 2 : 1 });
const pct = (v: number) => `${formatNumber(v * 100, { maximumFractionDigits: 1 })} %`;

function useStats(flowId: string, range: StatsRange) {
  const [stats, setStats] = useState<FlowStats | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  // An answer for a range (or flow) the page has left since is dropped.
  const wanted = useRef('');
  wanted.current = `${flowId}|${range}`;
  const load = useCallback(async () => {
    try {
      const s = await statsApi.flow(flowId, range);
      if (wanted.current !== `${flowId}|${range}`) return;
      setStats(s);
      setError(null);
      setUpdatedAt(new Date());
    } catch (err) {
      if (wanted.current !== `${flowId}|${range}`) return;
      setError({ message: errorText(err), notFound: err instanceof ApiError && err.status === 404 });
    }
  }, [flowId, range]);
  useEffect(() => {
    setStats(null);
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  return { stats, error, updatedAt, reload: load };
}

export function FlowStatsPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const range = asRange(params.get('range'));
  const { stats, error, updatedAt, reload } = useStats(id, range);
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    api.flows.get(id).then(
      (f) => setName(f.name),
      () => setName(null),
    );
  }, [id]);

  return (
    <div className="page stats-page" data-testid="stats-page">
      <header className="page-head">
        <div>
          <Link to={`/flows/${id}`} className="small" data-testid="stats-back">
            <Icon name="chevronLeft" size={12} /> {t('stats.back')}
          </Link>
          <h1>
            {name ?? t('stats.title')}
            {name && <span className="muted stats-h1-sub"> · {t('stats.title')}</span>}
          </h1>
          <p className="muted">{t('stats.subtitle')}</p>
        </div>
        <div className="grow" />
        <div className="stats-head-tools">
          <Segmented
            value={range}
            onChange={(r) => setParams({ range: r }, { replace: true })}
            options={RANGES.map((r) => ({ value: r, label: rangeLabel(r) }))}
            ariaLabel={t('stats.range')}
            testId="stats-range"
          />
          <Button
            size="sm"
            variant="ghost"
            icon="refresh"
            onClick={() => void reload()}
            aria-label={t('stats.refresh')}
          >
            {updatedAt ? t('stats.updated', { time: formatDate(updatedAt, 'time') }) : null}
          </Button>
        </div>
      </header>
      <div className="page-body">
        {error && !stats && (
          <ErrorBanner
            error={error.notFound ? t('flows.editor.notFound') : error.message}
            onRetry={error.notFound ? undefined : () => void reload()}
          />
        )}
        {!stats && !error && <Spinner label={t('stats.loading')} />}
        {stats && <StatsBody stats={stats} />}
      </div>
    </div>
  );
}

function StatsBody({ stats }: { stats: FlowStats }) {
  const { totals } = stats;
  const ivr = stats.triggerType === ivrTrigger.type || totals.fallbacks > 0;
  const locale = useLocale();
  // Recomputed on a language switch too: the series' names and number formats change.
  const charts = useMemo(() => chartsOf(stats, ivr, locale), [stats, ivr, locale]);
  const windowMinutes = (Date.parse(stats.to) - Date.parse(stats.from)) / 60_000;
  return (
    <>
      <section className="stats-cards" data-testid="stats-totals">
        <Card label={t('stats.runs')} value={formatNumber(totals.runs)} testId="stat-runs">
          {t('stats.perMinute', { value: count(totals.runs / windowMinutes) })}
        </Card>
        <Card label={t('stats.errorRate')} value={formatRate(totals.errorRate)} testId="stat-error-rate">
          {t('stats.failed', { count: totals.errors })}
        </Card>
        {(['p50', 'p95', 'p99'] as const).map((q) => (
          <Card key={q} label={t('stats.durationQ', { q })} value={formatDuration(totals[q])} testId={`stat-${q}`} />
        ))}
        {ivr && (
          <>
            <Card
              label={t('stats.fallbacks')}
              value={formatRate(share(totals.fallbacks, totals.runs))}
              testId="stat-fallbacks"
            >
              {t('stats.fallbackShare', { count: totals.fallbacks, runs: totals.runs })}
            </Card>
            <Card label={t('stats.misses')} value={formatNumber(totals.deadlineMisses)} testId="stat-misses">
              {t('stats.missesHint')}
            </Card>
          </>
        )}
      </section>
      {totals.runs === 0 && (
        <Empty icon="clock" title={t('stats.noRuns')}>
          <p className="muted">{t('stats.noRunsHint')}</p>
        </Empty>
      )}
      <section className="stats-charts">
        {charts.map((c) => (
          <StatsChart
            key={c.testId}
            title={c.title}
            label={t('stats.chart.label', {
              title: c.title,
              from: formatDate(stats.from),
              to: formatDate(stats.to),
            })}
            xs={c.xs}
            lines={c.lines}
            format={c.format}
            axis={c.axis}
            testId={c.testId}
          />
        ))}
      </section>
      <NodeStatsTable nodes={stats.nodes} />
    </>
  );
}

function Card({ label, value, testId, children }: { label: string; value: string; testId: string; children?: string }) {
  return (
    <div className="stats-card" data-testid={testId}>
      <div className="stats-card-label">{label}</div>
      <div className="stats-card-value">{value}</div>
      {children && <div className="muted small">{children}</div>}
    </div>
  );
}

interface ChartSpec {
  testId: string;
  title: string;
  xs: number[];
  lines: ChartLine[];
  format(v: number): string;
  axis: AxisKind;
}

/** The charts of a stats answer (memoised: a chart is drawn again only when its data changes). */
function chartsOf(stats: FlowStats, ivr: boolean, _locale: string): ChartSpec[] {
  const s = stats.series;
  const xs = s.map((p) => Date.parse(p.at) / 1000);
  const perMinute = stats.bucketSeconds / 60;
  const charts: ChartSpec[] = [
    {
      testId: 'chart-runs',
      title: t('stats.chart.runs'),
      xs,
      format: count,
      axis: 'count',
      lines: [
        { label: t('stats.series.runs'), values: s.map((p) => p.runs / perMinute), color: '--accent', bars: true },
        { label: t('stats.series.errors'), values: s.map((p) => p.errors / perMinute), color: '--danger' },
      ],
    },
    {
      testId: 'chart-errors',
      title: t('stats.chart.errors'),
      xs,
      format: pct,
      axis: 'rate',
      lines: [{ label: t('stats.series.errorRate'), values: s.map((p) => share(p.errors, p.runs)), color: '--danger' }],
    },
    {
      testId: 'chart-duration',
      title: t('stats.chart.duration'),
      xs,
      format: formatDuration,
      axis: 'duration',
      lines: [
        { label: 'p50', values: s.map((p) => p.p50), color: '--accent' },
        { label: 'p95', values: s.map((p) => p.p95), color: '--heat-2', dash: [6, 4] },
        { label: 'p99', values: s.map((p) => p.p99), color: '--heat-3', dash: [2, 3] },
      ],
    },
  ];
  if (ivr)
    charts.push({
      testId: 'chart-ivr',
      title: t('stats.chart.ivr'),
      xs,
      format: pct,
      axis: 'rate',
      lines: [
        {
          label: t('stats.series.fallbackShare'),
          values: s.map((p) => share(p.fallbacks, p.runs)),
          color: '--heat-2',
        },
        {
          label: t('stats.series.misses'),
          values: s.map((p) => share(p.deadlineMisses, p.runs)),
          color: '--heat-3',
          dash: [6, 4],
        },
      ],
    });
  return charts;
}
