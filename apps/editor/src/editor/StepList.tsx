/**
 * A run's steps as a list (test run drawer, a past run) and one node's step in its panel. Steps are
 * picked by their seq, not their node: a node run once per batch chunk has one row per chunk
 * ("chunk 1 of 6"), and each row opens its own step.
 */
import { useMemo } from 'react';
import type { StepRecord } from '../api/types';
import { t } from '../i18n/i18n';
import { handleLabel } from '../i18n/node-text';
import { formatMs } from '../ui/components';
import { Icon } from '../ui/icons';
import { chunkCounts, chunkLabel, unrecordedNote } from './step-labels';
import { StepDetails } from './StepDetails';
import { useEditor } from './store';
import { useShownStep } from './store/flow-hooks';
import './step-list.css';

/** Every step, in order; clicking one picks it (`onPick` then shows its node). */
export function StepList(props: { steps: readonly StepRecord[]; onPick(step: StepRecord): void; testId: string }) {
  const { steps, onPick, testId } = props;
  const counts = useMemo(() => chunkCounts(steps), [steps]);
  const selected = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined));
  const shown = useShownStep(selected);
  return (
    <ol className="timeline" data-testid={testId}>
      {steps.map((s) => {
        const chunk = chunkLabel(s, counts);
        const note = unrecordedNote(s);
        const current = shown?.seq === s.seq;
        return (
          <li key={s.seq} className={`${s.status}${current ? ' current' : ''}`} data-testid={`step-row-${s.seq}`}>
            {note && (
              <p className="tl-note" data-testid="step-unrecorded">
                <Icon name="info" size={13} /> {note}
              </p>
            )}
            <button type="button" onClick={() => onPick(s)} aria-current={current || undefined}>
              <Icon name={s.status === 'succeeded' ? 'check' : 'x'} size={13} />
              <span className="tl-name">{s.name}</span>
              {chunk && (
                <span className="tl-chunk" data-testid="step-row-chunk">
                  {chunk}
                </span>
              )}
              {s.handle && s.handle !== 'next' && (
                <span className="tl-handle">{`\u2192 ${handleLabel(s.type, s.handle)}`}</span>
              )}
              <span className="tl-time">{formatMs(s.durationMs)}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** A node's step in its panel; when it ran several times (batch chunks), a choice of which run. */
export function NodeRun({ nodeId, step }: { nodeId: string; step: StepRecord }) {
  const steps = useEditor((s) => s.run.result?.steps);
  const counts = useMemo(() => chunkCounts(steps ?? []), [steps]);
  const runs = useMemo(() => (steps ?? []).filter((s) => s.nodeId === nodeId), [steps, nodeId]);
  const label = (s: StepRecord) => chunkLabel(s, counts) ?? `#${s.seq}`;
  return (
    <>
      {runs.length > 1 && (
        <div className="step-runs">
          <label className="muted small" htmlFor="step-run-pick">
            {t('editor.step.runsRecorded', { count: runs.length })}
          </label>
          <select
            id="step-run-pick"
            className="input select sm"
            value={step.seq}
            onChange={(e) => useEditor.getState().pickStep(Number(e.target.value))}
            data-testid="step-run-pick"
          >
            {runs.map((s) => (
              <option key={s.seq} value={s.seq}>
                {s.status === 'failed' ? t('editor.step.optionFailed', { label: label(s) }) : label(s)}
              </option>
            ))}
          </select>
        </div>
      )}
      <StepDetails step={step} chunk={chunkLabel(step, counts)} />
    </>
  );
}
