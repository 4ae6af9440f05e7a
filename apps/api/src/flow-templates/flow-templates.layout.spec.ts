import { FLOW_TEMPLATES } from './flow-templates.registry';

// The editor's card (248 × ~120 px) and the room an edge with its handle label needs between two.
const CARD = { width: 248, height: 120 };
const GAP = { x: 60, y: 40 };

describe('flow templates open laid out with room for their edges', () => {
  it.each(FLOW_TEMPLATES.map((t) => [t.id, t] as const))('%s: no two cards closer than an edge needs', (_id, t) => {
    const crowded: string[] = [];
    for (const a of t.definition.nodes)
      for (const b of t.definition.nodes) {
        if (a.id >= b.id) continue;
        const dx = Math.abs(a.position.x - b.position.x);
        const dy = Math.abs(a.position.y - b.position.y);
        if (dx < CARD.width + GAP.x && dy < CARD.height + GAP.y) crowded.push(`${a.name} / ${b.name}`);
      }
    expect(crowded).toEqual([]);
  });
});
