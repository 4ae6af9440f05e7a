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
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type NodeTypes,
  type OnConnectEnd,
  type OnSelectionChangeFunc,
  type Viewport,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { getNodeSpec, NODE_SPECS } from '@callflow/flow';
import { t, tRich } from '../i18n/i18n';
import { Icon } from '../ui/icons';
import { useTheme } from '../ui/theme';
import { connectionProblem } from './connection';
import type { EditorEdge, EditorNode } from './convert';
import { useKeepSelectedInView } from './keep-in-view';
import { NodeCard } from './NodeCard';
import { PANELS } from './panels';
import { nodeLabel } from '../i18n/node-text';
import { provideInitialConfig, useEditor } from './store';

// New nodes start with their panel's config (the store imports no panel: panels read the store).
provideInitialConfig((type, ctx) => PANELS[type]?.initialConfig(ctx) ?? {});

export const DND_TYPE = 'application/x-callflow-node';

const nodeTypes: NodeTypes = Object.fromEntries(NODE_SPECS.map((s) => [s.type, NodeCard]));
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const CARD_W = 248;
const [CANVAS_DOTS, MINIMAP_MASK] = ['var(--canvas-dots)', 'var(--minimap-mask)'];
/** The key held to draw a selection box (React Flow's key name). */
const SELECT_KEY = 'Shift';
const CARD_H = 120;

declare global {
  interface Window {
    /** Timings read by the browser tests (first render of a loaded flow). */
    __editorMetrics?: { loadedAt?: number; firstRenderMs?: number; nodes?: number };
  }
}

/** Nodes past which only what is on screen is rendered. */
const LARGE_FLOW = 120;
const MIN_OPEN_ZOOM = 0.6;

/**
 * Where the canvas opens: the whole flow when it fits at a readable zoom, else the trigger's
 * neighbourhood at MIN_OPEN_ZOOM (the minimap and "fit view" show the rest).
 */
function initialViewport(nodes: readonly EditorNode[], width: number, height: number): Viewport {
  if (!nodes.length || width <= 0 || height <= 0) return { x: width / 2 - CARD_W / 2, y: height / 3, zoom: 1 };
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + CARD_W);
    maxY = Math.max(maxY, n.position.y + CARD_H);
  }
  const zoom = Math.min(1, (width * 0.8) / (maxX - minX), (height * 0.8) / (maxY - minY));
  if (zoom >= MIN_OPEN_ZOOM)
    return { x: width / 2 - ((minX + maxX) / 2) * zoom, y: height / 2 - ((minY + maxY) / 2) * zoom, zoom };
  const start = nodes.find((n) => getNodeSpec(n.type ?? '')?.category === 'trigger') ?? nodes[0]!;
  return {
    x: width * 0.06 - start.position.x * MIN_OPEN_ZOOM,
    y: height * 0.3 - start.position.y * MIN_OPEN_ZOOM,
    zoom: MIN_OPEN_ZOOM,
  };
}

/** `overlay`: drawn inside React Flow (a `<Panel>`), e.g. the editor's "Colour by". */
export function Canvas({ readOnly = false, overlay }: { readOnly?: boolean; overlay?: ReactNode }) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const box = wrapper.current?.getBoundingClientRect();
    if (box) setSize({ width: box.width, height: box.height });
  }, []);
  return (
    <div className="canvas" ref={wrapper} data-testid="canvas">
      {size && <FlowCanvas readOnly={readOnly} size={size} wrapper={wrapper} overlay={overlay} />}
    </div>
  );
}

