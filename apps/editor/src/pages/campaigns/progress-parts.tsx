/** Pieces of the campaign screens: the stacked progress bar, the counts, the pace. */
import type { CampaignFlowProgress, CampaignProgress } from '../../api/campaigns';
import { formatDate, formatNumber, t, tRich, type MessageId } from '../../i18n/i18n';
import { Badge } from '../../ui/components';

type Counts = Pick<CampaignProgress, 'accepted' | 'queued' | 'running' | 'succeeded' | 'failed' | 'retried'>;
type Pace = Pick<CampaignProgress, 'ratePerSecond' | 'estimatedEndAt'>;

const n = (v: number) => formatNumber(v);

/** Done (succeeded, then failed), running, queued, side by side, each as its share of the runs. */
export function ProgressBar({ c, testId }: { c: Counts; testId?: string }) {
  const total = c.queued + c.running + c.succeeded + c.failed;
  const done = c.succeeded + c.failed;
  const share = (v: number) => `${total ? (v / total) * 100 : 0}%`;
  return (
    <div
      className="pbar"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-label={t('campaigns.progress.label', { done: n(done), total: n(total) })}
      data-testid={testId}
    >
      {c.succeeded > 0 && <span className="pbar-ok" style={{ width: share(c.succeeded) }} />}
      {c.failed > 0 && <span className="pbar-failed" style={{ width: share(c.failed) }} />}
      {c.running > 0 && <span className="pbar-running" style={{ width: share(c.running) }} />}
    </div>
  );
}

/** "1,200 succeeded · 300 failed · 40 running · 60 queued", each number with a test id under `testId`. */
export function CountsLine({ c, testId }: { c: Counts; testId: string }) {
  // The number in bold (its test id under `testId`), the words around it in the language's own order and plural.
  const bold = (key: keyof Counts) => (s: string) => <b data-testid={`${testId}-${key}`}>{s}</b>;
  const part = (key: keyof Counts, id: MessageId, cls = '') => (
    <span className={`count ${cls}`}>{tRich(id, { b: bold(key) }, { count: c[key] })}</span>
  );
  return (
    <div className="counts">
      {part('succeeded', 'campaigns.counts.succeeded', 'count-ok')}
      {part('failed', 'campaigns.counts.failed', c.failed ? 'count-failed' : '')}
      {part('running', 'campaigns.counts.running')}
      {part('queued', 'campaigns.counts.queued')}
      <span className="muted">
        {tRich('campaigns.counts.accepted', { b: bold('accepted') }, { count: c.accepted })}
        {c.retried > 0 && tRich('campaigns.counts.retried', { b: bold('retried') }, { count: c.retried })}
      </span>
    </div>
  );
}

/** "82.4/s · ends ~14:32 (in 3 min)"; paused and done say so. */
export function PaceLine({ p, paused, c, testId }: { p: Pace; paused: boolean; c: Counts; testId?: string }) {
  const left = c.queued + c.running;
  const end = paused
    ? left
      ? t('campaigns.pace.pausedWaiting', { count: left })
      : t('campaigns.pace.paused')
    : left === 0
      ? t('campaigns.pace.done')
      : p.estimatedEndAt
        ? t('campaigns.pace.ends', { time: formatDate(p.estimatedEndAt, 'time'), until: until(p.estimatedEndAt) })
        : t('campaigns.pace.unknown');
  return (
    <span className="pace" data-testid={testId}>
      {p.ratePerSecond !== null && (
        <span data-testid={testId && `${testId}-rate`}>{t('campaigns.pace.rate', { rate: n(p.ratePerSecond) })}</span>
      )}
      {end && <span>{end}</span>}
    </span>
  );
}

export function PausedBadge({ paused }: { paused: boolean }) {
  return paused ? (
    <Badge tone="warning" testId="paused-badge">
      {t('campaigns.paused')}
    </Badge>
  ) : null;
}

/** The flow's name, else the start of its id (a deleted flow). */
export function flowLabel(f: Pick<CampaignFlowProgress, 'flowName' | 'flowId'>): string {
  return f.flowName ?? t('campaigns.flow.deleted', { id: f.flowId.slice(0, 8) });
}

function until(iso: string): string {
  const s = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
  if (s < 60) return t('campaigns.pace.inSeconds', { n: n(s) });
  if (s < 3600) return t('campaigns.pace.inMinutes', { n: n(Math.round(s / 60)) });
  return t('campaigns.pace.inHours', {
    n: formatNumber(s / 3600, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  });
}

/** Whether the screen follows the server live, or is reconnecting. */
export function LiveIndicator({ live }: { live: boolean }) {
  return (
    <span className="muted small" data-testid="campaigns-live" data-live={live} title={t('campaigns.live.title')}>
      <span className={`live-dot${live ? '' : ' off'}`} aria-hidden="true" />
      {live ? t('campaigns.live') : t('campaigns.reconnecting')}
    </span>
  );
}
