/**
 * The right-hand panel for the selected node: name, the node type's form (from the PANELS map),
 * its problems, notes, and — after a run — what it sent and received.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { getNodeSpec, nodeNameSchema, type ValidationIssue } from '@callflow/flow';
import { t } from '../i18n/i18n';
import { Button } from '../ui/components';
import { Field, Issues, Tabs, TextInput, useFieldId } from '../ui/form';
import { JsonField } from '../ui/list-json-inputs';
import { Icon } from '../ui/icons';
import type { EditorEdge } from './convert';
import { HowToCall } from './HowToCall';
import { PANELS } from './panels';
import { Section } from './panels/shared';
import { NodeRun } from './StepList';
import { useShownStep } from './store/flow-hooks';
import { useEditor } from './store';
import { nodeDescription, nodeLabel } from '../i18n/node-text';

const NO_ISSUES: ValidationIssue[] = [];

/**
 * Names take "_" for spaces. A space typed mid-name makes the input's value differ from what was
 * typed, and React then puts the caret at the end: it is put back once the value is in.
 */
function renameKeepingCaret(typed: string, rename: (name: string) => void): void {
  const name = typed.replace(/\s+/g, '_');
  const input = document.activeElement instanceof HTMLInputElement ? document.activeElement : null;
  const caret = input?.selectionStart ?? null;
  rename(name);
  if (name === typed || !input || caret === null) return;
  const at = typed.slice(0, caret).replace(/\s+/g, '_').length;
  // React commits this keystroke's update in a microtask queued before this one (or before it
  // returns): the caret is back before the next key; the frame covers a later commit.
  const back = () => input.setSelectionRange(at, at);
  queueMicrotask(back);
  requestAnimationFrame(back);
}

