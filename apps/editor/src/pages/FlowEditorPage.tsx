/** The flow editor: palette, canvas, node panel, validation, save/publish, versions, test run. */
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isTriggerType } from '@callflow/flow';
import { api, ApiError, errorText } from '../api/client';
import type { FlowDetail } from '../api/types';
import { session, useCan } from '../auth/session';
import { Canvas } from '../editor/Canvas';
import { useAutosave, useLiveValidation, useShortcuts, useWritePermission } from '../editor/hooks';
import { NodePanel } from '../editor/NodePanel';
import { Palette } from '../editor/Palette';
import { useDirty, useEditor } from '../editor/store';
import { TestRunDrawer } from '../editor/TestRunDrawer';
import { ValidationList } from '../editor/ValidationList';
import { VersionsPanel } from '../editor/VersionsPanel';
import { Badge, Button, Dialog, downloadJson, ErrorBanner, Spinner, timeAgo, toast } from '../ui/components';
import { Icon } from '../ui/icons';

export function FlowEditorPage() {
  const { id = '' } = useParams();
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; message: string; notFound: boolean } | { status: 'ready' }
  >({ status: 'loading' });

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const flow = await api.flows.get(id);
      window.__editorMetrics = { loadedAt: performance.now() };
      useEditor.getState().load(flow, { readOnly: !session.can('flows.write') });
      setState({ status: 'ready' });
    } catch (err) {
      setState({ status: 'error', message: errorText(err), notFound: err instanceof ApiError && err.status === 404 });
    }
  }, [id]);

  useEffect(() => {
    void load();
    return () => useEditor.getState().reset();
  }, [load]);
  useWritePermission(state.status === 'ready');

  if (state.status === 'loading') return <Spinner label="Opening flow…" />;
  if (state.status === 'error') {
    return (
      <div className="page">
        <div className="page-body">
          <ErrorBanner
            error={state.notFound ? 'This flow does not exist (or belongs to another tenant).' : state.message}
            onRetry={state.notFound ? undefined : () => void load()}
          />
          <p>
            <Link to="/flows">← Back to flows</Link>
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
  const [drawer, setDrawer] = useState(false);
  const [side, setSide] = useState<'versions' | null>(null);
  const [dialog, setDialog] = useState<'publish' | 'problems' | null>(null);
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
      <div className="editor-main">
        {!readOnly && <Palette />}
        <div className="canvas-col">
          <Canvas readOnly={readOnly} />
          {drawer && <TestRunDrawer onClose={() => setDrawer(false)} />}
        </div>
        {side === 'versions' ? (
          <VersionsPanel onClose={() => setSide(null)} saveNow={saveNow} />
        ) : selected ? (
          <NodePanel key={selected} nodeId={selected} onClose={() => useEditor.getState().selectNode(null)} />
        ) : null}
      </div>
      {dialog === 'problems' && (
        <div className="popover problems-pop" data-testid="problems">
          <div className="popover-head">
            <b>Problems</b>
            <button
              type="button"
              className="btn btn-ghost btn-icon btn-sm"
              aria-label="Close"
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
      <Link to="/flows" className="btn btn-ghost btn-icon" aria-label="Back to flows" title="Back to flows">
        <Icon name="chevronLeft" />
      </Link>
      <div className="flow-title">
        <input
          className="title-input"
          value={meta.name}
          aria-label="Flow name"
          readOnly={readOnly}
          onChange={(e) => useEditor.getState().setFlowName(e.target.value)}
          onBlur={(e) => !e.target.value.trim() && useEditor.getState().setFlowName('Untitled flow')}
          data-testid="flow-name"
        />
        <div className="flow-sub">
          <code title="Flow key: used in trigger URLs">{meta.key}</code>
          {meta.publishedVersion ? (
            <Badge tone="success" testId="published-badge">
              v{meta.publishedVersion} live
            </Badge>
          ) : (
            <Badge testId="published-badge">Draft only</Badge>
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
            aria-label="Undo"
            title="Undo (Ctrl+Z)"
          />
          <Button
            variant="ghost"
            icon="redo"
            onClick={() => useEditor.getState().redo()}
            disabled={!canRedo}
            aria-label="Redo"
            title="Redo (Ctrl+Shift+Z)"
          />
        </div>
      )}
      <button
        type="button"
        className={`problems-btn${errors ? ' has-errors' : warnings ? ' has-warnings' : ''}`}
        onClick={onProblems}
        data-testid="problems-button"
        title="Show problems"
      >
        <Icon name={errors ? 'alert' : warnings ? 'info' : 'check'} size={15} />
        {errors
          ? `${errors} error${errors > 1 ? 's' : ''}`
          : warnings
            ? `${warnings} warning${warnings > 1 ? 's' : ''}`
            : 'Valid'}
      </button>
      <Button variant="ghost" icon="history" onClick={onVersions} data-testid="versions-button">
        Versions
      </Button>
      <Button
        variant="ghost"
        icon="download"
        aria-label="Export JSON"
        title="Export JSON"
        onClick={async () => {
          try {
            await saveNow();
            downloadJson(`${meta.key}.flow.json`, await api.flows.export(meta.id));
          } catch (err) {
            toast(`Export failed: ${errorText(err)}`, 'error');
          }
        }}
      />
      <Button
        variant="ghost"
        icon="list"
        onClick={() => navigate(`/executions?flowId=${meta.id}`)}
        title="Runs of this flow"
      >
        Runs
      </Button>
      {can('flows.run') ? (
        <Button
          icon="play"
          onClick={onTest}
          className={testOpen ? 'active' : ''}
          data-testid="test-button"
          title={triggerType ? 'Test run' : 'Add a trigger first'}
        >
          Test
        </Button>
      ) : null}
      {can('flows.publish') && (
        <Button variant="primary" icon="rocket" onClick={onPublish} data-testid="publish-button">
          Publish
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
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);
  if (readOnly) return <span className="save-status">Read only</span>;
  if (save.status === 'saving')
    return (
      <span className="save-status" data-testid="save-status" data-state="saving">
        <span className="spinner xs" /> Saving…
      </span>
    );
  if (save.status === 'error')
    return (
      <span className="save-status err" data-testid="save-status" data-state="error" title={save.message}>
        <Icon name="alert" size={13} /> Not saved: {save.message}{' '}
        <button type="button" className="link" onClick={() => void saveNow()}>
          Retry
        </button>
      </span>
    );
  if (save.status === 'conflict')
    return (
      <span className="save-status err" data-testid="save-status" data-state="conflict">
        <Icon name="alert" size={13} /> Changed elsewhere
      </span>
    );
  if (dirty)
    return (
      <span className="save-status" data-testid="save-status" data-state="dirty">
        Unsaved changes
      </span>
    );
  return (
    <span className="save-status ok" data-testid="save-status" data-state="saved">
      <Icon name="check" size={13} />{' '}
      {save.at
        ? `Saved ${timeAgo(new Date(save.at).toISOString())}`
        : updatedAt
          ? `Saved ${timeAgo(updatedAt)}`
          : 'Saved'}
    </span>
  );
}

function PublishDialog({ saveNow, onClose }: { saveNow(): Promise<boolean>; onClose(): void }) {
  const errors = useEditor((s) => s.validation.result?.errors ?? []);
  const warnings = useEditor((s) => s.validation.result?.warnings ?? []);
  const meta = useEditor((s) => s.meta);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const blocked = errors.length > 0;

  const publish = async () => {
    if (!meta || blocked) return;
    setBusy(true);
    setFailure(null);
    try {
      const saved = await saveNow();
      if (!saved)
        throw new Error(useEditor.getState().save.message ?? 'The draft could not be saved, so it was not published.');
      const res = await api.flows.publish(meta.id, note.trim() ? { note: note.trim() } : {});
      useEditor
        .getState()
        .setMeta({ publishedVersion: res.publishedVersion ?? res.version, latestVersion: res.version });
      toast(`Published version ${res.version}`, 'success');
      onClose();
    } catch (err) {
      setFailure(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Publish flow"
      onClose={onClose}
      width={560}
      testId="publish-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            icon="rocket"
            onClick={() => void publish()}
            disabled={blocked}
            busy={busy}
            data-testid="publish-confirm"
          >
            Publish
          </Button>
        </>
      }
    >
      {blocked ? (
        <>
          <p className="callout callout-danger" data-testid="publish-blocked">
            <Icon name="alert" size={14} />
            <span>
              Fix {errors.length} error{errors.length > 1 ? 's' : ''} before publishing. Click one to go to its node.
            </span>
          </p>
          <ValidationList issues={errors} onPicked={onClose} />
        </>
      ) : (
        <>
          <p>
            Publishing makes this draft an immutable version{' '}
            <b>v{(meta?.latestVersion ?? meta?.publishedVersion ?? 0) + 1}</b> and switches the triggers of{' '}
            <code>{meta?.key}</code> to it. Earlier versions stay in the history.
          </p>
          {warnings.length > 0 && (
            <details className="warn-details">
              <summary>
                {warnings.length} warning{warnings.length > 1 ? 's' : ''} (publishing is allowed)
              </summary>
              <ValidationList issues={warnings} onPicked={onClose} />
            </details>
          )}
          <label className="field-label" htmlFor="publish-note">
            Note
          </label>
          <textarea
            id="publish-note"
            className="input"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What changed, e.g. “VIP lookup now uses the new CRM endpoint”"
            data-testid="publish-note"
            autoFocus
          />
        </>
      )}
      {failure && (
        <div className="callout callout-danger" role="alert" data-testid="publish-error">
          <Icon name="alert" size={14} />
          <div>
            {failure.message}
            {failure instanceof ApiError && failure.issues.length > 0 && (
              <ValidationList issues={failure.issues} onPicked={onClose} />
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}

/** A 409 on save: someone else saved this flow since it was opened. The admin chooses. */
function ConflictDialog({ reload }: { reload(): Promise<void> }) {
  const save = useEditor((s) => s.save);
  const meta = useEditor((s) => s.meta);
  const [busy, setBusy] = useState<string | null>(null);
  const [theirs, setTheirs] = useState<FlowDetail | null>(null);
  const navigate = useNavigate();

  useEffect(() => {
    if (save.status !== 'conflict' || !meta) return;
    api.flows.get(meta.id).then(setTheirs, () => setTheirs(null));
  }, [save.status, meta]);

  if (save.status !== 'conflict' || !meta) return null;

  const overwrite = async () => {
    setBusy('overwrite');
    try {
      const latest = theirs ?? (await api.flows.get(meta.id));
      const s = useEditor.getState();
      const res = await api.flows.update(meta.id, {
        name: s.meta!.name,
        definition: s.definition(),
        revision: latest.revision,
      });
      s.setSave(
        { status: 'saved', at: Date.now() },
        { seq: s.changeSeq, revision: res?.revision ?? latest.revision + 1, updatedAt: res?.updatedAt },
      );
      toast('Your version was saved over the other one', 'success');
    } catch (err) {
      toast(`Could not save: ${errorText(err)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  const saveAsCopy = async () => {
    setBusy('copy');
    try {
      const s = useEditor.getState();
      const created = await api.flows.create({ name: `${s.meta!.name} (my copy)`, definition: s.definition() });
      s.setSave({ status: 'saved' }, { seq: s.changeSeq });
      toast('Saved your changes as a new flow', 'success');
      navigate(`/flows/${created.id}`);
    } catch (err) {
      toast(`Could not create the copy: ${errorText(err)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog title="This flow was changed elsewhere" onClose={() => void 0} width={540} testId="conflict-dialog">
      <p>
        Someone saved this flow after you opened it
        {theirs?.updatedAt
          ? ` (${timeAgo(theirs.updatedAt)}${theirs.updatedByEmail ? ` by ${theirs.updatedByEmail}` : ''})`
          : ''}
        . Your changes are not saved yet. What should happen?
      </p>
      <div className="choice-list">
        <button
          type="button"
          className="choice"
          onClick={() => void overwrite()}
          disabled={!!busy}
          data-testid="conflict-overwrite"
        >
          <b>Keep mine</b>
          <span>
            Save my version over theirs. Their draft changes are replaced (published versions are never touched).
          </span>
        </button>
        <button
          type="button"
          className="choice"
          onClick={() => void saveAsCopy()}
          disabled={!!busy}
          data-testid="conflict-copy"
        >
          <b>Save mine as a new flow</b>
          <span>Both versions are kept; this one opens as “(my copy)”.</span>
        </button>
        <button
          type="button"
          className="choice"
          disabled={!!busy}
          data-testid="conflict-reload"
          onClick={() => {
            downloadJson(`${meta.key}.mine.flow.json`, useEditor.getState().definition());
            void reload();
          }}
        >
          <b>Load theirs</b>
          <span>Discard my changes (a copy of them is downloaded as JSON first).</span>
        </button>
      </div>
    </Dialog>
  );
}
