import { checkBatchPaths } from './batch-checks';
import { flowDefinitionSchema, flowNodeSchema, type FlowDefinition } from './definition';
import { FlowGraph, type GraphNode } from './graph';
import { edgeHandle, edgeUsingHandle, leadsIntoTrigger } from './edge-rules';
import { addZodIssues, errorMessage, isPlainObject, IssueList, ROOT, utf8Length, type IssueTarget } from './issues';
import { respondNode } from './nodes/logic';
import { getNodeSpec, NODE_SPECS } from './registry';
import { checkRespondSources } from './respond-checks';
import { checkTemplates } from './template-checks';
import { checkUrls } from './url-checks';
import {
  DEFAULT_VALIDATION_LIMITS,
  type ParsedFlow,
  type ParsedNode,
  type ValidationLimits,
  type ValidationOptions,
  type ValidationResult,
} from './validation-types';

export * from './validation-types';

/** Most node ids the cycle issues of one flow list together. */
const MAX_CYCLE_NODE_IDS = 2000;

const TRIGGER_TYPES = NODE_SPECS.filter((s) => s.category === 'trigger').map((s) => s.type);

/**
 * Checks a flow definition (any JSON value) and, when it is valid, returns it indexed for the
 * engine. Never throws: an unexpected failure becomes an `internal` error. `options`: what the
 * editor knows besides the definition (output shapes from a test run).
 */
export function validateFlow(
  input: unknown,
  limits?: Partial<ValidationLimits>,
  options?: ValidationOptions,
): ValidationResult {
  const list = new IssueList();
  let flow: ParsedFlow | undefined;
  try {
    flow = new FlowValidator(input, resolveLimits(limits), list, options).run();
  } catch (err) {
    flow = undefined;
    list.error(ROOT, 'internal', '', `the validator failed unexpectedly: ${errorMessage(err)}`);
  }
  list.finish();
  const valid = list.errors.length === 0 && flow !== undefined;
  if (!valid && list.errors.length === 0) list.error(ROOT, 'internal', '', 'the validator produced no flow');
  return valid
    ? { valid, errors: list.errors, warnings: list.warnings, flow }
    : { valid, errors: list.errors, warnings: list.warnings };
}

/** Defaults, overridden by the given limits that are numbers. */
function resolveLimits(limits: unknown): ValidationLimits {
  const out = { ...DEFAULT_VALIDATION_LIMITS };
  if (!isPlainObject(limits)) return out;
  for (const key of Object.keys(out) as (keyof ValidationLimits)[]) {
    const v = limits[key];
    if (typeof v === 'number' && !Number.isNaN(v)) out[key] = v;
  }
  return out;
}

class FlowValidator {
  private readonly graph = new FlowGraph();
  /** Every node that is an object, in order (also those without a usable or unique id). */
  private readonly nodes: GraphNode[] = [];
  private trigger?: GraphNode;
  private rawNodes: unknown[] = [];
  private rawEdges: unknown[] = [];
  private definition?: FlowDefinition;

  constructor(
    private readonly input: unknown,
    private readonly limits: ValidationLimits,
    private readonly list: IssueList,
    private readonly options?: ValidationOptions,
  ) {}

  run(): ParsedFlow | undefined {
    if (!this.checkEnvelope()) return undefined;
    this.checkNodes();
    this.checkEdges();
    this.checkGraph();
    const batchOf = checkBatchPaths(this.graph, this.list, (i) => this.edgeTarget(i));
    const { graph, list, limits } = this;
    const outputShapes = this.options?.outputShapes;
    checkTemplates({ graph, list, limits, triggerType: this.trigger?.type, batchOf, outputShapes }, this.nodes);
    checkUrls(this.nodes, list);
    this.checkResponds();
    checkRespondSources(this.graph, this.list, this.trigger?.type);
    return this.list.errors.length === 0 ? this.build() : undefined;
  }