function FlowCanvas({
  readOnly,
  size,
  wrapper,
  overlay,
}: {
  readOnly: boolean;
  size: { width: number; height: number };
  wrapper: RefObject<HTMLDivElement | null>;
  overlay: ReactNode;
}) {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const byEdge = useEditor((s) => s.validation.byEdge);
  const runByNode = useEditor((s) => s.run.byNode);
  const connectHint = useEditor((s) => s.connectHint);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const onConnect = useEditor((s) => s.onConnect);
  const rf = useReactFlow<EditorNode, EditorEdge>();
  const { theme } = useTheme();
  useKeepSelectedInView(wrapper);
  const [defaultViewport] = useState(() => initialViewport(useEditor.getState().nodes, size.width, size.height));
  const large = nodes.length > LARGE_FLOW;
  const [quickAdd, setQuickAdd] = useState<{
    x: number;
    y: number;
    flow: { x: number; y: number };
    source: string;
    handle: string | null;
  } | null>(null);

  const styledEdges = useMemo(
    () =>
      edges.map((e) => {
        const issues = byEdge.get(e.id);
        const bad = issues?.some((i) => i.severity === 'error');
        const from = runByNode.get(e.source);
        const ran =
          !!from &&
          runByNode.has(e.target) &&
          (from.handle === undefined || from.handle === e.sourceHandle || !e.sourceHandle);
        const isError = e.sourceHandle === 'error';
        const className = [bad ? 'edge-invalid' : '', ran ? 'edge-ran' : '', isError ? 'edge-error' : '']
          .filter(Boolean)
          .join(' ');
        return className || e.className ? { ...e, className, animated: ran } : e;
      }),
    [edges, byEdge, runByNode],
  );

  const isValidConnection = useCallback((conn: Connection | Edge) => {
    const s = useEditor.getState();
    const problem = connectionProblem(conn, s.nodes, s.edges);
    s.setConnectHint(problem);
    return !problem;
  }, []);

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
    },
    [rf, readOnly, wrapper],
  );
  // A refusal stays on screen a moment after the drag ends, so it can be read.
  const connecting = useStore((s) => s.connection.inProgress);
  useEffect(() => {
    if (!connectHint || connecting) return;
    const t = setTimeout(() => useEditor.getState().setConnectHint(null), 2600);
    return () => clearTimeout(t);
  }, [connectHint, connecting]);

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
    <div className="canvas-inner" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<EditorNode, EditorEdge>
        nodes={nodes}
        edges={styledEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={() => useEditor.getState().setConnectHint(null)}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={() => useEditor.getState().beginDrag()}
        onSelectionDragStart={() => useEditor.getState().beginDrag()}
        onBeforeDelete={async (doomed) => {
          useEditor.getState().beforeDelete(doomed);
          return true;
        }}
        onSelectionChange={onSelectionChange}
        onPaneClick={() => setQuickAdd(null)}
        defaultEdgeOptions={defaultEdgeOptions}
        colorMode={theme}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode={SELECT_KEY}
        snapToGrid
        snapGrid={[8, 8]}
        minZoom={0.1}
        maxZoom={2}
        defaultViewport={defaultViewport}
        onlyRenderVisibleElements={large}
        proOptions={{ hideAttribution: true }}
        connectionRadius={28}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color={CANVAS_DOTS} />
        <MiniMap
          pannable
          zoomable
          nodeColor={minimapColor}
          nodeStrokeWidth={2}
          maskColor={MINIMAP_MASK}
          ariaLabel={t('editor.canvas.minimap')}
          style={{ width: 168, height: 112 }}
        />
        <Controls showInteractive={false} position="bottom-left" />
        <FirstRender />
        {overlay}
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
          <p>{tRich('editor.canvas.empty', { b: (s) => <b>{s}</b> })}</p>
        </div>
      )}
    </div>
  );
}

function minimapColor(n: EditorNode): string {
  const cat = getNodeSpec(n.type ?? '')?.category;
  return `var(--minimap-${cat === 'trigger' || cat === 'request' || cat === 'logic' ? cat : 'node'})`;
}

/**
 * Records when a loaded flow is first drawn: the nodes on screen measured and shown, and their
 * edges drawn (read by the performance test as window.__editorMetrics.firstRenderMs).
 */
function FirstRender() {
  const count = useEditor((s) => s.nodes.length);
  const edgeCount = useEditor((s) => s.edges.length);
  useEffect(() => {
    const m = (window.__editorMetrics ??= {});
    if (m.loadedAt === undefined || m.firstRenderMs !== undefined || !count) return;
    let frame = 0;
    const check = () => {
      const shown = document.querySelectorAll<HTMLElement>('.react-flow__node');
      const ready =
        shown.length > 0 &&
        [...shown].every((el) => el.style.visibility !== 'hidden') &&
        (edgeCount === 0 || document.querySelector('.react-flow__edge-path'));
      if (ready) {
        m.firstRenderMs = performance.now() - m.loadedAt!;
        m.nodes = count;
      } else frame = requestAnimationFrame(check);
    };
    frame = requestAnimationFrame(check);
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return null;
}

function QuickAdd({ x, y, onPick, onClose }: { x: number; y: number; onPick(type: string): void; onClose(): void }) {
  const [q, setQ] = useState('');
  const items = NODE_SPECS.filter(
    (s) =>
      s.category !== 'trigger' &&
      (nodeLabel(s.type).toLowerCase().includes(q.toLowerCase()) || s.type.includes(q.toLowerCase())),
  );
  return (
    <div
      className="quick-add"
      style={{ left: x, top: y }}
      role="dialog"
      aria-label={t('editor.canvas.quickAdd')}
      data-testid="quick-add"
    >
      <input
        autoFocus
        className="input"
        placeholder={t('editor.canvas.quickAddPlaceholder')}
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
              {nodeLabel(s.type)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
