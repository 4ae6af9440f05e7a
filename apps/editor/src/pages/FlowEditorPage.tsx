/** The flow editor: palette, canvas, node panel, validation, save/publish, versions, test run. */
import { ReactFlowProvider } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { EVENT_TRIGGER_TYPES, isTriggerType } from '@callflow/flow';
import { api, ApiError, errorText } from '../api/client';
import type { RunInput } from '../api/types';
import { session, useCan } from '../api/session';
import { Canvas } from '../editor/Canvas';
import { StatsTint } from '../editor/StatsTint';
import { saveOnLeave, useAutosave, useLiveValidation, useShortcuts, useWritePermission } from '../editor/hooks';
import { NodePanel } from '../editor/NodePanel';
import { Palette } from '../editor/Palette';
import { useDirty, useEditor } from '../editor/store';
import { TestRunDrawer } from '../editor/TestRunDrawer';
import { ValidationList } from '../editor/ValidationList';
import { VersionsPanel } from '../editor/VersionsPanel';
import { formatDate, t } from '../i18n/i18n';
import { Badge, Button, downloadJson, ErrorBanner, Spinner, timeAgo, toast } from '../ui/components';
import { LoadError } from '../ui/access';
import { Icon } from '../ui/icons';
import type { DiffSide } from '../editor/diff/DiffView';
import { ConflictDialog, PublishDialog } from './FlowEditorDialogs';
import { FlowKeyField } from './FlowKeyField';

/** What a link to the editor may carry: a past run's input to open the test drawer with. */
export interface EditorState {
  testInput?: RunInput;
}

// The comparison of two versions loads when first opened (its own chunk).
const DiffView = lazy(() => import('../editor/diff/DiffView').then((m) => ({ default: m.DiffView })));

/** Campaign and end-of-call flows: their runs are counted per campaign (the Campaigns screen). */
const isEventTrigger = (type: string | undefined) => (EVENT_TRIGGER_TYPES as readonly string[]).includes(type ?? '');

export function FlowEditorPage() {
  const { id = '' } = useParams();
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; error: unknown; notFound: boolean } | { status: 'ready' }
  >({ status: 'loading' });

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const flow = await api.flows.get(id);
      window.__editorMetrics = { loadedAt: performance.now() };
      useEditor.getState().load(flow, { readOnly: !session.can('flows.write') });
      setState({ status: 'ready' });
    } catch (err) {
      setState({ status: 'error', error: err, notFound: err instanceof ApiError && err.status === 404 });
    }
  }, [id]);

  useEffect(() => {
    void load();
    return () => {
      // This cleanup runs before the editor's own: keep what was typed, then empty the store.
      saveOnLeave();
      useEditor.getState().reset();
    };
  }, [load]);
  useWritePermission(state.status === 'ready');

  if (state.status === 'loading') return <Spinner label={t('flows.editor.opening')} />;
  if (state.status === 'error') {
    return (
      <div className="page">
        <div className="page-body">
          {state.notFound ? (
            <ErrorBanner error={t('flows.editor.notFound')} />
          ) : (
            <LoadError
              error={state.error}
              onRetry={() => void load()}
              headline={t('shell.noAccess.flows')}
              permission="flows.read"
            />
          )}
          <p>
            <Link to="/flows">{t('flows.editor.backLink')}</Link>
          </p>
        </div>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor reload={load} />
    </ReactFlowProvider>
  );
}