  /** Size, counts and the envelope schema. False when nothing more can be checked. */
  private checkEnvelope(): boolean {
    const { input, list, limits } = this;
    if (!isPlainObject(input)) {
      list.error(ROOT, 'schema', '', 'a flow definition must be a JSON object with schemaVersion, nodes and edges');
      return false;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(input);
    } catch (err) {
      const reason = err instanceof RangeError ? 'it is nested too deeply' : errorMessage(err);
      list.error(ROOT, 'schema', '', `the definition cannot be read as JSON: ${reason}`);
      return false;
    }
    const bytes = utf8Length(json ?? '');
    if (bytes > limits.maxDefinitionBytes) {
      list.error(ROOT, 'limit_size', '', `the definition is ${bytes} bytes; the limit is ${limits.maxDefinitionBytes}`);
      return false;
    }
    if (Array.isArray(input.nodes)) this.rawNodes = input.nodes;
    if (Array.isArray(input.edges)) this.rawEdges = input.edges;
    // Over a count limit, stop: the work (and the issue list) below grows with the counts.
    let overLimit = false;
    if (this.rawNodes.length > limits.maxNodes) {
      list.error(
        ROOT,
        'limit_nodes',
        'nodes',
        `the flow has ${this.rawNodes.length} nodes; the limit is ${limits.maxNodes}`,
      );
      overLimit = true;
    }
    if (this.rawEdges.length > limits.maxEdges) {
      list.error(
        ROOT,
        'limit_edges',
        'edges',
        `the flow has ${this.rawEdges.length} edges; the limit is ${limits.maxEdges}`,
      );
      overLimit = true;
    }
    if (overLimit) return false;

    const parsed = flowDefinitionSchema.safeParse(input);
    if (parsed.success) this.definition = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const [head, index, ...rest] = issue.path;
        if ((head === 'nodes' || head === 'edges') && typeof index === 'number') {
          const target = head === 'nodes' ? this.nodeTarget(index) : this.edgeTarget(index);
          addZodIssues(list, target, 'schema', [], [{ ...issue, path: rest }]);
        } else addZodIssues(list, ROOT, 'schema', [], [issue]);
      }
    }
    return Array.isArray(input.nodes);
  }

  /** Node issues carry the node's id and relative paths; without a usable id, absolute paths. */
  private nodeTarget(index: number): IssueTarget {
    const raw = this.rawNodes[index];
    const id = isPlainObject(raw) && typeof raw.id === 'string' && raw.id ? raw.id : undefined;
    return id !== undefined ? { nodeId: id, prefix: '' } : { prefix: `nodes.${index}` };
  }

  private edgeTarget(index: number): IssueTarget {
    const raw = this.rawEdges[index];
    const id = isPlainObject(raw) && typeof raw.id === 'string' && raw.id ? raw.id : undefined;
    return id !== undefined ? { edgeId: id, prefix: `edges.${index}` } : { prefix: `edges.${index}` };
  }

  private checkNodes(): void {
    const { list, graph } = this;
    const flaggedNames = new Set<string>();
    this.rawNodes.forEach((raw, index) => {
      if (!isPlainObject(raw)) return; // reported by the envelope schema
      const target = this.nodeTarget(index);
      const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      const node: GraphNode = {
        index,
        id: target.nodeId ?? '',
        name: str(raw.name),
        type: str(raw.type),
        issueTarget: target,
      };
      node.node = this.definition?.nodes[index] ?? flowNodeSchema.safeParse(raw).data;
      this.nodes.push(node);

      if (node.id) {
        const first = graph.nodes.get(node.id);
        if (first)
          list.error(
            target,
            'duplicate_id',
            'id',
            `id "${node.id}" is already used by node ${first.index + 1}${first.name ? ` ("${first.name}")` : ''}`,
          );
        else graph.nodes.set(node.id, node);
      }
      if (node.name) {
        const first = graph.byName.get(node.name);
        if (first) {
          // Both nodes are flagged (the editor shows node names, never positions): either may be renamed.
          const kind = (n: GraphNode) => (n.type ? ` (${getNodeSpec(n.type)?.label ?? n.type})` : '');
          if (!flaggedNames.has(node.name))
            list.error(
              first.issueTarget,
              'duplicate_name',
              'name',
              `name "${node.name}" is also used by another node${kind(node)}; names must be unique`,
            );
          flaggedNames.add(node.name);
          list.error(
            target,
            'duplicate_name',
            'name',
            `name "${node.name}" is already used by another node${kind(first)}; names must be unique`,
          );
        } else graph.byName.set(node.name, node);
      }
      if (node.type === undefined) return; // reported by the envelope schema
      node.spec = getNodeSpec(node.type);
      if (!node.spec) {
        list.error(
          target,
          'unknown_type',
          'type',
          `unknown node type "${node.type}"; known types: ${NODE_SPECS.map((s) => s.type).join(', ')}`,
        );
        return;
      }
      if (node.spec.category === 'trigger') {
        if (!this.trigger) this.trigger = node;
        else
          list.error(
            target,
            'trigger_count',
            'type',
            `a flow has exactly one trigger, and "${this.trigger.name ?? this.trigger.id}" is already one`,
          );
      }
      this.checkConfig(node, raw.config === undefined ? {} : raw.config);
    });
    if (!this.trigger) {
      list.error(
        ROOT,
        'trigger_count',
        'nodes',
        `a flow needs exactly one trigger node (${TRIGGER_TYPES.join(', ')}); there is none`,
      );
    }
  }

  private checkConfig(node: GraphNode, raw: unknown): void {
    const spec = node.spec!;
    if (!isPlainObject(raw)) return; // reported by the envelope schema
    try {
      const parsed = spec.configSchema.safeParse(raw);
      if (!parsed.success) {
        addZodIssues(this.list, node.issueTarget, 'config', ['config'], parsed.error.issues);
        return;
      }
      node.handles = spec.handles(parsed.data);
      node.config = parsed.data;
    } catch (err) {
      if (err instanceof RangeError)
        this.list.error(node.issueTarget, 'config', 'config', 'the config is nested too deeply');
      else this.list.error(node.issueTarget, 'internal', 'config', `could not check this config: ${errorMessage(err)}`);
    }
  }

  private checkEdges(): void {
    const { list, graph } = this;
    const edgeIds = new Map<string, number>();
    this.rawEdges.forEach((raw, index) => {
      if (!isPlainObject(raw)) return;
      const target = this.edgeTarget(index);
      if (target.edgeId !== undefined) {
        const first = edgeIds.get(target.edgeId);
        if (first !== undefined)
          list.error(target, 'duplicate_id', 'id', `edge id "${target.edgeId}" is already used by edges.${first}`);
        else edgeIds.set(target.edgeId, index);
      }
      if (typeof raw.source !== 'string' || typeof raw.target !== 'string') return;
      const src = graph.nodes.get(raw.source);
      const dst = graph.nodes.get(raw.target);
      if (!src) list.error(target, 'edge_source_missing', 'source', `there is no node with id "${raw.source}"`);
      if (!dst) list.error(target, 'edge_target_missing', 'target', `there is no node with id "${raw.target}"`);
      if (!src || !dst) return;
      if (leadsIntoTrigger(dst.type)) {
        list.error(
          target,
          'trigger_incoming',
          'target',
          `edges cannot lead into the trigger "${label(dst)}"; a run starts there`,
        );
        return;
      }
      const explicit = typeof raw.sourceHandle === 'string' ? raw.sourceHandle : undefined;
      const handlePath = explicit === undefined ? 'source' : 'sourceHandle';
      let handle = explicit ?? '';
      if (src.handles) {
        const resolved = edgeHandle(src.handles, explicit);
        handle = resolved.handle;
        if (!resolved.valid) {
          const valid = src.handles.length ? `valid handles: ${src.handles.join(', ')}` : 'it has no outgoing handles';
          list.error(target, 'edge_handle', handlePath, `node "${label(src)}" has no handle "${handle}"; ${valid}`);
          return;
        }
        const taken = edgeUsingHandle(graph.outgoing(src.id), handle);
        if (taken) {
          const other = taken.id ? ` ("${taken.id}")` : '';
          const message = `handle "${handle}" of node "${label(src)}" already has an edge${other}`;
          list.error(target, 'handle_reused', handlePath, `${message}; each handle leads to one node`);
        }
      }
      // Kept even when reused: cycles and reachability should see every connection drawn.
      graph.addEdge({ index, id: target.edgeId, source: src.id, target: dst.id, handle });
    });
  }

  /** Cycles and reachability. */
  private checkGraph(): void {
    const { list, graph } = this;
    // Up to 2,000 back edges can each close a cycle through 500 nodes: messages name a few of
    // them, and the node ids listed stop at MAX_CYCLE_NODE_IDS in all (else megabytes of issues).
    let idsLeft = MAX_CYCLE_NODE_IDS;
    for (const cycle of graph.findCycles()) {
      const ids = cycle.nodeIds;
      const name = (id: string) => label(graph.nodes.get(id)!);
      const shown =
        ids.length > 6
          ? [...ids.slice(0, 3).map(name), `… ${ids.length - 5} more …`, ...ids.slice(-2).map(name)]
          : ids.map(name);
      const edgeName = cycle.edge.id ? `edge "${cycle.edge.id}"` : 'this edge';
      const message =
        ids.length === 1
          ? `${edgeName} connects node "${shown[0]}" to itself; flows cannot loop`
          : `${edgeName} closes a cycle: ${[...shown, shown[0]].join(' → ')}; flows cannot loop`;
      const extra = ids.length <= idsLeft ? { nodeIds: ids } : undefined;
      if (extra) idsLeft -= ids.length;
      list.error(this.edgeTarget(cycle.edge.index), 'cycle', '', message, extra);
    }
    if (!this.trigger?.id) return;
    const reachable = graph.reachableFrom(this.trigger.id);
    for (const node of graph.nodes.values()) {
      if (!reachable.has(node.id) && node !== this.trigger && node.spec?.category !== 'trigger') {
        list.warn(node.issueTarget, 'unreachable', '', `no path leads here from the trigger, so this node never runs`);
      }
    }
  }

  /** Respond nodes matter only under synchronous triggers, and those need one. */
  private checkResponds(): void {
    const trigger = this.trigger;
    const mode = trigger?.spec?.trigger?.mode;
    if (!trigger || !mode) return;
    const responds = this.nodes.filter((n) => n.type === respondNode.type);
    if (mode === 'async') {
      for (const r of responds) {
        this.list.warn(
          r.issueTarget,
          'respond_async',
          '',
          `nobody waits for an answer: the trigger "${label(trigger)}" (${trigger.type}) is asynchronous`,
        );
      }
      return;
    }
    if (!trigger.id) return;
    const reachable = this.graph.reachableFrom(trigger.id);
    if (!responds.some((r) => reachable.has(r.id))) {
      const outcome = trigger.spec?.trigger?.unanswered ?? "the caller never gets the flow's answer";
      this.list.warn(
        trigger.issueTarget,
        'no_respond',
        '',
        `no respond node is reachable from this trigger, so ${outcome}`,
      );
    }
  }

  /** Only called without errors, so every node has an id, a spec and a valid config. */
  private build(): ParsedFlow | undefined {
    const definition = this.definition;
    if (!definition) return undefined;
    const nodes = new Map<string, ParsedNode>();
    const byName = new Map<string, ParsedNode>();
    for (const node of definition.nodes) {
      const g = this.graph.nodes.get(node.id);
      if (!g?.spec || g.config === undefined || !g.handles) return undefined;
      const parsed: ParsedNode = { node, spec: g.spec, config: g.config, handles: g.handles, next: new Map() };
      nodes.set(node.id, parsed);
      byName.set(node.name, parsed);
    }
    for (const edge of this.graph.edges) nodes.get(edge.source)?.next.set(edge.handle, edge.target);
    const trigger = this.trigger && nodes.get(this.trigger.id);
    return trigger ? { definition, trigger, nodes, byName } : undefined;
  }
}

function label(node: GraphNode): string {
  return node.name ?? node.id;
}
