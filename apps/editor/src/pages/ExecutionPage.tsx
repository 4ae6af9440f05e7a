/** One past run, opened on the canvas of the version that ran, with the same per-node details. */
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { useCan } from '../api/session';
import type { ExecutionDetail, FlowDefinition } from '../api/types';
import { Canvas } from '../editor/Canvas';
import { Code } from '../editor/StepDetails';
import { NodeRun, StepList } from '../editor/StepList';
import { useShownStep } from '../editor/store/flow-hooks';
import { useEditor } from '../editor/store';
import { Badge, formatDateTime, formatMs, Spinner, StatusBadge } from '../ui/components';
import { LoadError } from '../ui/access';
import type { EditorState } from './FlowEditorPage';
import { Tabs } from '../ui/form';
import { Icon } from '../ui/icons';
import { RetryButton } from './runs/RetryButton';
import { t } from '../i18n/i18n';
import { nodeLabel } from '../i18n/node-text';
import { triggerText } from './runs/run-triggers';

type Source = 'version' | 'draft' | 'none';

export function ExecutionPage() {
  const { id = '' } = useParams();
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'error'; error: unknown }
    | { status: 'ok'; exec: ExecutionDetail; source: Source; flowName?: string }
  >({ status: 'loading' });

  const load = useCallback(
    async (quiet = false) => {
      if (!quiet) setState({ status: 'loading' });
      try {
        const exec = await api.executions.get(id);
        let definition: FlowDefinition | undefined;
        let source: Source = definition ? 'version' : 'none';
        let flowName: string | undefined;
        if (!definition && exec.flowId) {
          try {
            if (exec.flowVersion) {
              definition = (await api.flows.version(exec.flowId, exec.flowVersion)).definition;
              source = definition ? 'version' : 'none';
            }
            if (!definition) {
              const flow = await api.flows.get(exec.flowId);
              definition = flow.definition;
              flowName = flow.name;
              source = 'draft';
            }
          } catch {
            // the canvas is optional: steps are still listed
          }
        }
        if (exec.flowId && !flowName)
          flowName = await api.flows.get(exec.flowId).then(
            (f) => f.name,
            () => undefined,
          );
        window.__editorMetrics = { loadedAt: performance.now() };
        useEditor
          .getState()
          .load(
            { meta: null, definition: definition ?? { schemaVersion: 1, nodes: [], edges: [] } },
            { readOnly: true },
          );
        useEditor.getState().showSteps(exec.steps ?? [], {
          status: exec.status === 'timeout' ? 'timeout' : exec.status === 'succeeded' ? 'succeeded' : 'failed',
          steps: exec.steps ?? [],
          output: exec.output,
        });
        setState({ status: 'ok', exec, source: definition ? source : 'none', flowName });
      } catch (err) {
        setState({ status: 'error', error: err });
      }
    },
    [id],
  );

  useEffect(() => {
    void load();
    return () => useEditor.getState().reset();
  }, [load]);

  // A queued or running run (a retry just queued) is read again until it ends.
  const unfinished = state.status === 'ok' && (state.exec.status === 'queued' || state.exec.status === 'running');
  useEffect(() => {
    if (!unfinished) return;
    const timer = setTimeout(() => void load(true), 1000);
    return () => clearTimeout(timer);
  }, [unfinished, state, load]);

  if (state.status === 'loading') return <Spinner label={t('runs.opening')} />;
  if (state.status === 'error')
    return (
      <div className="page">
        <div className="page-body">
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.executions')}
            permission="executions.read"
          />
          <Link to="/executions">← {t('runs.all')}</Link>
        </div>
      </div>
    );
  return (
    <ReactFlowProvider>
      <ExecutionView exec={state.exec} source={state.source} flowName={state.flowName} />
    </ReactFlowProvider>
  );
}

