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

/** A set of nodes as bits of their `index`: membership and intersection cost a few word operations. */
export type NodeBits = Uint32Array;

export function hasBit(bits: NodeBits, index: number): boolean {
  return ((bits[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
}

export function setBit(bits: NodeBits, index: number): void {
  bits[index >>> 5]! |= 1 << (index & 31);
}

/** Whether the two sets share a node. */
export function intersects(a: NodeBits, b: NodeBits): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i]! & b[i]!) !== 0) return true;
  return false;
}

/** Nodes (first occurrence of each id) and the edges between existing nodes. */
export class FlowGraph {
  readonly nodes = new Map<string, GraphNode>();
  /** First node of each name. */
  readonly byName = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];
  private readonly out = new Map<string, GraphEdge[]>();
  private readonly in = new Map<string, GraphEdge[]>();
  private readonly ancestorCache = new Map<string, NodeBits>();
  private words = 0;
  /** Set by findCycles: true when it found none. */
  private acyclic = false;

  addEdge(edge: GraphEdge): void {
    this.edges.push(edge);
    push(this.out, edge.source, edge);
    push(this.in, edge.target, edge);
    this.ancestorCache.clear();
    this.acyclic = false;
  }

  /** An empty NodeBits that can hold every node of the graph (call once all nodes are added). */
  emptyBits(): NodeBits {
    if (this.words === 0) {
      let max = 0;
      for (const n of this.nodes.values()) max = Math.max(max, n.index);
      this.words = (max >>> 5) + 1;
    }
    return new Uint32Array(this.words);
  }

  outgoing(id: string): readonly GraphEdge[] {
    return this.out.get(id) ?? [];
  }

  /** Node ids reachable from `id`, itself included. */
  reachableFrom(id: string): Set<string> {
    return collect(id, (n) => this.outgoing(n).map((e) => e.target));
  }

  /**
   * The nodes with a path to `id` (those that can have run before it), as bits of their index;
   * `id` itself only when on a cycle. Cached. In an acyclic graph (see findCycles) each node's set
   * is the union of its parents' sets, so all of them cost O(edges × nodes / 32); otherwise one
   * walk per node asked about. Never a walk per reference.
   */
  ancestorBits(id: string): NodeBits {
    const cached = this.ancestorCache.get(id);
    if (cached) return cached;
    if (this.acyclic) return this.ancestorsByParents(id);
    const bits = this.emptyBits();
    const queue = [id];
    for (let i = 0; i < queue.length; i++) {
      for (const e of this.in.get(queue[i]!) ?? []) {
        const source = this.nodes.get(e.source)!;
        if (!hasBit(bits, source.index)) {
          setBit(bits, source.index);
          queue.push(e.source);
        }
      }
    }
    this.ancestorCache.set(id, bits);
    return bits;
  }

  /** ancestorBits for an acyclic graph: parents first (an explicit stack: long chains are fine). */
  private ancestorsByParents(id: string): NodeBits {
    const cache = this.ancestorCache;
    const stack = [id];
    while (stack.length) {
      const v = stack[stack.length - 1]!;
      if (cache.has(v)) {
        stack.pop();
        continue;
      }
      const parents = this.in.get(v) ?? [];
      let ready = true;
      for (const e of parents) {
        if (!cache.has(e.source)) {
          stack.push(e.source);
          ready = false;
        }
      }
      if (!ready) continue;
      stack.pop();
      const bits = this.emptyBits();
      for (const e of parents) {
        const above = cache.get(e.source)!;
        for (let w = 0; w < bits.length; w++) bits[w]! |= above[w]!;
        setBit(bits, this.nodes.get(e.source)!.index);
      }
      cache.set(v, bits);
    }
    return cache.get(id)!;
  }

  /** Whether node `before` has a path to node `id` (so it can have run before it). */
  runsBefore(before: string, id: string): boolean {
    const node = this.nodes.get(before);
    return node !== undefined && hasBit(this.ancestorBits(id), node.index);
  }

  /** One cycle per back edge of a depth-first search; none means the graph is acyclic. */
  findCycles(): Cycle[] {
    const WHITE = 0,
      GREY = 1,
      BLACK = 2;
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
    this.acyclic = cycles.length === 0;
    return cycles;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
