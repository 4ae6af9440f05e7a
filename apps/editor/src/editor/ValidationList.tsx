/** The flow's problems, errors first; clicking one selects (and shows) its node. */
import { useReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import type { ValidationIssue } from '@callflow/flow';
import { t } from '../i18n/i18n';
import { Icon } from '../ui/icons';
import type { EditorEdge, EditorNode } from './convert';
import { viewMovedByCode } from './keep-in-view';
import { useEditor } from './store';

export function useFocusNode(): (nodeId: string) => void {
  const rf = useReactFlow<EditorNode, EditorEdge>();
  return (nodeId: string) => {
    const s = useEditor.getState();
    const node = s.nodes.find((n) => n.id === nodeId);
    if (!node) return;
    viewMovedByCode();
    s.selectNode(nodeId);
    const w = node.measured?.width ?? 248;
    const h = node.measured?.height ?? 90;
    // Once the node's panel has opened and narrowed the canvas, else the node ends up off centre.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        void rf.setCenter(node.position.x + w / 2, node.position.y + h / 2, {
          zoom: Math.max(rf.getZoom(), 0.8),
          duration: 300,
        });
      }),
    );
  };
}

export function ValidationList({
  issues,
  onPicked,
  max = 200,
}: {
  issues?: ValidationIssue[];
  onPicked?: () => void;
  max?: number;
}) {
  const result = useEditor((s) => s.validation.result);
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const focus = useFocusNode();
  const list = useMemo(() => issues ?? [...(result?.errors ?? []), ...(result?.warnings ?? [])], [issues, result]);
  const names = useMemo(() => new Map(nodes.map((n) => [n.id, n.data.name])), [nodes]);

  if (!list.length) {
    return (
      <div className="vlist-empty" data-testid="validation-ok">
        <Icon name="check" /> {t('editor.validation.none')}
      </div>
    );
  }
  return (
    <ul className="vlist" data-testid="validation-list">
      {list.slice(0, max).map((issue, i) => {
        const nodeId =
          issue.nodeId ??
          issue.nodeIds?.[0] ??
          (issue.edgeId ? edges.find((e) => e.id === issue.edgeId)?.source : undefined);
        const where = nodeId
          ? (names.get(nodeId) ?? nodeId)
          : issue.edgeId
            ? t('editor.validation.edge', { id: issue.edgeId })
            : t('editor.validation.flow');
        const field = issue.path.replace(/^config\.?/, '').replace(/^edges\.\d+\.?/, '');
        return (
          <li key={i} className={issue.severity}>
            <button
              type="button"
              disabled={!nodeId}
              onClick={() => {
                if (nodeId) focus(nodeId);
                onPicked?.();
              }}
            >
              <Icon name={issue.severity === 'error' ? 'alert' : 'info'} size={14} />
              <span className="vlist-where">
                <b>{where}</b>
                {field && field !== 'name' ? <code>{field}</code> : null}
              </span>
              <span className="vlist-msg">{issue.message}</span>
            </button>
          </li>
        );
      })}
      {list.length > max && <li className="muted">{t('editor.validation.more', { count: list.length - max })}</li>}
    </ul>
  );
}