function ExecutionView({ exec, source, flowName }: { exec: ExecutionDetail; source: Source; flowName?: string }) {
  const selection = useEditor((s) => s.selection);
  const step = useShownStep(selection.nodes.length === 1 ? selection.nodes[0] : undefined);
  const nodeName = useEditor((s) =>
    selection.nodes.length === 1 ? s.nodes.find((n) => n.id === selection.nodes[0])?.data.name : undefined,
  );
  const [tab, setTab] = useState<'steps' | 'input' | 'output'>('steps');
  const navigate = useNavigate();
  const canRun = useCan()('flows.run');

  return (
    <div className="editor" data-testid="execution-view">
      <header className="editor-bar">
        <Link to="/executions" className="btn btn-ghost btn-icon" aria-label={t('runs.all')} title={t('runs.all')}>
          <Icon name="chevronLeft" />
        </Link>
        <div className="flow-title">
          <div className="exec-title">
            {flowName ?? (exec.flowId ? t('runs.col.flow') : t('runs.draftTestRun'))}
            {exec.flowVersion ? (
              <Badge tone="accent">{t('runs.version', { version: exec.flowVersion })}</Badge>
            ) : (
              <Badge>{t('runs.draft')}</Badge>
            )}
            <StatusBadge status={exec.status} />
          </div>
          <div className="flow-sub">
            <span>{formatDateTime(exec.startedAt)}</span>
            <span>· {formatMs(exec.durationMs)}</span>
            <span>· {triggerText(exec.triggerType)}</span>
            {exec.callId && <span className="mono">· {t('runs.call', { callId: exec.callId })}</span>}
            {exec.phone && <span className="mono">· {exec.phone}</span>}
          </div>
        </div>
        <div className="grow" />
        <RetryButton run={exec} onQueued={(id) => navigate(`/executions/${id}`)} />
        {exec.flowId && (
          <>
            {canRun && (
              <Link
                className="btn btn-ghost"
                to={`/flows/${exec.flowId}`}
                state={{ testInput: exec.input } satisfies EditorState}
                data-testid="rerun-input"
                title={t('runs.rerun.title')}
              >
                <Icon name="play" /> {t('runs.rerun')}
              </Link>
            )}
            <Link className="btn btn-secondary" to={`/flows/${exec.flowId}`}>
              <Icon name="flow" /> {t('runs.openFlow')}
            </Link>
          </>
        )}
      </header>
      {source === 'draft' && (
        <div className="banner-warning">
          <Icon name="info" size={14} /> {t('runs.draftShown')}
        </div>
      )}
      {exec.error && (
        <div className={exec.error.handled ? 'banner-warning' : 'banner-danger'} data-testid="execution-error">
          <Icon name="alert" size={14} />{' '}
          {exec.error.handled && (
            <>{exec.error.node ? t('runs.handledBy', { node: exec.error.node }) : t('runs.handledByANode')} </>
          )}
          <b>{exec.error.code}</b> {exec.error.message}
        </div>
      )}
      <div className="editor-main">
        <div className="canvas-col">
          {source === 'none' ? <p className="muted pad">{t('runs.flowGone')}</p> : <Canvas readOnly />}
        </div>
        <aside className="node-panel" data-testid="execution-panel">
          {step ? (
            <>
              <header className="node-panel-head">
                <div className="grow">
                  <div className="node-panel-type">{nodeName}</div>
                  <div className="node-panel-desc">{nodeLabel(step.type)}</div>
                </div>
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={t('runs.backToRun')}
                  onClick={backToRun}
                >
                  <Icon name="x" />
                </button>
              </header>
              <div className="node-panel-body">
                <NodeRun nodeId={step.nodeId} step={step} />
              </div>
            </>
          ) : (
            <>
              <div className="node-panel-tabs">
                <Tabs
                  value={tab}
                  onChange={setTab}
                  tabs={[
                    { value: 'steps', label: t('runs.tab.steps'), count: exec.steps?.length },
                    { value: 'input', label: t('runs.tab.input') },
                    { value: 'output', label: t('runs.tab.output') },
                  ]}
                />
              </div>
              <div className="node-panel-body">
                {tab === 'steps' && <StepsList exec={exec} />}
                {tab === 'input' && <Code value={exec.input} testId="execution-input" />}
                {tab === 'output' && <Code value={exec.output} testId="execution-output" />}
              </div>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}

/** Closes the step: no step picked, no node selected (the steps list shows again). */
function backToRun() {
  useEditor.getState().pickStep(null);
  useEditor.getState().selectNode(null);
}

function StepsList({ exec }: { exec: ExecutionDetail }) {
  if (!exec.steps?.length) return <p className="muted pad">{t('runs.noSteps')}</p>;
  return (
    <StepList
      steps={exec.steps}
      testId="execution-steps"
      onPick={(s) => {
        useEditor.getState().pickStep(s.seq);
        useEditor.getState().selectNode(s.nodeId);
      }}
    />
  );
}
