/** The node palette: Triggers, Requests, Logic. Drag onto the canvas, or click to add after the selected node. */
import { useReactFlow } from '@xyflow/react';
import { useEffect, useState, type DragEvent } from 'react';
import { isTriggerType, NODE_SPECS, type NodeCategory } from '@callflow/flow';
import { t, tRich, type MessageId } from '../i18n/i18n';
import { Icon } from '../ui/icons';
import { DND_TYPE } from './Canvas';
import type { EditorEdge, EditorNode } from './convert';
import { viewMovedByCode } from './keep-in-view';
import { PANELS } from './panels';
import { useEditor } from './store';
import { useFocusNode } from './ValidationList';
import { nodeDescription, nodeLabel, nodeShortLabel } from '../i18n/node-text';

/** Most canvas matches listed: past that, typing more narrows them. */
const MAX_CANVAS_MATCHES = 30;

const GROUPS: { category: NodeCategory; title: MessageId }[] = [
  { category: 'trigger', title: 'editor.palette.triggers' },
  { category: 'request', title: 'editor.palette.requests' },
  { category: 'logic', title: 'editor.palette.logic' },
];

const kbd = (key: string) => <kbd>{key}</kbd>;

const COLLAPSED_KEY = 'callflow.palette.collapsed';

/** Collapsed to icons when the admin chose so, else when the screen is a laptop's (under 1280 px). */
function initiallyCollapsed(): boolean {
  const chosen = localStorage.getItem(COLLAPSED_KEY);
  return chosen === null ? window.innerWidth < 1280 : chosen === 'true';
}

/** The flow's rightmost node: where a node added by a click continues the flow when nothing is selected. */
function lastNodeId(nodes: readonly EditorNode[]): string | undefined {
  return nodes.reduce<EditorNode | undefined>((a, n) => (!a || n.position.x > a.position.x ? n : a), undefined)?.id;
}

