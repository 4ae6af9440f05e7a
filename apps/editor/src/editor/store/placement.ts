/** Where a node added without a position goes: beside where it was asked for, overlapping nothing. */
import type { EditorNode } from '../convert';

/** A card's size before React Flow has measured it. */
const CARD = { width: 248, height: 120 };
/** Room kept around cards, so edges and their labels stay readable. */
const GAP = 40;
const TRIES = 60;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function boxOf(n: EditorNode): Box {
  return { ...n.position, width: n.measured?.width ?? CARD.width, height: n.measured?.height ?? CARD.height };
}

function overlaps(a: Box, b: Box): boolean {
  return (
    a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP
  );
}

/** `wanted`, or the nearest spot below (then above) it where a new card touches no other card. */
export function freeSpot(wanted: { x: number; y: number }, nodes: readonly EditorNode[]): { x: number; y: number } {
  const boxes = nodes.map(boxOf);
  const step = CARD.height + GAP;
  for (let i = 0; i < TRIES; i++) {
    // 0, +1, +2, … rows below first; a flow grows downwards as branches are added.
    const y = wanted.y + (i < TRIES / 2 ? i : TRIES / 2 - i - 1) * step;
    const candidate = { x: wanted.x, y, ...CARD };
    if (!boxes.some((b) => overlaps(candidate, b))) return { x: wanted.x, y };
  }
  return wanted;
}
