/** Pieces of the campaign screens: the stacked progress bar, the counts, the pace. */
import type { CampaignFlowProgress, CampaignProgress } from '../../api/campaigns';
import { formatNumber } from '../../i18n/i18n';
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
      aria-label={`${n(done)} of ${n(total)} runs done`}
      data-testid={testId}
    >
      {c.succeeded > 0 && <span className="pbar-ok" style={{ width: share(c.succeeded) }} />}
      {c.failed > 0 && <span className="pbar-failed" style={{ width: share(c.failed) }} />}
      {c.running > 0 && <span className="pbar-running" style={{ width: share(c.running) }} />}
    </div>
  );
}

/** "1,200 succeeded · 300 failed · 40 running · 60 queued", each with a test id under `prefix`. */
export function CountsLine({ c, prefix }: { c: Counts; prefix: string }) {
  const part = (key: keyof Counts, label: string, cls = '') => (
    <span className={`count ${cls}`}>
      <b data-testid={`${prefix}-${key}`}>{n(c[key])}</b> {label}
    </span>
  );
  return (
    <div className="counts">
      {part('succeeded', 'succeeded', 'count-ok')}
      {part('failed', 'failed', c.failed ? 'count-failed' : '')}
      {part('running', 'running')}
      {part('queued', 'queued')}
      <span className="muted">
        of <b data-testid={`${prefix}-accepted`}>{n(c.accepted)}</b> accepted
        {c.retried > 0 && (
          <>
            , <b data-testid={`${prefix}-retried`}>{n(c.retried)}</b> retried
          </>
        )}
      </span>
    </div>
  );
}

/** "82.4/s · ends ~14:32 (in 3 min)"; paused and done say so. */
export function PaceLine({ p, paused, c, testId }: { p: Pace; paused: boolean; c: Counts; testId?: string }) {
  const left = c.queued + c.running;
  const end = paused
    ? left
      ? `paused, ${n(left)} waiting`
      : 'paused'
    : left === 0
      ? 'done'
      : p.estimatedEndAt
        ? `ends ~${clock(p.estimatedEndAt)} (${until(p.estimatedEndAt)})`
        : 'end not known yet';
  return (
    <span className="pace" data-testid={testId}>
      {p.ratePerSecond !== null && <span data-testid={testId && `${testId}-rate`}>{p.ratePerSecond} runs/s</span>}
      {end && <span>{end}</span>}
    </span>
  );
}

export function PausedBadge({ paused }: { paused: boolean }) {
  return paused ? (
    <Badge tone="warning" testId="paused-badge">
      Paused
    </Badge>
  ) : null;
}

/** The flow's name, else the start of its id (a deleted flow). */
export function flowLabel(f: Pick<CampaignFlowProgress, 'flowName' | 'flowId'>): string {
  return f.flowName ?? `${f.flowId.slice(0, 8)}… (deleted)`;
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function until(iso: string): string {
  const s = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  return `in ${(s / 3600).toFixed(1)} h`;
}

/** Whether the screen follows the server live, or is reconnecting. */
export function LiveIndicator({ live }: { live: boolean }) {
  return (
    <span
      className="muted small"
      data-testid="campaigns-live"
      data-live={live}
      title="Updated by the server as runs move"
    >
      <span className={`live-dot${live ? '' : ' off'}`} aria-hidden="true" />
      {live ? 'Live' : 'Reconnecting…'}
    </span>
  );
}
