/**
 * Keeps the selected node in view: when a node is selected (added, dropped, picked from a list)
 * and the side panel that opens narrows the canvas over it, the view pans just enough to show it.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect, type RefObject } from 'react';
import type { EditorEdge, EditorNode } from './convert';
import { useEditor } from './store';

const MARGIN = 24;

/** Until when another part (centring on a node, fitting the flow) moves the view: this hook keeps out of its way. */
let movedByCodeUntil = 0;

/** Says the view is being moved on purpose (a centring animation): the selected node is not panned meanwhile. */
export function viewMovedByCode(ms = 600): void {
  movedByCodeUntil = performance.now() + ms;
}

/** How far to move a span [lo, hi] so it lies within [min, max] (its start first when it cannot fit). */
function shift(lo: number, hi: number, min: number, max: number): number {
  if (lo < min) return lo - min;
  if (hi > max) return Math.min(hi - max, lo - min);
  return 0;
}

export function useKeepSelectedInView(wrapper: RefObject<HTMLDivElement | null>): void {
  const rf = useReactFlow<EditorNode, EditorEdge>();
  const selected = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined));
  useEffect(() => {
    if (!selected) return;
    // Two frames: the panel the selection opens has laid out, so the canvas has its new width.
    let frame = requestAnimationFrame(() => (frame = requestAnimationFrame(check)));
    function check() {
      const pane = wrapper.current?.getBoundingClientRect();
      const el = wrapper.current?.querySelector(`.react-flow__node[data-id="${CSS.escape(selected!)}"]`);
      if (!pane || !el || el.classList.contains('dragging') || performance.now() < movedByCodeUntil) return;
      const box = el.getBoundingClientRect();
      const dx = shift(box.left, box.right, pane.left + MARGIN, pane.right - MARGIN);
      const dy = shift(box.top, box.bottom, pane.top + MARGIN, pane.bottom - MARGIN);
      if (!dx && !dy) return;
      const vp = rf.getViewport();
      void rf.setViewport({ x: vp.x - dx, y: vp.y - dy, zoom: vp.zoom }, { duration: 200 });
    }
    return () => cancelAnimationFrame(frame);
  }, [selected, rf, wrapper]);
}
