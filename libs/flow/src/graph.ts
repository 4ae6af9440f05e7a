import type { FlowNode } from './definition';
import type { IssueTarget } from './issues';
import type { NodeSpec } from './node-spec';

/** A node as far as the validator could make sense of it (its envelope or config may still be invalid). */
export interface GraphNode {
  /** Position in `definition.nodes`. */
  index: number;
  id: string;
  name?: string;
  type?: string;
  spec?: NodeSpec;
  /** The spec-parsed config; set only when the config is valid. */
  config?: unknown;
  /** Set only when the config is valid. */
  handles?: string[];
  /** The envelope as parsed; set only when the envelope is valid. */
  node?: FlowNode;
  issueTarget: IssueTarget;
}

export interface GraphEdge {
  index: number;
  id?: string;
  source: string;
  target: string;
  /** The handle the edge leaves by: `sourceHandle`, or the source's first handle. */
  handle: string;
}

/** A cycle found by findCycles: the edge that closes it and the node ids along it, in order. */
export interface Cycle {
  edge: GraphEdge;
  nodeIds: string[];
}

/** Every node reachable from `start` through `neighbours` (start included). Iterative: no stack limits. */
export function collect(start: string, neighbours: (id: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of neighbours(queue[i]!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Nodes (first occurrence of each id) and the edges between existing nodes. */
export class FlowGraph {
  readonly nodes = new Map<string, GraphNode>();
  /** First node of each name. */
  readonly byName = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];
  private readonly out = new Map<string, GraphEdge[]>();
  private readonly in = new Map<string, GraphEdge[]>();
  private readonly ancestorCache = new Map<string, Set<string>>();

  addEdge(edge: GraphEdge): void {
    this.edges.push(edge);
    push(this.out, edge.source, edge);
    push(this.in, edge.target, edge);
    this.ancestorCache.clear();
  }

  outgoing(id: string): readonly GraphEdge[] {
    return this.out.get(id) ?? [];
  }

  /** Node ids reachable from `id`, itself included. */
  reachableFrom(id: string): Set<string> {
    return collect(id, (n) => this.outgoing(n).map((e) => e.target));
  }

  /** Node ids with a path to `id` (nodes that can have run before it); `id` itself only when on a cycle. */
  ancestorsOf(id: string): Set<string> {
    let result = this.ancestorCache.get(id);
    if (!result) {
      result = new Set<string>();
      const queue = [id];
      for (let i = 0; i < queue.length; i++) {
        for (const e of this.in.get(queue[i]!) ?? []) {
          if (!result.has(e.source)) {
            result.add(e.source);
            queue.push(e.source);
          }
        }
      }
      this.ancestorCache.set(id, result);
    }
    return result;
  }

  /** One cycle per back edge of a depth-first search; none means the graph is acyclic. */
  findCycles(): Cycle[] {
    const WHITE = 0, GREY = 1, BLACK = 2;
    const colour = new Map<string, number>();
    const cycles: Cycle[] = [];
    for (const root of this.nodes.keys()) {
      if (colour.get(root)) continue;
      // Explicit stack of (node, next edge index) so long chains cannot overflow the call stack.
      const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
      const onPath: string[] = [root];
      colour.set(root, GREY);
      while (stack.length) {
        const frame = stack[stack.length - 1]!;
        const edges = this.outgoing(frame.id);
        if (frame.i >= edges.length) {
          colour.set(frame.id, BLACK);
          stack.pop();
          onPath.pop();
          continue;
        }
        const edge = edges[frame.i++]!;
        const c = colour.get(edge.target) ?? WHITE;
        if (c === GREY) cycles.push({ edge, nodeIds: onPath.slice(onPath.lastIndexOf(edge.target)) });
        else if (c === WHITE) {
          colour.set(edge.target, GREY);
          stack.push({ id: edge.target, i: 0 });
          onPath.push(edge.target);
        }
      }
    }
    return cycles;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
