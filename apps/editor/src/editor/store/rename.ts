/**
 * Renaming a node moves the references to its output (`{{nodes.<name>…}}` in other nodes' templates)
 * with it, as the name is typed. A rename is rewritten from where it started at every keystroke (the
 * other nodes' configs then, and the name then), so the names typed on the way never catch tokens of
 * their own (a dangling `{{nodes.c…}}` while typing "customer"). The tokens follow only while the name
 * is valid and no other node holds it; else they stay at the starting name.
 */
import { nodeNameOffsets, nodeNameSchema, renameNodeReferencesInConfig } from '@callflow/flow';
import type { EditorNode } from '../convert';

/** A rename being typed: valid while nothing else changed the flow (`seq`, the changeSeq it left). */
export interface Renaming {
  id: string;
  /** The node's name when it started. */
  from: string;
  /** The other nodes' configs when it started. */
  configs: ReadonlyMap<string, Record<string, unknown>>;
  seq: number;
  /** nodeNameOffsets of the starting name, per template text (each is parsed once per rename). */
  offsets: Map<string, number[]>;
  /** Other nodes with no reference to it (not looked at again). */
  untouched: Set<string>;
}

/**
 * The nodes with node `id` named `name` and the references moved with it, given the flow's changeSeq
 * and the rename under way (a new one starts when it is another node's or the flow changed since).
 */
export function renamed(
  nodes: readonly EditorNode[],
  changeSeq: number,
  id: string,
  name: string,
  renaming: Renaming | null,
): { nodes: EditorNode[]; renaming: Omit<Renaming, 'seq'> } | null {
  const node = nodes.find((n) => n.id === id);
  if (!node) return null;
  const r: Omit<Renaming, 'seq'> =
    renaming?.id === id && renaming.seq === changeSeq
      ? renaming
      : {
          id,
          from: node.data.name,
          configs: new Map(nodes.filter((n) => n.id !== id).map((n) => [n.id, n.data.config])),
          offsets: new Map(),
          untouched: new Set(),
        };
  const taken = (x: string) => nodes.some((n) => n.id !== id && n.data.name === x);
  const follow = name !== r.from && nodeNameSchema.safeParse(name).success && !taken(name) && !taken(r.from);
  const offsets = (text: string, of: string) => {
    let found = r.offsets.get(text);
    if (!found) r.offsets.set(text, (found = nodeNameOffsets(text, of)));
    return found;
  };
  return {
    nodes: nodes.map((n) => {
      if (n.id === id) return { ...n, data: { ...n.data, name } };
      const start = r.configs.get(n.id) ?? n.data.config;
      let config = start;
      if (follow && !r.untouched.has(n.id)) {
        config = renameNodeReferencesInConfig(n.type ?? '', start, r.from, name, offsets);
        if (config === start) r.untouched.add(n.id);
      }
      return config === n.data.config ? n : { ...n, data: { ...n.data, config } };
    }),
    renaming: r,
  };
}
