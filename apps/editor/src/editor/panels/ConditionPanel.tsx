import { CONDITION_OPS, UNARY_OPS, type ConditionOp, type ConditionRule, conditionNode } from '@callflow/flow';
import { Button } from '../../ui/components';
import { Checkbox, Issues, Select, TextInput } from '../../ui/form';
import { Icon } from '../../ui/icons';
import type { EditorEdge } from '../convert';
import { TemplateField } from '../TemplateField';
import { t, tRich, type MessageId } from '../../i18n/i18n';
import { handleLabel } from '../../i18n/node-text';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

type Rule = ConditionRule;

const OP_LABELS: Record<ConditionOp, MessageId> = {
  eq: 'panels.condition.op.eq',
  neq: 'panels.condition.op.neq',
  gt: 'panels.condition.op.gt',
  gte: 'panels.condition.op.gte',
  lt: 'panels.condition.op.lt',
  lte: 'panels.condition.op.lte',
  contains: 'panels.condition.op.contains',
  startsWith: 'panels.condition.op.startsWith',
  matches: 'panels.condition.op.matches',
  exists: 'panels.condition.op.exists',
  empty: 'panels.condition.op.empty',
};
/** A token (code, the same in every language) as the left side's example. */
const LEFT_EXAMPLE = '{{nodes.lookup.body.vip}}';
const STRING_OPS = new Set<ConditionOp>(['eq', 'neq', 'contains', 'startsWith', 'matches']);

/** Condition: ordered rules, each with its own output; the first match wins, else "default". */
function ConditionPanel({
  nodeId,
  config,
  replace,
  issues,
  readOnly,
}: PanelProps<PanelConfigOf<typeof conditionNode.type>>) {
  const rules = config.rules ?? [];
  const setRules = (next: Rule[], field?: string, edges?: (e: EditorEdge[]) => EditorEdge[]) =>
    replace({ ...config, rules: next }, field, edges);

  const setRule = (i: number, patch: Partial<Rule>, field: string) => {
    const old = rules[i]!;
    const next = rules.map((r, j) => (j === i ? { ...r, ...patch } : r));
    if (patch.op && UNARY_OPS.has(patch.op)) delete next[i]!.right;
    else if (patch.op && next[i]!.right === undefined) next[i]!.right = '';
    // A renamed output keeps its connection.
    const renamed = patch.handle !== undefined && patch.handle !== old.handle;
    setRules(
      next,
      `rules.${i}.${field}`,
      renamed
        ? (edges) =>
            edges.map((e) =>
              e.source === nodeId && e.sourceHandle === old.handle ? { ...e, sourceHandle: patch.handle } : e,
            )
        : undefined,
    );
  };

  const addRule = () => {
    const taken = new Set(rules.map((r) => r.handle));
    let n = rules.length + 1;
    while (taken.has(`rule${n}`)) n++;
    setRules([...rules, { handle: `rule${n}`, left: '', op: 'eq', right: '' }]);
  };

  const removeRule = (i: number) => {
    const handle = rules[i]!.handle;
    const stillUsed = rules.some((r, j) => j !== i && r.handle === handle);
    setRules(
      rules.filter((_, j) => j !== i),
      undefined,
      stillUsed ? undefined : (edges) => edges.filter((e) => !(e.source === nodeId && e.sourceHandle === handle)),
    );
  };

  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= rules.length) return;
    const next = [...rules];
    [next[i], next[j]] = [next[j]!, next[i]!];
    setRules(next);
  };

  return (
    <>
      <p className="panel-lead">{t('panels.condition.lead')}</p>
      <Issues issues={issues('rules').filter((i) => i.path === 'config.rules')} />
      <ol className="rules">
        {rules.map((rule, i) => (
          <li key={i} className="rule" data-testid={`rule-${i}`}>
            <div className="rule-head">
              <span className="rule-no">{i + 1}</span>
              <span className="muted">{t('panels.condition.output')}</span>
              <div className="grow">
                <TextInput
                  value={rule.handle}
                  onChange={(v) => setRule(i, { handle: v.replace(/[^A-Za-z0-9_-]/g, '') }, 'handle')}
                  readOnly={readOnly}
                  invalid={issues(`rules.${i}.handle`).length > 0}
                  testId={`rule-${i}-handle`}
                  ariaLabel={t('panels.condition.outputName', { n: i + 1 })}
                  mono
                />
              </div>
              {!readOnly && (
                <div className="rule-tools">
                  <button
                    type="button"
                    className="btn btn-ghost btn-icon btn-sm"
                    aria-label={t('panels.condition.moveUp')}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    <Icon name="arrowUp" size={14} />
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-icon btn-sm"
                    aria-label={t('panels.condition.moveDown')}
                    disabled={i === rules.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    <Icon name="arrowDown" size={14} />
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-icon btn-sm"
                    aria-label={t('panels.condition.remove', { n: i + 1 })}
                    onClick={() => removeRule(i)}
                  >
                    <Icon name="trash" size={14} />
                  </button>
                </div>
              )}
            </div>
            <Issues issues={issues(`rules.${i}.handle`)} />
            <TemplateField
              nodeId={nodeId}
              path={`config.rules.${i}.left`}
              value={rule.left}
              onChange={(v) => setRule(i, { left: v }, 'left')}
              context="value"
              placeholder={LEFT_EXAMPLE}
              readOnly={readOnly}
              compact
              testId={`rule-${i}-left`}
              ariaLabel={t('panels.condition.left', { n: i + 1 })}
            />
            <Select
              value={rule.op}
              onChange={(v) => setRule(i, { op: v }, 'op')}
              options={CONDITION_OPS.map((o) => ({ value: o, label: t(OP_LABELS[o]) }))}
              disabled={readOnly}
              testId={`rule-${i}-op`}
              ariaLabel={t('panels.condition.op', { n: i + 1 })}
            />
            {!UNARY_OPS.has(rule.op) && (
              <TemplateField
                nodeId={nodeId}
                path={`config.rules.${i}.right`}
                value={rule.right ?? ''}
                onChange={(v) => setRule(i, { right: v }, 'right')}
                context="value"
                placeholder={rule.op === 'matches' ? '^\\+33' : 'true'}
                readOnly={readOnly}
                compact
                testId={`rule-${i}-right`}
                ariaLabel={t('panels.condition.right', { n: i + 1 })}
              />
            )}
            {STRING_OPS.has(rule.op) && (
              <Checkbox
                label={t('panels.condition.ignoreCase')}
                checked={!!rule.ignoreCase}
                disabled={readOnly}
                onChange={(v) => setRule(i, { ignoreCase: v || undefined }, 'ignoreCase')}
              />
            )}
            <Issues issues={issues(`rules.${i}.op`)} />
          </li>
        ))}
      </ol>
      {!readOnly && (
        <Button icon="plus" size="sm" onClick={addRule} data-testid="add-rule">
          {t('panels.condition.add')}
        </Button>
      )}
      <p className="rule-default">
        <Icon name="chevronRight" size={14} />
        <span>
          {tRich(
            'panels.condition.otherwise',
            { b: (s) => <b>{s}</b> },
            { default: handleLabel(conditionNode.type, 'default') },
          )}
        </span>
      </p>
    </>
  );
}

export const conditionPanel = definePanel(conditionNode, { icon: 'branch', Panel: ConditionPanel });
