/** Beside the diff canvas: every change in a list, or the picked node's field changes. */
import type { DefinitionDiff, NodeDiff } from '@callflow/flow';
import { Badge } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { FieldDiff, type DiffLayout } from './FieldDiff';

const TONE = { added: 'success', removed: 'danger', changed: 'warning', unchanged: 'neutral' } as const;

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
            <span className="muted small">
              {' '}
              · {d.changes.length} field{d.changes.length > 1 ? 's' : ''}
            </span>
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
          ← All changes
        </button>
        <h3 className="diff-detail-title">
          {n.name} <Badge tone={TONE[node.status]}>{node.status}</Badge>
        </h3>
        {node.status === 'added' && <p className="muted small">Only in {sides[1]}.</p>}
        {node.status === 'removed' && <p className="muted small">Only in {sides[0]}: shown where it stood there.</p>}
        {node.status === 'unchanged' && (
          <p className="muted small">No change{node.moved ? ' but its place on the canvas' : ''}.</p>
        )}
        {node.changes.length > 0 && <FieldDiff changes={node.changes} layout={layout} sides={sides} />}
      </div>
    );
  }
  const names = new Map(diff.nodes.map((d) => [d.id, nameOf(d)]));
  const groups: [string, NodeDiff['status']][] = [
    ['Added', 'added'],
    ['Removed', 'removed'],
    ['Changed', 'changed'],
  ];
  const edges = diff.edges.filter((e) => e.status !== 'unchanged');
  const moved = diff.nodes.filter((d) => d.status === 'unchanged' && d.moved).length;
  return (
    <div className="diff-list" data-testid="diff-list">
      {diff.same && (
        <p className="muted pad" data-testid="diff-same">
          No differences{moved ? `: only ${moved} node${moved > 1 ? 's' : ''} moved` : ''}.
        </p>
      )}
      {groups.map(([title, status]) => {
        const rows = diff.nodes.filter((d) => d.status === status);
        return rows.length ? (
          <section key={status}>
            <h4>
              {title} <span className="muted">{rows.length}</span>
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
            Connections <span className="muted">{edges.length}</span>
          </h4>
          <ul>
            {edges.map((e) => (
              <li key={`${e.status}:${e.key}`} className={`diff-edge-row diff-row-${e.status}`}>
                <span className="diff-dot" aria-hidden="true" />
                <span>
                  {names.get(e.source) ?? e.source}
                  {e.handle ? <span className="muted"> ({e.handle})</span> : null} → {names.get(e.target) ?? e.target}
                </span>
                <span className="muted small">{e.status}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
