/**
 * The canvas: React Flow with the node cards, connection rules checked while drawing, drop from
 * the palette, a quick-add menu when a connection is dropped on empty space, minimap and controls.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type NodeTypes,
  type OnConnectEnd,
  type OnSelectionChangeFunc,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { getNodeSpec, NODE_SPECS } from '@callflow/flow';
import { Icon } from '../ui/icons';
import { connectionProblem } from './connection';
import type { EditorEdge, EditorNode } from './convert';
import { NodeCard } from './NodeCard';
import { PANELS } from './panels';
import { useEditor } from './store';

export const DND_TYPE = 'application/x-callflow-node';

const nodeTypes: NodeTypes = Object.fromEntries(NODE_SPECS.map((s) => [s.type, NodeCard]));
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const CARD_W = 248;

declare global {
  interface Window {
    /** Timings read by the browser tests (first render of a loaded flow). */
    __editorMetrics?: { loadedAt?: number; firstRenderMs?: number; nodes?: number };
  }
}

export function Canvas({ readOnly = false }: { readOnly?: boolean }) {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const byEdge = useEditor((s) => s.validation.byEdge);
  const runByNode = useEditor((s) => s.run.byNode);
  const connectHint = useEditor((s) => s.connectHint);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const onConnect = useEditor((s) => s.onConnect);
  const rf = useReactFlow<EditorNode, EditorEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const [quickAdd, setQuickAdd] = useState<{ x: number; y: number; flow: { x: number; y: number }; source: string; handle: string | null } | null>(null);

  const styledEdges = useMemo(
    () =>
      edges.map((e) => {
        const issues = byEdge.get(e.id);
        const bad = issues?.some((i) => i.severity === 'error');
        const from = runByNode.get(e.source);
        const ran = !!from && runByNode.has(e.target) && (from.handle === undefined || from.handle === e.sourceHandle || !e.sourceHandle);
        const isError = e.sourceHandle === 'error';
        const className = [bad ? 'edge-invalid' : '', ran ? 'edge-ran' : '', isError ? 'edge-error' : ''].filter(Boolean).join(' ');
        return className || e.className ? { ...e, className, animated: ran } : e;
      }),
    [edges, byEdge, runByNode],
  );

  const isValidConnection = useCallback(
    (conn: Connection | Edge) => {
      const s = useEditor.getState();
      const problem = connectionProblem(conn, s.nodes, s.edges);
      s.setConnectHint(problem);
      return !problem;
    },
    [],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state: FinalConnectionState) => {
      const s = useEditor.getState();
      if (!state.isValid && !state.toNode && state.fromNode && state.fromHandle?.type === 'source' && !readOnly) {
        // Dropped on empty canvas: offer to add a node there, already connected.
        const point = 'changedTouches' in event ? event.changedTouches[0]! : (event as MouseEvent);
        const box = wrapper.current?.getBoundingClientRect();
        if (box) {
          setQuickAdd({
            x: point.clientX - box.left,
            y: point.clientY - box.top,
            flow: rf.screenToFlowPosition({ x: point.clientX, y: point.clientY }),
            source: state.fromNode.id,
            handle: state.fromHandle.id ?? null,
          });
        }
        s.setConnectHint(null);
        return;
      }
      // Keep a refusal on screen for a moment so it can be read.
      if (s.connectHint) setTimeout(() => useEditor.getState().setConnectHint(null), 2600);
    },
    [rf, readOnly],
  );

  const onSelectionChange: OnSelectionChangeFunc = useCallback(({ nodes: n, edges: e }) => {
    useEditor.getState().setSelection(
      n.map((x) => x.id),
      e.map((x) => x.id),
    );
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DND_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DND_TYPE);
      if (!type) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useEditor.getState().addNode(type, { x: p.x - CARD_W / 2, y: p.y - 30 });
    },
    [rf],
  );

  const addFromQuick = (type: string) => {
    if (!quickAdd) return;
    const s = useEditor.getState();
    const id = s.addNode(type, { x: quickAdd.flow.x, y: quickAdd.flow.y - 30 });
    if (id) s.onConnect({ source: quickAdd.source, sourceHandle: quickAdd.handle, target: id, targetHandle: null });
    setQuickAdd(null);
  };

  return (
    <div className="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<EditorNode, EditorEdge>
        nodes={nodes}
        edges={styledEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={() => useEditor.getState().beginDrag()}
        onSelectionDragStart={() => useEditor.getState().beginDrag()}
        onBeforeDelete={async () => {
          useEditor.getState().beforeDelete();
          return true;
        }}
        onSelectionChange={onSelectionChange}
        onPaneClick={() => setQuickAdd(null)}
        defaultEdgeOptions={defaultEdgeOptions}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        snapToGrid
        snapGrid={[8, 8]}
        minZoom={0.1}
        maxZoom={2}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
        connectionRadius={28}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#c9ced6" />
        <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={2} maskColor="rgba(240, 242, 245, 0.7)" ariaLabel="Minimap" />
        <Controls showInteractive={false} position="bottom-left" />
        <FirstRender />
      </ReactFlow>
      {connectHint && (
        <div className="connect-hint" role="status" data-testid="connect-hint">
          <Icon name="alert" size={14} /> {connectHint}
        </div>
      )}
      {quickAdd && <QuickAdd x={quickAdd.x} y={quickAdd.y} onPick={addFromQuick} onClose={() => setQuickAdd(null)} />}
      {nodes.length === 0 && !readOnly && (
        <div className="canvas-empty">
          <Icon name="flow" size={28} />
          <p>
            Start with a <b>trigger</b> from the left: IVR, End of call, Campaign or Webhook.
          </p>
        </div>
      )}
    </div>
  );
}

function minimapColor(n: EditorNode): string {
  const cat = getNodeSpec(n.type ?? '')?.category;
  return cat === 'trigger' ? '#0e9f6e' : cat === 'request' ? '#3b5bdb' : cat === 'logic' ? '#d97706' : '#9aa3af';
}

/** Records when a loaded flow's nodes are first measured (read by the performance test). */
function FirstRender() {
  const initialized = useNodesInitialized();
  const count = useEditor((s) => s.nodes.length);
  useEffect(() => {
    const m = (window.__editorMetrics ??= {});
    if (initialized && m.loadedAt !== undefined && m.firstRenderMs === undefined) {
      requestAnimationFrame(() => {
        m.firstRenderMs = performance.now() - m.loadedAt!;
        m.nodes = count;
      });
    }
  }, [initialized, count]);
  return null;
}

function QuickAdd({ x, y, onPick, onClose }: { x: number; y: number; onPick(type: string): void; onClose(): void }) {
  const [q, setQ] = useState('');
  const items = NODE_SPECS.filter((s) => s.category !== 'trigger' && (s.label.toLowerCase().includes(q.toLowerCase()) || s.type.includes(q.toLowerCase())));
  return (
    <div className="quick-add" style={{ left: x, top: y }} role="dialog" aria-label="Add a node" data-testid="quick-add">
      <input
        autoFocus
        className="input"
        placeholder="Add node…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          if (e.key === 'Enter' && items[0]) onPick(items[0].type);
        }}
      />
      <ul>
        {items.map((s) => (
          <li key={s.type}>
            <button type="button" className={`qa-item cat-${s.category}`} onClick={() => onPick(s.type)}>
              <span className="node-icon sm">
                <Icon name={PANELS[s.type]?.icon ?? 'flow'} size={14} />
              </span>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
