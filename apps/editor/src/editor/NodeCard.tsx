/**
 * A node on the canvas: type icon, name, type label and summary ("POST crm.example.com/calls"),
 * one labelled output per handle (success/error, condition rules + default), validation state and,
 * after a test run, its status and duration.
 */
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef } from 'react';
import { getNodeSpec, type ValidationIssue } from '@callflow/flow';
import { t, useLocale } from '../i18n/i18n';
import { formatMs } from '../ui/components';
import { formatDuration, formatRate, heatLevel } from '../stats/format';
import { Icon } from '../ui/icons';
import { handlesOf, summaryOf, type EditorNode } from './convert';
import { PANELS } from './panels';
import { useEditor } from './store';
import { useNodeTint } from './stats-tint';
import { handleLabel, nodeLabel } from '../i18n/node-text';

const NO_ISSUES: ValidationIssue[] = [];

/** How an output is drawn: error, success (also a batch's done), default, or a rule (also a batch's each). */
const outKind = (h: string) =>
  h === 'error' ? 'error' : h === 'success' || h === 'done' ? 'success' : h === 'default' ? 'default' : 'rule';

export const NodeCard = memo(function NodeCard({ id, type, data, selected }: NodeProps<EditorNode>) {
  const spec = getNodeSpec(type);
  const issues = useEditor((s) => s.validation.byNode.get(id) ?? NO_ISSUES);
  const step = useEditor((s) => s.run.byNode.get(id));
  const running = useEditor((s) => s.run.status === 'running');
  const now = useEditor((s) => s.run.status === 'running' && s.run.current === id);
  const tint = useNodeTint(id);
  const heat = tint?.stats ? heatLevel(tint.mode, tint.stats) : null;
  const handlesKey = useMemo(() => handlesOf(type, data.config).join('\u0000'), [type, data.config]);
  const handles = useMemo(() => handlesKey.split('\u0000'), [handlesKey]);
  // memo(): re-rendered on a language switch, its summary read again (cheap: the parsed config is cached).
  useLocale();
  const summary = summaryOf(type, data.config);
  const updateInternals = useUpdateNodeInternals();
  // React Flow measures handles on mount; re-measure only when the outputs change afterwards
  // (calling it on mount for every card costs O(n²) on a big flow).
  const measuredKey = useRef(handlesKey);
  useEffect(() => {
    if (measuredKey.current === handlesKey) return;
    measuredKey.current = handlesKey;
    updateInternals(id);
  }, [handlesKey, id, updateInternals]);

  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.length - errors.length;
  const category = spec?.category ?? 'unknown';
  const icon = PANELS[type]?.icon ?? 'flow';
  const isTrigger = category === 'trigger';
  const single = handles.length === 1 && (handles[0] === 'next' || isTrigger);

  const cls = [
    'node-card',
    `cat-${category}`,
    selected ? 'selected' : '',
    errors.length ? 'invalid' : '',
    step ? (step.status === 'succeeded' ? 'run-ok' : 'run-fail') : '',
    running && !step && !now ? 'run-wait' : '',
    now ? 'run-now' : '',
    tint ? `tinted heat-${heat ?? 'none'}` : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      className={cls}
      data-testid={`node-${data.name}`}
      data-node-type={type}
      data-status={step?.status ?? (errors.length ? 'invalid' : 'ok')}
    >
      {!isTrigger && <Handle type="target" position={Position.Left} className="h-in" />}
      <div className="node-head">
        <span className="node-icon">
          <Icon name={icon} size={18} />
        </span>
        <div className="node-titles">
          <div className="node-title" title={data.name}>
            {data.name}
          </div>
          <div className="node-type">{nodeLabel(type)}</div>
        </div>
        {step ? (
          <span
            className={`node-run ${step.status === 'succeeded' ? 'ok' : 'fail'}`}
            title={
              step.error
                ? `${step.error.code}: ${step.error.message}`
                : t('editor.card.leftBy', { handle: handleLabel(type, step.handle ?? 'next') })
            }
            data-testid={`node-run-${data.name}`}
          >
            <Icon name={step.status === 'succeeded' ? 'check' : 'x'} size={12} />
            {formatMs(step.durationMs)}
          </span>
        ) : errors.length ? (
          <span className="node-flag err" title={errors.map((e) => e.message).join('\n')}>
            <Icon name="alert" size={12} />
            {errors.length}
          </span>
        ) : warnings ? (
          <span className="node-flag warn" title={issues.map((e) => e.message).join('\n')}>
            <Icon name="info" size={12} />
            {warnings}
          </span>
        ) : null}
      </div>
      <div className={`node-summary${summary ? '' : ' empty'}`} title={summary}>
        {summary || t('editor.card.notConfigured')}
      </div>
      {tint && <NodeStat name={data.name} tint={tint} />}
      {single ? (
        <Handle type="source" position={Position.Right} id={handles[0]} className="h-out" />
      ) : (
        <div className="node-outs">
          {handles.map((h) => (
            <div key={h} className={`node-out out-${outKind(h)}${step?.handle === h ? ' taken' : ''}`}>
              <span>{handleLabel(type, h)}</span>
              <Handle type="source" position={Position.Right} id={h} className="h-out" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
});

/** The value a tinted card is coloured by, in words (the colour is never the only cue). */
function NodeStat({ name, tint }: { name: string; tint: NonNullable<ReturnType<typeof useNodeTint>> }) {
  const n = tint.stats;
  const text = !n
    ? t('stats.tint.node.none')
    : tint.mode === 'p95'
      ? `p95 ${formatDuration(n.p95)}`
      : t('stats.tint.node.errors', { value: formatRate(n.errorRate) });
  const title = n
    ? t('stats.tint.node.title', {
        runs: n.runs,
        errors: n.errors,
        p50: formatDuration(n.p50),
        p95: formatDuration(n.p95),
        p99: formatDuration(n.p99),
      })
    : undefined;
  return (
    <div className="node-stat">
      <span className="heat-pill" title={title} data-testid={`node-stat-${name}`}>
        {text}
      </span>
    </div>
  );
}
