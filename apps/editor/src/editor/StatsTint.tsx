/**
 * "Colour by: none / p95 / error rate" over the canvas, with the window and a legend: the levels
 * with their bounds in words (each node also shows its value: the colour is never the only cue).
 */
import { Panel } from '@xyflow/react';
import { useEffect } from 'react';
import { useCan } from '../api/session';
import { legendOf, RANGES, rangeLabel, type TintMode } from '../stats/format';
import { t } from '../i18n/i18n';
import { useEditor } from './store';
import { setTint, tintFlow, useStatsTint } from './stats-tint';
import './stats-tint.css';

const MODES: readonly (TintMode | 'none')[] = ['none', 'p95', 'errorRate'];
const modeLabel = (m: TintMode | 'none') =>
  m === 'p95' ? 'p95' : m === 'none' ? t('stats.tint.none') : t('stats.tint.errorRate');

export function StatsTint() {
  const flowId = useEditor((s) => s.meta?.id ?? null);
  const can = useCan();
  const { mode, range, status, error } = useStatsTint();
  // Reset on leaving: another canvas (a past run's) must not show this flow's colours.
  useEffect(() => {
    tintFlow(flowId);
    return () => tintFlow(null);
  }, [flowId]);
  if (!flowId || !can('executions.read')) return null;
  return (
    <Panel position="top-right" className="stats-tint" data-testid="stats-tint">
      <div className="stats-tint-row">
        <label>
          <span>{t('stats.tint')}</span>
          <select
            value={mode}
            onChange={(e) => setTint(e.target.value as TintMode | 'none')}
            data-testid="stats-tint-mode"
          >
            {MODES.map((m) => (
              <option key={m} value={m}>
                {modeLabel(m)}
              </option>
            ))}
          </select>
        </label>
        {mode !== 'none' && (
          <select
            value={range}
            onChange={(e) => setTint(mode, e.target.value as typeof range)}
            aria-label={t('stats.tint.over')}
            data-testid="stats-tint-range"
          >
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {rangeLabel(r)}
              </option>
            ))}
          </select>
        )}
        {status === 'loading' && <span className="spinner xs" aria-label={t('stats.loading')} />}
      </div>
      {mode !== 'none' && status === 'error' && (
        <div className="stats-tint-error" role="alert">
          {t('stats.tint.failed', { error: error ?? '' })}
        </div>
      )}
      {mode !== 'none' && status === 'ready' && (
        <div className="stats-tint-legend" data-testid="stats-tint-legend">
          <div className="stats-tint-legend-title">
            {t(mode === 'p95' ? 'stats.tint.legendP95' : 'stats.tint.legendErrors', {
              range: rangeLabel(range),
            })}
          </div>
          <ul>
            {legendOf(mode).map((label, level) => (
              <li key={label} className={`heat-${level}`}>
                <span className="heat-swatch" style={{ color: 'var(--heat)', background: 'var(--heat-soft)' }} />
                {label}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
