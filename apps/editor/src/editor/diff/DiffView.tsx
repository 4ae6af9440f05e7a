/**
 * Two versions of the flow compared (or a version and the draft), loaded on demand from the
 * versions panel: the changes on a canvas, the picked node's fields beside it, and either side
 * restored as the draft (one undo step, autosaved like any edit).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowDefinition } from '@callflow/flow';
import { api, errorText } from '../../api/client';
import type { FlowVersion } from '../../api/types';
import { t } from '../../i18n/i18n';
import { Button, ErrorBanner, Spinner, toast } from '../../ui/components';
import { Segmented } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { useEditor } from '../store';
import { DiffCanvas } from './DiffCanvas';
import { diffGraph } from './diff-graph';
import { DiffSummary } from './DiffSummary';
import type { DiffLayout } from './FieldDiff';
import './diff.css';

/** A version number, or the draft being edited. */
export type DiffSide = number | 'draft';

const LAYOUT_KEY = 'callflow.diff.layout';
const sideName = (s: DiffSide) => (s === 'draft' ? t('diff.side.draft') : `v${s}`);

function storedLayout(): DiffLayout {
  try {
    return localStorage.getItem(LAYOUT_KEY) === 'inline' ? 'inline' : 'split';
  } catch {
    return 'split';
  }
}

function SidePicker({
  label,
  value,
  versions,
  onChange,
  testId,
}: {
  label: string;
  value: DiffSide;
  versions: FlowVersion[];
  onChange(s: DiffSide): void;
  testId: string;
}) {
  const known = versions.some((v) => v.version === value);
  return (
    <label className="diff-pick">
      <span className="muted small">{label}</span>
      <select
        className="input sm"
        value={String(value)}
        onChange={(e) => onChange(e.target.value === 'draft' ? 'draft' : Number(e.target.value))}
        data-testid={testId}
      >
        <option value="draft">{t('diff.side.draftCurrent')}</option>
        {!known && value !== 'draft' && <option value={String(value)}>v{value}</option>}
        {versions.map((v) => (
          <option key={v.version} value={String(v.version)}>
            v{v.version}
            {v.note ? ` · ${v.note.slice(0, 40)}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DiffView({ initial, onClose }: { initial: { from: DiffSide; to: DiffSide }; onClose(): void }) {
  const meta = useEditor((s) => s.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const [from, setFrom] = useState<DiffSide>(initial.from);
  const [to, setTo] = useState<DiffSide>(initial.to);
  const [layout, setLayout] = useState<DiffLayout>(storedLayout);
  const [picked, setPicked] = useState<string | null>(null);
  const [versions, setVersions] = useState<FlowVersion[]>([]);
  const [error, setError] = useState<string | null>(null);
  // The draft as it is now (unsaved edits included); versions are fetched once each.
  const [defs, setDefs] = useState<ReadonlyMap<DiffSide, FlowDefinition>>(
    () => new Map([['draft', useEditor.getState().definition()]]),
  );
  const flowId = meta?.id;

  useEffect(() => {
    if (!flowId) return;
    api.flows.versions(flowId).then(
      (page) => {
        const items = (Array.isArray(page) ? page : page.items) as FlowVersion[];
        setVersions([...items].sort((a, b) => b.version - a.version));
      },
      (err) => setError(errorText(err)),
    );
  }, [flowId]);

  const asked = useRef(new Set<DiffSide>(['draft']));
  useEffect(() => {
    if (!flowId) return;
    for (const side of [from, to]) {
      if (asked.current.has(side)) continue;
      asked.current.add(side);
      api.flows
        .version(flowId, side as number)
        .then((v) => {
          if (!v.definition) throw new Error(t('diff.view.noDefinition', { version: side }));
          setDefs((m) => new Map(m).set(side, v.definition!));
        })
        .catch((err) => {
          asked.current.delete(side);
          setError(errorText(err));
        });
    }
  }, [flowId, from, to]);

  // Escape closes the comparison (unless it closes a menu or dialog over it).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('.dialog-backdrop, .popover')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const a = defs.get(from);
  const b = defs.get(to);
  const graph = useMemo(() => (a && b ? diffGraph(a, b) : null), [a, b]);
  const sides: [string, string] = [sideName(from), sideName(to)];

  const pickLayout = (l: DiffLayout) => {
    setLayout(l);
    try {
      localStorage.setItem(LAYOUT_KEY, l);
    } catch {
      // not kept
    }
  };

  const restore = (side: DiffSide) => {
    const def = defs.get(side);
    if (!def) return;
    useEditor.getState().replaceDefinition(def);
    toast(t('diff.view.restored', { side: sideName(side) }), 'success');
    onClose();
  };

  const c = graph?.diff.counts;
  return (
    <div className="diff-view" data-testid="diff-view">
      <header className="diff-bar">
        <Icon name="history" size={18} />
        <b>{t('diff.view.compare')}</b>
        <SidePicker
          label={t('diff.view.from')}
          value={from}
          versions={versions}
          onChange={(v) => (setError(null), setFrom(v))}
          testId="diff-from"
        />
        <Icon name="chevronRight" size={16} />
        <SidePicker
          label={t('diff.view.to')}
          value={to}
          versions={versions}
          onChange={(v) => (setError(null), setTo(v))}
          testId="diff-to"
        />
        {c && (
          <span className="diff-counts" data-testid="diff-counts">
            <span className="diff-count-added">{t('diff.view.added', { count: c.added })}</span>
            <span className="diff-count-removed">{t('diff.view.removed', { count: c.removed })}</span>
            <span className="diff-count-changed">{t('diff.view.changed', { count: c.changed })}</span>
            <span className="muted">
              {t('diff.view.connections', { added: c.edgesAdded, removed: c.edgesRemoved })}
            </span>
          </span>
        )}
        <div className="grow" />
        <Segmented
          value={layout}
          onChange={pickLayout}
          options={[
            { value: 'split', label: t('diff.view.split') },
            { value: 'inline', label: t('diff.view.inline') },
          ]}
          ariaLabel={t('diff.view.layout')}
          testId="diff-layout"
        />
        {!readOnly &&
          [from, to].map((side, i) =>
            side === 'draft' ? null : (
              <Button
                key={i}
                size="sm"
                icon="undo"
                disabled={!defs.has(side) || from === to}
                onClick={() => restore(side)}
                data-testid={`diff-restore-${i ? 'to' : 'from'}`}
              >
                {t('diff.view.restore', { side: sideName(side) })}
              </Button>
            ),
          )}
        <button type="button" className="btn btn-ghost btn-icon" aria-label={t('diff.view.close')} onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      {error && <ErrorBanner error={t('diff.view.loadFailed', { error })} />}
      <div className="diff-main">
        {graph ? (
          <>
            <DiffCanvas
              key={`${from}:${to}`}
              nodes={graph.nodes}
              edges={graph.edges}
              picked={picked}
              onPick={setPicked}
            />
            <aside className="node-panel diff-side" aria-label={t('diff.view.changes')}>
              <div className="node-panel-body">
                <DiffSummary diff={graph.diff} picked={picked} onPick={setPicked} layout={layout} sides={sides} />
              </div>
            </aside>
          </>
        ) : (
          !error && <Spinner label={t('diff.view.loading')} />
        )}
      </div>
    </div>
  );
}
