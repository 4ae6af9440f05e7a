/** Beside the diff canvas: every change in a list, or the picked node's field changes. */
import type { DefinitionDiff, NodeDiff } from '@callflow/flow';
import { t, type MessageId } from '../../i18n/i18n';
import { Badge } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { FieldDiff, type DiffLayout } from './FieldDiff';

const TONE = { added: 'success', removed: 'danger', changed: 'warning', unchanged: 'neutral' } as const;
const STATUS: Record<NodeDiff['status'], MessageId> = {
  added: 'diff.status.added',
  removed: 'diff.status.removed',
  changed: 'diff.status.changed',
  unchanged: 'diff.status.unchanged',
};

const nameOf = (d: NodeDiff) => (d.after ?? d.before)!.name;

function NodeRow({ d, onPick }: { d: NodeDiff; onPick(id: string): void }) {
  const renamed = d.before && d.after && d.before.name !== d.after.name;
  return (
    <li>
      <button type="button" className={`diff-row diff-row-${d.status}`} onClick={() => onPick(d.id)}>
        <span className="diff-dot" aria-hidden="true" />
        <span className="grow">
          {renamed ? `${d.before!.name} → ${d.after!.name}` : nameOf(d)}
          {d.status === 'changed' && (
            <span className="muted small"> · {t('diff.summary.fields', { count: d.changes.length })}</span>
          )}
        </span>
        <Icon name="chevronRight" size={14} />
      </button>
    </li>
  );
}

export function DiffSummary({
  diff,
  picked,
  onPick,
  layout,
  sides,
}: {
  diff: DefinitionDiff;
  picked: string | null;
  onPick(id: string | null): void;
  layout: DiffLayout;
  sides: [string, string];
}) {
  const node = picked ? diff.nodes.find((n) => n.id === picked) : undefined;
  if (node) {
    const n = (node.after ?? node.before)!;
    return (
      <div className="diff-detail" data-testid="diff-detail">
        <button type="button" className="link small" onClick={() => onPick(null)}>
          {t('diff.summary.all')}
        </button>
        <h3 className="diff-detail-title">
          {n.name} <Badge tone={TONE[node.status]}>{t(STATUS[node.status])}</Badge>
        </h3>
        {node.status === 'added' && <p className="muted small">{t('diff.summary.onlyIn', { side: sides[1] })}</p>}
        {node.status === 'removed' && (
          <p className="muted small">{t('diff.summary.onlyInRemoved', { side: sides[0] })}</p>
        )}
        {node.status === 'unchanged' && (
          <p className="muted small">{node.moved ? t('diff.summary.onlyMoved') : t('diff.summary.noChange')}</p>
        )}
        {node.changes.length > 0 && <FieldDiff changes={node.changes} layout={layout} sides={sides} />}
      </div>
    );
  }
  const names = new Map(diff.nodes.map((d) => [d.id, nameOf(d)]));
  const groups: [MessageId, NodeDiff['status']][] = [
    ['diff.summary.added', 'added'],
    ['diff.summary.removed', 'removed'],
    ['diff.summary.changed', 'changed'],
  ];
  const edges = diff.edges.filter((e) => e.status !== 'unchanged');
  const moved = diff.nodes.filter((d) => d.status === 'unchanged' && d.moved).length;
  return (
    <div className="diff-list" data-testid="diff-list">
      {diff.same && (
        <p className="muted pad" data-testid="diff-same">
          {moved ? t('diff.summary.sameMoved', { count: moved }) : t('diff.summary.same')}
        </p>
      )}
      {groups.map(([title, status]) => {
        const rows = diff.nodes.filter((d) => d.status === status);
        return rows.length ? (
          <section key={status}>
            <h4>
              {t(title)} <span className="muted">{rows.length}</span>
            </h4>
            <ul>
              {rows.map((d) => (
                <NodeRow key={d.id} d={d} onPick={onPick} />
              ))}
            </ul>
          </section>
        ) : null;
      })}
      {edges.length > 0 && (
        <section>
          <h4>
            {t('diff.summary.connections')} <span className="muted">{edges.length}</span>
          </h4>
          <ul>
            {edges.map((e) => (
              <li key={`${e.status}:${e.key}`} className={`diff-edge-row diff-row-${e.status}`}>
                <span className="diff-dot" aria-hidden="true" />
                <span>
                  {names.get(e.source) ?? e.source}
                  {e.handle ? <span className="muted"> ({e.handle})</span> : null} → {names.get(e.target) ?? e.target}
                </span>
                <span className="muted small">{t(STATUS[e.status])}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
