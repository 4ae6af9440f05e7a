/**
 * The diff on a read-only canvas: added nodes green, removed ones red ghosts at their old place,
 * changed ones amber (with how many fields), unchanged ones as usual; edges added green, removed
 * red and dashed. A click on a node picks it (its field changes show beside the canvas).
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  applyNodeChanges,
  ReactFlowProvider,
  useReactFlow,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getNodeSpec } from '@callflow/flow';
import { t, useLocale, type MessageId } from '../../i18n/i18n';
import { Icon } from '../../ui/icons';
import { useTheme } from '../../ui/theme';
import { summaryOf } from '../convert';
import { PANELS } from '../panels';
import type { DiffEdge, DiffNode } from './diff-graph';
import { nodeLabel } from '../../i18n/node-text';

const STATUS_LABEL: Record<'added' | 'removed' | 'changed', MessageId> = {
  added: 'diff.status.added',
  removed: 'diff.status.removed',
  changed: 'diff.status.changed',
};
const [CANVAS_DOTS, MINIMAP_MASK] = ['var(--canvas-dots)', 'var(--minimap-mask)'];

const DiffNodeCard = memo(function DiffNodeCard({ data, selected }: NodeProps<DiffNode>) {
  useLocale();
  const { node, status, moved, changes, handles } = data;
  const spec = getNodeSpec(node.type);
  const category = spec?.category ?? 'unknown';
  const summary = useMemo(
    () => summaryOf(node.type, (node.config ?? {}) as Record<string, unknown>),
    [node.type, node.config],
  );
  const isTrigger = category === 'trigger';
  const cls = ['node-card', `cat-${category}`, `diff-${status}`, selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-testid={`diff-node-${node.name}`} data-diff={status} data-moved={moved || undefined}>
      {!isTrigger && <Handle type="target" position={Position.Left} className="h-in" isConnectable={false} />}
      <div className="node-head">
        <span className="node-icon">
          <Icon name={PANELS[node.type]?.icon ?? 'flow'} size={18} />
        </span>
        <div className="node-titles">
          <div className="node-title" title={node.name}>
            {node.name}
          </div>
          <div className="node-type">{nodeLabel(node.type)}</div>
        </div>
        {status !== 'unchanged' ? (
          <span className={`diff-flag diff-flag-${status}`}>
            {status === 'changed' ? t('diff.card.changed', { count: changes }) : t(STATUS_LABEL[status])}
          </span>
        ) : moved ? (
          <span className="diff-flag diff-flag-moved">{t('diff.card.moved')}</span>
        ) : null}
      </div>
      <div className={`node-summary${summary ? '' : ' empty'}`} title={summary}>
        {summary || t('diff.card.notConfigured')}
      </div>
      <div className="node-outs">
        {handles.map((h) => (
          <div key={h} className="node-out">
            <span>{h}</span>
            <Handle type="source" position={Position.Right} id={h} className="h-out" isConnectable={false} />
          </div>
        ))}
      </div>
    </div>
  );
});

const nodeTypes = { diff: DiffNodeCard };
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };

const MINIMAP_COLOR: Record<DiffNode['data']['status'], string> = {
  added: 'var(--success)',
  removed: 'var(--danger)',
  changed: 'var(--warning)',
  unchanged: 'var(--minimap-node)',
};

export function DiffCanvas(props: {
  nodes: DiffNode[];
  edges: DiffEdge[];
  picked: string | null;
  onPick(id: string | null): void;
}) {
  return (
    <ReactFlowProvider>
      <Flow {...props} />
    </ReactFlowProvider>
  );
}

function Flow({
  nodes,
  edges,
  picked,
  onPick,
}: {
  nodes: DiffNode[];
  edges: DiffEdge[];
  picked: string | null;
  onPick(id: string | null): void;
}) {
  const { theme } = useTheme();
  const rf = useReactFlow<DiffNode, DiffEdge>();
  // The nodes as React Flow measured them (the minimap and fit view need their sizes); a new pair of
  // sides mounts a new canvas (DiffView keys it), so `nodes` is read once.
  const [measured, setMeasured] = useState(nodes);
  const onNodesChange = useCallback(
    (changes: NodeChange<DiffNode>[]) => setMeasured((ns) => applyNodeChanges(changes, ns)),
    [],
  );
  const shown = useMemo(
    () => measured.map((n) => (!!n.selected === (n.id === picked) ? n : { ...n, selected: n.id === picked })),
    [measured, picked],
  );
  // A node picked from the list is brought into view (one clicked on the canvas already is).
  const clicked = useRef(false);
  useEffect(() => {
    const fromCanvas = clicked.current;
    clicked.current = false;
    if (!picked || fromCanvas) return;
    const n = rf.getNode(picked);
    if (n) void rf.setCenter(n.position.x + 124, n.position.y + 60, { zoom: Math.max(rf.getZoom(), 0.8), duration: 0 });
  }, [picked, rf]);
  return (
    <div className="canvas diff-canvas" data-testid="diff-canvas">
      <ReactFlow<DiffNode, DiffEdge>
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        elementsSelectable={false}
        defaultEdgeOptions={defaultEdgeOptions}
        colorMode={theme}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        onNodeClick={(_, n) => {
          clicked.current = n.id !== picked;
          onPick(n.id);
        }}
        onPaneClick={() => onPick(null)}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
        minZoom={0.1}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color={CANVAS_DOTS} />
        <MiniMap
          pannable
          zoomable
          nodeColor={(n: DiffNode) => MINIMAP_COLOR[n.data.status]}
          nodeStrokeWidth={2}
          maskColor={MINIMAP_MASK}
          ariaLabel={t('editor.canvas.minimap')}
          style={{ width: 168, height: 112 }}
        />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
    </div>
  );
}