function Editor({ reload }: { reload(): Promise<void> }) {
  useLiveValidation();
  const { saveNow } = useAutosave();
  useShortcuts(saveNow);
  const selection = useEditor((s) => s.selection);
  const readOnly = useEditor((s) => s.readOnly);
  // A past run's input (ExecutionPage, "Test with this input"): the test drawer opens holding it.
  const location = useLocation();
  const navigate = useNavigate();
  const [testInput, setTestInput] = useState(() => (location.state as EditorState | null)?.testInput);
  const [drawer, setDrawer] = useState(testInput !== undefined);
  useEffect(() => {
    if (testInput) void navigate(location.pathname, { replace: true, state: null });
  }, [testInput, navigate, location.pathname]);
  const [side, setSide] = useState<'versions' | null>(null);
  const [dialog, setDialog] = useState<'publish' | 'problems' | null>(null);
  const [compare, setCompare] = useState<{ from: DiffSide; to: DiffSide } | null>(null);
  const selected = selection.nodes.length === 1 ? selection.nodes[0] : undefined;

  return (
    <div className="editor" data-testid="editor">
      <EditorBar
        saveNow={saveNow}
        onPublish={() => setDialog('publish')}
        onProblems={() => setDialog(dialog === 'problems' ? null : 'problems')}
        onTest={() => setDrawer(!drawer)}
        testOpen={drawer}
        onVersions={() => setSide(side === 'versions' ? null : 'versions')}
      />
      {compare ? (
        <Suspense fallback={<Spinner label={t('flows.editor.loadingComparison')} />}>
          <DiffView initial={compare} onClose={() => setCompare(null)} />
        </Suspense>
      ) : (
        <div className="editor-main">
          {!readOnly && <Palette />}
          <div className="canvas-col">
            <Canvas readOnly={readOnly} overlay={<StatsTint />} />
            {drawer && (
              <TestRunDrawer
                onClose={() => {
                  setDrawer(false);
                  setTestInput(undefined);
                }}
                initialInput={testInput}
              />
            )}
          </div>
          {side === 'versions' ? (
            <VersionsPanel
              onClose={() => setSide(null)}
              saveNow={saveNow}
              onCompare={(version) => setCompare({ from: version, to: 'draft' })}
            />
          ) : selected ? (
            <NodePanel key={selected} nodeId={selected} onClose={() => useEditor.getState().selectNode(null)} />
          ) : null}
        </div>
      )}
      {dialog === 'problems' && (
        <div className="popover problems-pop" data-testid="problems">
          <div className="popover-head">
            <b>{t('flows.editor.problems')}</b>
            <button
              type="button"
              className="btn btn-ghost btn-icon btn-sm"
              aria-label={t('common.close')}
              onClick={() => setDialog(null)}
            >
              <Icon name="x" size={14} />
            </button>
          </div>
          <ValidationList />
        </div>
      )}
      {dialog === 'publish' && <PublishDialog saveNow={saveNow} onClose={() => setDialog(null)} />}
      <ConflictDialog reload={reload} />
    </div>
  );
}