export function NodePanel({ nodeId, onClose }: { nodeId: string; onClose(): void }) {
  const node = useEditor((s) => s.nodes.find((n) => n.id === nodeId));
  const readOnly = useEditor((s) => s.readOnly);
  const issues = useEditor((s) => s.validation.byNode.get(nodeId) ?? NO_ISSUES);
  const step = useShownStep(nodeId);
  // Opened after a run (or on a past one): what the node sent and got comes first.
  const ran = useEditor((s) => s.run.status === 'done');
  const [tab, setTab] = useState<'settings' | 'run'>(step && (readOnly || ran) ? 'run' : 'settings');
  const nameId = useFieldId();
  const notesId = useFieldId();

  // A step picked in a steps list (test run, a batch chunk) is shown at once.
  const picked = useEditor((s) => s.run.picked);
  useEffect(() => {
    if (step && (readOnly || (picked !== undefined && step.seq === picked))) setTab('run');
  }, [step, readOnly, nodeId, picked]);

  const update = useEditor((s) => s.updateNode);
  const rename = useEditor((s) => s.renameNode);
  const config = node?.data.config ?? {};

  const patch = useCallback(
    (p: Record<string, unknown>, field?: string) => {
      const cur = useEditor.getState().nodes.find((n) => n.id === nodeId)?.data.config ?? {};
      const next: Record<string, unknown> = { ...cur, ...p };
      for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
      update(nodeId, { config: next }, field ? `config.${field}` : undefined);
    },
    [nodeId, update],
  );
  const replace = useCallback(
    (next: Record<string, unknown>, field?: string, edges?: (e: EditorEdge[]) => EditorEdge[]) => {
      const clean = { ...next };
      for (const k of Object.keys(clean)) if (clean[k] === undefined) delete clean[k];
      update(nodeId, { config: clean }, field ? `config.${field}` : undefined, edges);
    },
    [nodeId, update],
  );
  const issuesAt = useCallback(
    (path: string) => {
      const full = path ? `config.${path}` : 'config';
      return issues.filter((i) => i.path === full || (path === '' && i.path.startsWith('config')));
    },
    [issues],
  );

  const nameTaken = useEditor((s) => !!node && s.nodes.some((n) => n.id !== nodeId && n.data.name === node.data.name));
  const nameIssues = useMemo(() => {
    if (!node) return [];
    const local = nodeNameSchema.safeParse(node.data.name);
    const own = issues.filter((i) => i.path === 'name' && i.code !== 'duplicate_name');
    if (!local.success && !own.length) return [local.error.issues[0]?.message ?? t('editor.panel.invalidName')];
    // A shared name is said in the editor's language and as it is typed (the validator's issue, on
    // both nodes, follows the check's debounce).
    if (nameTaken) return [...own.map((i) => i.message), t('editor.panel.nameTaken', { name: node.data.name })];
    return own;
  }, [node, issues, nameTaken]);

  if (!node) return null;
  const spec = getNodeSpec(node.type ?? '');
  const def = PANELS[node.type ?? ''];
  const Panel = def?.Panel;
  const general = issues.filter((i) => !i.path.startsWith('config') && i.path !== 'name');
  const configIssues = issues.filter((i) => i.path.startsWith('config'));

  return (
    <aside
      className="node-panel"
      aria-label={t('editor.panel.label', { name: node.data.name })}
      data-testid="node-panel"
    >
      <header className={`node-panel-head cat-${spec?.category ?? 'unknown'}`}>
        <span className="node-icon">
          <Icon name={def?.icon ?? 'flow'} size={18} />
        </span>
        <div className="grow">
          <div className="node-panel-type">{nodeLabel(node.type ?? '')}</div>
          <div className="node-panel-desc">
            {spec ? nodeDescription(node.type ?? '') : t('editor.panel.unknownType')}
          </div>
        </div>
        <button type="button" className="btn btn-ghost btn-icon" aria-label={t('editor.panel.close')} onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      <div className="node-panel-tabs">
        <Tabs
          value={tab}
          onChange={setTab}
          tabs={[
            {
              value: 'settings',
              label: t('editor.panel.tabSettings'),
              count: issues.filter((i) => i.severity === 'error').length,
              testId: 'panel-tab-settings',
            },
            {
              value: 'run',
              label: step
                ? t(step.status === 'succeeded' ? 'editor.panel.tabRunOk' : 'editor.panel.tabRunFailed')
                : t('editor.panel.tabRun'),
              testId: 'panel-tab-run',
            },
          ]}
        />
      </div>
      <div className="node-panel-body">
        {tab === 'run' ? (
          step ? (
            <NodeRun nodeId={nodeId} step={step} />
          ) : (
            <p className="muted pad">{t('editor.panel.notRun')}</p>
          )
        ) : (
          <>
            <Field
              label={t('common.name')}
              htmlFor={nameId}
              issues={nameIssues}
              hint={t('editor.panel.nameHint', { token: `{{nodes.${node.data.name}…}}` })}
            >
              <TextInput
                id={nameId}
                value={node.data.name}
                onChange={(v) => renameKeepingCaret(v, (name) => rename(nodeId, name))}
                readOnly={readOnly}
                invalid={nameIssues.length > 0}
                testId="node-name"
                mono
              />
            </Field>
            {general.length > 0 && <Issues issues={general} />}
            {Panel ? (
              <Panel
                nodeId={nodeId}
                nodeName={node.data.name}
                config={config}
                patch={patch}
                replace={replace}
                issues={issuesAt}
                readOnly={readOnly}
              />
            ) : (
              <Field label={t('editor.panel.configJson')} issues={configIssues}>
                <JsonField
                  value={config}
                  onChange={(v) => replace(v as Record<string, unknown>, 'json')}
                  rows={12}
                  readOnly={readOnly}
                />
              </Field>
            )}
            <UnplacedIssues issues={configIssues} />
            {spec?.trigger && (
              <Section title={t('editor.panel.howToCall')} testId="how-to-call-section">
                <HowToCall />
              </Section>
            )}
            <Field label={t('editor.panel.notes')} htmlFor={notesId}>
              <textarea
                id={notesId}
                className="input"
                rows={2}
                value={node.data.notes ?? ''}
                readOnly={readOnly}
                placeholder={t('editor.panel.notesPlaceholder')}
                onChange={(e) => update(nodeId, { notes: e.target.value || undefined }, 'notes')}
              />
            </Field>
          </>
        )}
      </div>
      {!readOnly && (
        <footer className="node-panel-foot">
          <Button
            size="sm"
            variant="ghost"
            icon="copy"
            onClick={() => {
              useEditor.getState().selectNode(nodeId);
              useEditor.getState().duplicateSelection();
            }}
          >
            {t('editor.panel.duplicate')}
          </Button>
          <Button
            size="sm"
            variant="danger"
            icon="trash"
            onClick={() => useEditor.getState().deleteNode(nodeId)}
            data-testid="delete-node"
          >
            {t('common.delete')}
          </Button>
        </footer>
      )}
    </aside>
  );
}

/** Config problems the form cannot point at (an unknown field in imported JSON, say). */
function UnplacedIssues({ issues }: { issues: ValidationIssue[] }) {
  const odd = issues.filter((i) => i.message.startsWith('unknown field') || i.path === 'config');
  if (!odd.length) return null;
  return (
    <div className="callout callout-danger">
      <Icon name="alert" size={14} />
      <div>
        {odd.map((i, n) => (
          <div key={n}>
            <code>{i.path.replace(/^config\.?/, '') || 'config'}</code>: {i.message}
          </div>
        ))}
      </div>
    </div>
  );
}
