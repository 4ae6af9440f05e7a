/**
 * Test run: edit the sample input (call, contact, campaign, ivr, …; ready samples per trigger, the
 * flow's pinned input, a past run's), pin it with the flow, run the current draft on the server,
 * and see each node turn green or red with its duration.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { getNodeSpec, isTriggerType, respondNode } from '@callflow/flow';
import { api, ApiError, errorText } from '../api/client';
import type { RunInput, StepRecord, TestRunResult } from '../api/types';
import { t, tRich, type MessageId } from '../i18n/i18n';
import { Badge, Button, formatMs } from '../ui/components';
import { Tabs } from '../ui/form';
import { JsonField } from '../ui/list-json-inputs';
import { Icon } from '../ui/icons';
import { inputSections, loadTestInput, SAMPLES, saveTestInput } from './samples';
import { Code } from './StepDetails';
import { StepList } from './StepList';
import { useEditor } from './store';
import { TestInputPin } from './TestInputPin';
import { triggerDeadlineMs } from './timing';
import { ValidationList, useFocusNode } from './ValidationList';

/** `initialInput`: start from this input (a past run's) instead of the kept or pinned one. */
export function TestRunDrawer({ onClose, initialInput }: { onClose(): void; initialInput?: RunInput }) {
  const flowId = useEditor((s) => s.meta?.id);
  const triggerType = useEditor((s) => s.nodes.find((n) => isTriggerType(n.type ?? ''))?.type);
  const run = useEditor((s) => s.run);
  const errorCount = useEditor((s) => s.validation.errorCount);
  const pinned = useEditor((s) => s.sampleInput);
  const [input, setInput] = useState<RunInput>(
    () => initialInput ?? loadTestInput(flowId, triggerType, useEditor.getState().sampleInput),
  );
  const sections = inputSections(triggerType);
  const [section, setSection] = useState<keyof RunInput>(sections[0]!);
  const [serverIssues, setServerIssues] = useState<ApiError | null>(null);
  const abort = useRef<AbortController | null>(null);
  const samples = SAMPLES[triggerType ?? ''] ?? [];

  useEffect(() => {
    if (!sections.includes(section)) setSection(sections[0]!);
  }, [sections, section]);

  useEffect(() => {
    saveTestInput(flowId, input, pinned);
  }, [input, flowId, pinned]);

  useEffect(() => () => abort.current?.abort(), []);

  // The canvas just got shorter: show the flow in what is left, when it stays readable.
  const rf = useReactFlow();
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const nodes = rf.getNodes();
      const box = document.querySelector('.canvas')?.getBoundingClientRect();
      if (!nodes.length || !box) return;
      const b = rf.getNodesBounds(nodes);
      if (Math.min(box.width / (b.width * 1.2), box.height / (b.height * 1.2)) >= 0.5)
        void rf.fitView({ padding: 0.12, maxZoom: 1, duration: 200 });
    });
    return () => cancelAnimationFrame(frame);
  }, [rf]);

  const start = async () => {
    const s = useEditor.getState();
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setServerIssues(null);
    s.setRun({
      status: 'running',
      byNode: new Map(),
      result: undefined,
      error: undefined,
      current: undefined,
      steps: [],
    });
    // Progress lands once per frame: a batch of thousands of chunks must not redraw per step.
    let pending: StepRecord[] = [];
    let current: string | undefined;
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (ctl.signal.aborted) return;
      useEditor.getState().runProgress(current, pending);
      pending = [];
    };
    const later = () => (frame ||= requestAnimationFrame(flush));
    try {
      const body = { definition: s.definition(), input, ...(s.meta ? { flowId: s.meta.id } : {}) };
      const on = {
        node: (nodeId: string) => ((current = nodeId), later()),
        step: (step: StepRecord) => (pending.push(step), (current = undefined), later()),
      };
      const result = await api.flows.testRunStream(body, on, ctl.signal);
      cancelAnimationFrame(frame);
      if (ctl.signal.aborted) return;
      s.showSteps(result.steps ?? [], result);
    } catch (err) {
      cancelAnimationFrame(frame);
      if ((err as Error).name === 'AbortError') return;
      if (err instanceof ApiError && err.issues.length) setServerIssues(err);
      s.setRun({ status: 'error', error: errorText(err) });
    }
  };

  /** Stops the run on the server (closing the stream cancels it) and keeps what it did so far. */
  const stop = () => {
    abort.current?.abort();
    const { run: now, showSteps } = useEditor.getState();
    if (now.status !== 'running') return;
    const steps = now.steps ?? [];
    const error = { code: 'RUN_ABORTED', message: t('editor.testRun.stopped') };
    showSteps(steps, { status: 'failed', steps, output: null, error });
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void start();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section className="drawer" aria-label={t('editor.testRun.title')} data-testid="test-run">
      <header className="drawer-head">
        <h3>
          <Icon name="play" size={15} /> {t('editor.testRun.title')}
        </h3>
        {run.status === 'running' ? (
          <Button variant="danger" icon="x" onClick={stop} data-testid="run-stop" title={t('editor.testRun.stopTitle')}>
            {t('editor.testRun.stop')}
          </Button>
        ) : (
          <Button
            variant="primary"
            icon="play"
            onClick={() => void start()}
            data-testid="run-test"
            title={t('editor.testRun.runTitle')}
          >
            {t('editor.testRun.run')}
          </Button>
        )}
        <span className="muted small">{t('editor.testRun.explain')}</span>
        <div className="grow" />
        <TestInputPin input={input} />
        {(samples.length > 0 || pinned) && (
          <select
            className="input select sm"
            aria-label={t('editor.testRun.loadSample')}
            value=""
            onChange={(e) => {
              const sample = e.target.value === 'pinned' ? pinned : samples[Number(e.target.value)]?.input;
              if (sample) setInput(structuredClone(sample));
            }}
            data-testid="sample-select"
          >
            <option value="" disabled>
              {t('editor.testRun.loadSamplePlaceholder')}
            </option>
            {pinned && <option value="pinned">{t('editor.testRun.pinnedInput')}</option>}
            {samples.map((s, i) => (
              <option key={s.label} value={i}>
                {t(s.label)}
              </option>
            ))}
          </select>
        )}
        {run.status !== 'idle' && (
          <Button size="sm" variant="ghost" onClick={() => useEditor.getState().clearRun()}>
            {t('editor.testRun.clear')}
          </Button>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          aria-label={t('editor.testRun.close')}
          onClick={onClose}
        >
          <Icon name="x" />
        </button>
      </header>
      <div className="drawer-body">
        <div className="drawer-input">
          <Tabs
            value={section}
            onChange={setSection}
            tabs={sections.map((s) => ({ value: s, label: s, testId: `input-tab-${s}` }))}
          />
          <JsonField
            key={section}
            value={input[section] ?? {}}
            onChange={(v) => setInput((cur) => ({ ...cur, [section]: v as Record<string, unknown> }))}
            rows={9}
            testId={`input-${section}`}
          />
          {errorCount > 0 && (
            <p className="callout callout-warning small">
              <Icon name="alert" size={14} /> {t('editor.testRun.hasErrors', { count: errorCount })}
            </p>
          )}
        </div>
        <div className="drawer-result" data-testid="run-result">
          {run.status === 'idle' && <p className="muted pad">{t('editor.testRun.idle')}</p>}
          {run.status === 'running' && <RunProgress />}
          {run.status === 'error' && (
            <div className="pad">
              <p className="callout callout-danger" role="alert" data-testid="run-error">
                <Icon name="alert" size={14} /> <span>{run.error}</span>
              </p>
              {serverIssues && <ValidationList issues={serverIssues.issues} />}
            </div>
          )}
          {run.status === 'done' && run.result && <RunSummary result={run.result} />}
        </div>
      </div>
    </section>
  );
}

/** A run in progress: the node running now and the steps so far (click one to see it). */
function RunProgress() {
  const focus = useFocusNode();
  const steps = useEditor((s) => s.run.steps ?? NO_STEPS);
  const current = useEditor((s) => (s.run.current ? s.nodes.find((n) => n.id === s.run.current) : undefined));
  return (
    <div className="run-summary" data-testid="run-progress">
      <p className="muted">
        <span className="spinner" />{' '}
        {current
          ? tRich(
              'editor.testRun.runningNode',
              {
                b: (name) => <b data-testid="run-current">{name}</b>,
              },
              { name: current.data.name },
            )
          : t('editor.testRun.running')}{' '}
        {steps.length > 0 && t('editor.testRun.stepsDone', { count: steps.length })}
      </p>
      {steps.length > 0 && (
        <StepList
          steps={steps}
          testId="run-steps"
          onPick={(s) => {
            useEditor.getState().pickStep(s.seq);
            focus(s.nodeId);
          }}
        />
      )}
    </div>
  );
}

const NO_STEPS: StepRecord[] = [];

const RUN_STATUS: Record<TestRunResult['status'], MessageId> = {
  succeeded: 'editor.step.succeeded',
  failed: 'editor.step.failed',
  timeout: 'editor.testRun.timeout',
};

function RunSummary({ result }: { result: TestRunResult }) {
  const focus = useFocusNode();
  const nodes = useEditor((s) => s.nodes);
  const trigger = nodes.find((n) => isTriggerType(n.type ?? ''));
  const deadline = trigger ? triggerDeadlineMs(trigger) : undefined;
  const answered = useMemo(() => answerTime(result.steps), [result.steps]);
  const sync = trigger ? getNodeSpec(trigger.type ?? '')?.trigger?.mode === 'sync' : false;
  const total = result.steps.reduce((a, s) => a + s.durationMs, 0);
  const tone = result.status === 'succeeded' ? 'success' : result.status === 'timeout' ? 'warning' : 'danger';
  return (
    <div className="run-summary">
      <div className="run-line">
        <Badge tone={tone} testId="run-status">
          {t(RUN_STATUS[result.status])}
        </Badge>
        <span className="step-meta">
          <Icon name="clock" size={13} /> {t('editor.testRun.total', { time: formatMs(total) })}
        </span>
        {sync && answered !== null && (
          <span
            className={`step-meta${deadline !== undefined && answered > deadline ? ' late' : ''}`}
            data-testid="run-answered"
          >
            {deadline !== undefined && answered > deadline
              ? t('editor.testRun.answeredLate', { time: formatMs(answered), deadline: formatMs(deadline) })
              : t('editor.testRun.answered', { time: formatMs(answered) })}
          </span>
        )}
        {sync && answered === null && <span className="step-meta late">{t('editor.testRun.noRespond')}</span>}
      </div>
      {result.error && (
        <p className="callout callout-danger">
          <Icon name="alert" size={14} />
          <span>
            <b>{result.error.code}</b> {result.error.message}
          </span>
        </p>
      )}
      <div className="run-cols">
        <StepList
          steps={result.steps}
          testId="run-steps"
          onPick={(s) => {
            useEditor.getState().pickStep(s.seq);
            focus(s.nodeId);
          }}
        />
        {(result.respond || result.output !== undefined) && (
          <div className="run-output">
            <Code
              label={
                result.respond ? t('editor.testRun.answer', { status: result.respond.status }) : t('editor.step.output')
              }
              value={result.respond?.body ?? result.output}
              testId="run-output"
            />
          </div>
        )}
      </div>
    </div>
  );
}

/** Milliseconds from the first step's start to the end of the first respond step. */
function answerTime(steps: StepRecord[]): number | null {
  const first = steps[0];
  const respond = steps.find((s) => s.type === respondNode.type && s.status === 'succeeded');
  if (!first || !respond) return null;
  const t0 = Date.parse(first.startedAt);
  const t1 = Date.parse(respond.startedAt) + respond.durationMs;
  return Number.isNaN(t0) || Number.isNaN(t1) ? null : Math.max(0, t1 - t0);
}