export function Palette() {
  const hasTrigger = useEditor((s) => s.nodes.some((n) => isTriggerType(n.type ?? '')));
  const [q, setQ] = useState('');
  const [collapsed, setCollapsed] = useState(initiallyCollapsed);
  // A window narrowed to a laptop's width folds the palette too, unless the admin chose.
  useEffect(() => {
    const narrow = window.matchMedia('(max-width: 1279px)');
    const follow = () => localStorage.getItem(COLLAPSED_KEY) === null && setCollapsed(narrow.matches);
    narrow.addEventListener('change', follow);
    return () => narrow.removeEventListener('change', follow);
  }, []);
  const toggle = () => {
    localStorage.setItem(COLLAPSED_KEY, String(!collapsed));
    setCollapsed(!collapsed);
  };
  const rf = useReactFlow<EditorNode, EditorEdge>();

  const add = (type: string) => {
    const s = useEditor.getState();
    // After the selected node, else after the flow's last node (rightmost): a click extends the flow.
    const from = s.selection.nodes.length === 1 ? s.selection.nodes[0] : lastNodeId(s.nodes);
    const id = s.addNode(type, undefined, { connectFrom: from });
    if (!id) return;
    // Bring the new node into view when it landed outside: fit the whole flow while that stays
    // readable, else centre on the new node. Two frames: the panel the new node opens has laid out.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const all = useEditor.getState().nodes;
        const node = all.find((n) => n.id === id);
        const box = document.querySelector('.canvas')?.getBoundingClientRect();
        if (!node || !box) return;
        const { x, y, zoom } = rf.getViewport();
        const sx = node.position.x * zoom + x;
        const sy = node.position.y * zoom + y;
        if (sx >= 0 && sy >= 0 && sx + 248 * zoom <= box.width && sy + 100 * zoom <= box.height) return;
        viewMovedByCode();
        const bounds = rf.getNodesBounds(all);
        const fitZoom = Math.min(box.width / (bounds.width * 1.25), box.height / (bounds.height * 1.25));
        if (fitZoom >= 0.7) void rf.fitView({ padding: 0.12, maxZoom: 1, duration: 250 });
        else
          void rf.setCenter(node.position.x + 124, node.position.y + 50, { zoom: Math.max(zoom, 0.7), duration: 250 });
      }),
    );
  };

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(DND_TYPE, type);
    e.dataTransfer.effectAllowed = 'move';
  };

  const match = (label: string, type: string) =>
    !q || label.toLowerCase().includes(q.toLowerCase()) || type.includes(q.toLowerCase());

  return (
    <aside
      className={`palette${collapsed ? ' collapsed' : ''}`}
      aria-label={t('editor.palette.nodes')}
      data-testid="palette"
      data-collapsed={collapsed}
    >
      <div className="palette-top">
        {!collapsed && (
          <div className="palette-search">
            <Icon name="search" size={14} />
            <input
              placeholder={t('editor.palette.search')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              aria-label={t('editor.palette.search')}
            />
          </div>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-icon btn-sm palette-toggle"
          onClick={toggle}
          aria-expanded={!collapsed}
          aria-label={collapsed ? t('editor.palette.expand') : t('editor.palette.collapse')}
          title={collapsed ? t('editor.palette.expand') : t('editor.palette.collapseTitle')}
          data-testid="palette-toggle"
        >
          <Icon name={collapsed ? 'chevronRight' : 'chevronLeft'} size={15} />
        </button>
      </div>
      {GROUPS.map((g) => {
        const specs = NODE_SPECS.filter((s) => s.category === g.category && match(nodeLabel(s.type), s.type));
        if (!specs.length) return null;
        return (
          <div key={g.category} className="palette-group">
            <h3 title={t(g.title)}>{collapsed ? '' : t(g.title)}</h3>
            {specs.map((s) => {
              const disabled = g.category === 'trigger' && hasTrigger;
              return (
                <button
                  key={s.type}
                  type="button"
                  className={`palette-item cat-${s.category}`}
                  draggable={!disabled}
                  disabled={disabled}
                  onDragStart={(e) => onDragStart(e, s.type)}
                  onClick={() => add(s.type)}
                  title={
                    disabled
                      ? t('editor.palette.oneTrigger')
                      : t('editor.palette.itemTitle', { label: s.label, description: s.description })
                  }
                  aria-label={collapsed ? s.label : undefined}
                  data-testid={`palette-${s.type}`}
                >
                  <span className="node-icon sm">
                    <Icon name={PANELS[s.type]?.icon ?? 'flow'} size={15} />
                  </span>
                  <span className="palette-text">
                    <span className="palette-label">{nodeShortLabel(s.type)}</span>
                    <span className="palette-desc">{nodeDescription(s.type)}</span>
                  </span>
                </button>
              );
            })}
          </div>
        );
      })}
      {!collapsed && q.trim() && <CanvasMatches q={q.trim().toLowerCase()} />}
      {!collapsed && (
        <div className="palette-keys">
          <div>{tRich('editor.palette.keysUndo', { kbd })}</div>
          <div>{tRich('editor.palette.keysCopy', { kbd })}</div>
          <div>{tRich('editor.palette.keysSave', { kbd })}</div>
        </div>
      )}
    </aside>
  );
}

/** Nodes on the canvas whose name or type matches: choosing one selects it and centres the view on it. */
function CanvasMatches({ q }: { q: string }) {
  const focus = useFocusNode();
  // A string, so the list re-renders only when the matches change (not on every drag).
  const found = useEditor((s) =>
    s.nodes
      .filter((n) => {
        const label = nodeLabel(n.type ?? '');
        return `${n.data.name}\u0000${label}\u0000${n.type ?? ''}`.toLowerCase().includes(q);
      })
      .slice(0, MAX_CANVAS_MATCHES + 1)
      .map((n) => `${n.id}\u0001${n.data.name}\u0001${n.type ?? ''}`)
      .join('\u0002'),
  );
  const items = found ? found.split('\u0002').map((row) => row.split('\u0001') as [string, string, string]) : [];
  return (
    <div className="palette-group" data-testid="canvas-matches">
      <h3>{t('editor.palette.onCanvas')}</h3>
      {items.length === 0 && <p className="palette-none muted small">{t('editor.palette.noMatch')}</p>}
      {items.slice(0, MAX_CANVAS_MATCHES).map(([id, name, type]) => (
        <button
          key={id}
          type="button"
          className="palette-item palette-match"
          onClick={() => focus(id)}
          title={t('editor.palette.selectMatch', { name })}
          data-testid={`canvas-match-${name}`}
        >
          <span className="node-icon sm">
            <Icon name={PANELS[type]?.icon ?? 'flow'} size={15} />
          </span>
          <span className="palette-text">
            <span className="palette-label">{name}</span>
            <span className="palette-desc">{nodeLabel(type)}</span>
          </span>
        </button>
      ))}
      {items.length > MAX_CANVAS_MATCHES && <p className="palette-none muted small">{t('editor.palette.moreMatch')}</p>}
    </div>
  );
}
