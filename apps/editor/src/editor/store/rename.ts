/**
 * Renaming a node moves the references to its output (`{{nodes.<name>…}}` in other nodes' templates)
 * with it, as the name is typed. The references follow only while no other node holds either name:
 * typing through another node's name leaves them where they were until the name is free again.
 */
import { nodeNameSchema, renameNodeReferencesIn } from '@callflow/flow';
import type { EditorNode } from '../convert';

/** The name the references of node `id` point at, while its name is being typed. */
export interface Renaming {
  id: string;
  /** The name its references point at. */
  refsAt: string;
  /** The name last set by typing: when the node's name is no longer it (undo), refsAt is stale. */
  lastSet: string;
}

/** The nodes with node `id` named `name` and, when they can follow, the references moved to it. */
export function renamed(
  nodes: readonly EditorNode[],
  id: string,
  name: string,
  renaming: Renaming | null,
): { nodes: EditorNode[]; renaming: Renaming } | null {
  const node = nodes.find((n) => n.id === id);
  if (!node) return null;
  const refsAt = renaming?.id === id && renaming.lastSet === node.data.name ? renaming.refsAt : node.data.name;
  const taken = (x: string) => nodes.some((n) => n.id !== id && n.data.name === x);
  const follow = name !== refsAt && nodeNameSchema.safeParse(name).success && !taken(name) && !taken(refsAt);
  return {
    nodes: nodes.map((n) => {
      if (n.id === id) return { ...n, data: { ...n.data, name } };
      if (!follow) return n;
      const config = renameNodeReferencesIn(n.data.config, refsAt, name);
      return config === n.data.config ? n : { ...n, data: { ...n.data, config } };
    }),
    renaming: { id, refsAt: follow ? name : refsAt, lastSet: name },
  };
}