function EditorBar({
  saveNow,
  onPublish,
  onProblems,
  onTest,
  testOpen,
  onVersions,
}: {
  saveNow(): Promise<boolean>;
  onPublish(): void;
  onProblems(): void;
  onTest(): void;
  testOpen: boolean;
  onVersions(): void;
}) {
  const meta = useEditor((s) => s.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const errors = useEditor((s) => s.validation.errorCount);
  const warnings = useEditor((s) => s.validation.warningCount);
  const triggerType = useEditor((s) => s.nodes.find((n) => isTriggerType(n.type ?? ''))?.type);
  const navigate = useNavigate();
  const can = useCan();
  if (!meta) return null;
  return (
    <header className="editor-bar">
      <Link
        to="/flows"
        className="btn btn-ghost btn-icon"
        aria-label={t('flows.editor.back')}
        title={t('flows.editor.back')}
      >
        <Icon name="chevronLeft" />
      </Link>
      <div className="flow-title">
        <input
          className="title-input"
          value={meta.name}
          aria-label={t('flows.editor.name')}
          readOnly={readOnly}
          onChange={(e) => useEditor.getState().setFlowName(e.target.value)}
          onBlur={(e) => !e.target.value.trim() && useEditor.getState().setFlowName(t('flows.editor.untitled'))}
          data-testid="flow-name"
        />
        <div className="flow-sub">
          <FlowKeyField saveNow={saveNow} />
          {meta.publishedVersion ? (
            <Badge tone="success" testId="published-badge">
              {t('flows.editor.live', { version: meta.publishedVersion })}
            </Badge>
          ) : (
            <Badge testId="published-badge">{t('flows.editor.draftOnly')}</Badge>
          )}
          <SaveStatus saveNow={saveNow} />
        </div>
      </div>
      <div className="grow" />
      {!readOnly && (
        <div className="btn-group">
          <Button
            variant="ghost"
            icon="undo"
            onClick={() => useEditor.getState().undo()}
            disabled={!canUndo}
            aria-label={t('flows.editor.undo')}
            title={t('flows.editor.undoTitle')}
          />
          <Button
            variant="ghost"
            icon="redo"
            onClick={() => useEditor.getState().redo()}
            disabled={!canRedo}
            aria-label={t('flows.editor.redo')}
            title={t('flows.editor.redoTitle')}
          />
        </div>
      )}
      <button
        type="button"
        className={`problems-btn${errors ? ' has-errors' : warnings ? ' has-warnings' : ''}`}
        onClick={onProblems}
        data-testid="problems-button"
        title={t('flows.editor.showProblems')}
      >
        <Icon name={errors ? 'alert' : warnings ? 'info' : 'check'} size={15} />
        {errors
          ? t('flows.editor.errors', { count: errors })
          : warnings
            ? t('flows.editor.warnings', { count: warnings })
            : t('flows.editor.valid')}
      </button>
      <Button
        variant="ghost"
        icon="history"
        onClick={onVersions}
        data-testid="versions-button"
        aria-label={t('editor.versions.title')}
      >
        <span className="bar-label">{t('editor.versions.title')}</span>
      </Button>
      <Button
        variant="ghost"
        icon="download"
        aria-label={t('flows.exportJson')}
        title={t('flows.exportJson')}
        onClick={async () => {
          try {
            await saveNow();
            downloadJson(`${meta.key}.flow.json`, await api.flows.export(meta.id));
          } catch (err) {
            toast(t('flows.exportFailed', { error: errorText(err) }), 'error');
          }
        }}
      />
      <Button
        variant="ghost"
        icon="list"
        onClick={() => navigate(`/executions?flowId=${meta.id}`)}
        title={t('flows.editor.runsTitle')}
        aria-label={t('flows.editor.runs')}
      >
        <span className="bar-label">{t('flows.editor.runs')}</span>
      </Button>
      {can('executions.read') && (
        <Button
          variant="ghost"
          icon="chart"
          onClick={() => navigate(`/flows/${meta.id}/stats`)}
          title={t('stats.openTitle')}
          aria-label={t('stats.open')}
          data-testid="flow-stats"
        >
          <span className="bar-label">{t('stats.open')}</span>
        </Button>
      )}
      {can('executions.read') && isEventTrigger(triggerType) && (
        <Button
          variant="ghost"
          icon="megaphone"
          onClick={() => navigate(`/campaigns?flowId=${meta.id}`)}
          title={t('flows.editor.campaignsTitle')}
          aria-label={t('flows.editor.campaigns')}
          data-testid="flow-campaigns"
        >
          <span className="bar-label">{t('flows.editor.campaigns')}</span>
        </Button>
      )}
      {can('flows.run') ? (
        <Button
          icon="play"
          onClick={onTest}
          className={testOpen ? 'active' : ''}
          data-testid="test-button"
          title={triggerType ? t('editor.testRun.title') : t('flows.editor.addTriggerFirst')}
          aria-label={t('flows.editor.test')}
        >
          <span className="bar-label keep">{t('flows.editor.test')}</span>
        </Button>
      ) : null}
      {can('flows.publish') && (
        <Button variant="primary" icon="rocket" onClick={onPublish} data-testid="publish-button">
          {t('flows.publish.action')}
        </Button>
      )}
    </header>
  );
}

function SaveStatus({ saveNow }: { saveNow(): Promise<boolean> }) {
  const save = useEditor((s) => s.save);
  const dirty = useDirty();
  const readOnly = useEditor((s) => s.readOnly);
  const updatedAt = useEditor((s) => s.meta?.updatedAt);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (readOnly) return <span className="save-status">{t('flows.save.readOnly')}</span>;
  if (save.status === 'saving')
    return (
      <span className="save-status" data-testid="save-status" data-state="saving">
        <span className="spinner xs" /> {t('flows.save.saving')}
      </span>
    );
  if (save.status === 'error')
    return (
      <span className="save-status err" data-testid="save-status" data-state="error">
        <Icon name="alert" size={13} />
        {/* A long reason is cut (whole in the tooltip); Retry stays on screen after it. */}
        <span
          className="save-message"
          title={t('editor.save.notSaved', { error: save.message })}
          data-testid="save-message"
        >
          {t('editor.save.notSaved', { error: save.message })}
        </span>
        <button type="button" className="link" onClick={() => void saveNow()} data-testid="save-retry">
          {t('common.retry')}
        </button>
      </span>
    );
  if (save.status === 'conflict')
    return (
      <span className="save-status err" data-testid="save-status" data-state="conflict">
        <Icon name="alert" size={13} /> {t('flows.save.conflict')}
      </span>
    );
  if (dirty)
    return (
      <span className="save-status" data-testid="save-status" data-state="dirty">
        {t('flows.save.dirty')}
      </span>
    );
  const at = save.at ? new Date(save.at).toISOString() : updatedAt;
  const saved = at ? t('flows.save.savedAgo', { ago: timeAgo(at) }) : t('flows.save.saved');
  // The header may cut it on a narrow screen: the tooltip has it whole, with the time.
  const title = at ? `${saved} · ${formatDate(at)}` : saved;
  return (
    <span className="save-status ok" data-testid="save-status" data-state="saved" title={title}>
      <Icon name="check" size={13} /> {saved}
    </span>
  );
}
