import { hasBit, intersects, setBit, type FlowGraph, type GraphNode, type NodeBits } from './graph';
import { errorMessage, type IssueList } from './issues';
import { combineShapes, pinnedOutputShape, shapeProblem, type KnownShape } from './output-shapes';
import { checkPatterns } from './pattern-checks';
import { analyzeTemplate, type TemplateAnalysis, type TemplateReference } from './template/analyze';
import { templatesWithinBudget } from './template-budget';
import { secretReferenceProblem, unavailableInputProblem } from './token-rules';
import { hasConnection, TOKEN_ROOTS } from './tokens';
import type { ValidationLimits } from './validation-types';

const ROOTS: ReadonlySet<string> = new Set(TOKEN_ROOTS);

export interface TemplateCheckContext {
  graph: FlowGraph;
  list: IssueList;
  limits: ValidationLimits;
  /** The flow's trigger type; undefined when the flow has no (single) trigger. */
  triggerType?: string;
  /** Node id → the batch node whose `each` path it is on (see checkBatchPaths). */
  batchOf?: ReadonlyMap<string, string>;
  /** Output shapes known besides the pinned samples (ValidationOptions.outputShapes), by node id. */
  outputShapes?: ReadonlyMap<string, KnownShape>;
}

/** What the checks of one flow share: each distinct template is analysed once, `vars` setters indexed once. */
interface CheckState extends TemplateCheckContext {
  analyses: Map<string, TemplateAnalysis>;
  /** Variable name → the set nodes that set it (built on first use). */
  setters?: Map<string, NodeBits>;
  /** Node id → its known output shape, null when none (built on first use). */
  shapes: Map<string, KnownShape | null>;
}

function at(line: number, column: number, message: string): string {
  return `line ${line}, column ${column}: ${message}`;
}

/**
 * Checks the templates of every node with a valid config (size, parsing cost, syntax, helpers and
 * the tokens they read) and condition patterns. The work is bounded by the definition's limits:
 * parsing by `maxTemplateWork`, patterns by `maxPatternWork`, and a reference costs a few word
 * operations (never a walk of the graph).
 */
export function checkTemplates(ctx: TemplateCheckContext, nodes: readonly GraphNode[]): void {
  const state: CheckState = { ...ctx, analyses: new Map(), shapes: new Map() };
  for (const { node, field, path } of templatesWithinBudget(nodes, ctx.list, ctx.limits)) {
    try {
      let analysis = state.analyses.get(field.template);
      if (!analysis) {
        analysis = analyzeTemplate(field.template);
        state.analyses.set(field.template, analysis);
      }
      const target = node.issueTarget;
      if (!analysis.ok) {
        const { line, column, message } = analysis.error;
        ctx.list.error(target, 'template_syntax', path, at(line, column, message));
        continue;
      }
      for (const p of analysis.problems) {
        ctx.list.error(target, 'template_helper', path, at(p.line, p.column, p.message));
      }
      for (const ref of analysis.references) checkReference(state, node, path, ref);
    } catch (err) {
      ctx.list.error(node.issueTarget, 'internal', path, `could not check this template: ${errorMessage(err)}`);
    }
  }
  checkPatterns(nodes, ctx.list, ctx.limits);
}

function checkReference(ctx: CheckState, node: GraphNode, path: (string | number)[], ref: TemplateReference): void {
  const { list, graph } = ctx;
  const target = node.issueTarget;
  const where = (message: string) => at(ref.line, ref.column, message);
  const token = `{{${ref.original}}}`;
  // A token that can never be filled is an error, never an empty string at run time.
  if (ref.root === 'secrets') {
    const problem = secretReferenceProblem(ref, hasConnection(node.config));
    if (problem) list.error(target, 'secret_token', path, where(problem));
    return;
  }
  if (!ROOTS.has(ref.root)) {
    const roots = TOKEN_ROOTS.join(', ');
    list.error(target, 'unknown_token', path, where(`unknown token ${token}; tokens start with ${roots}`));
    return;
  }
  const unavailable = unavailableInputProblem(ref, ctx.triggerType);
  if (unavailable) {
    list.error(target, ref.root === 'request' ? 'request_token' : 'input_token', path, where(unavailable));
    return;
  }
  const name = ref.path[0];
  if (ref.root === 'nodes' && name !== undefined) {
    const source = graph.byName.get(name);
    if (!source) list.error(target, 'node_reference', path, where(`${token}: there is no node named "${name}"`));
    else if (source.id === node.id)
      list.error(target, 'node_reference', path, where(`${token}: a node cannot read its own output`));
    else if (!graph.runsBefore(source.id, node.id)) {
      list.error(
        target,
        'node_reference',
        path,
        where(`${token}: node "${name}" does not run before this node (no path leads from it here)`),
      );
    } else if (ctx.batchOf?.get(node.id) === source.id) {
      const hint = 'on its each path use {{batch.items}}, {{batch.index}}, {{batch.count}}';
      const message = `${token}: batch "${name}" has an output only once all its chunks are done; ${hint}`;
      list.error(target, 'node_reference', path, where(message));
    } else {
      const problem = ref.path.length > 1 ? shapeProblemOf(ctx, source, ref) : undefined;
      if (problem) list.warn(target, 'token_shape', path, where(problem));
    }
  } else if (ref.root === 'vars' && name !== undefined) {
    if (!varSetBefore(ctx, node, name)) {
      const message = `${token}: no set node before this one sets "${name}", so it is always empty`;
      list.error(target, 'unknown_var', path, where(message));
    }
  } else if (ref.root === 'batch' && !ctx.batchOf?.has(node.id)) {
    // Never set here, so always empty: an error like every token that cannot resolve.
    const message = `${token}: batch.* is only set on the each path of a batch node, and this node is not on one`;
    list.error(target, 'batch_token', path, where(message));
  } else if (ref.root === 'connection' && !hasConnection(node.config)) {
    list.error(target, 'connection_token', path, where(`${token}: this node has no connection (set connectionId)`));
  }
}

/** What the known shape of `source`'s output says of `ref` (its pinned sample merged with the shapes given). */
function shapeProblemOf(ctx: CheckState, source: GraphNode, ref: TemplateReference): string | undefined {
  let known = ctx.shapes.get(source.id);
  if (known === undefined) {
    known = combineShapes([pinnedOutputShape(source.spec, source.config), ctx.outputShapes?.get(source.id)]) ?? null;
    ctx.shapes.set(source.id, known);
  }
  return known ? shapeProblem(ref, known) : undefined;
}

/**
 * Whether a set node that runs before `node` sets `name`, or `node` itself when it is a set node
 * (its rows may build on each other): the setters of `name` meet the node's ancestors.
 */
function varSetBefore(ctx: CheckState, node: GraphNode, name: string): boolean {
  const { graph } = ctx;
  if (!ctx.setters) {
    ctx.setters = new Map();
    for (const n of graph.nodes.values()) {
      for (const v of n.spec?.setsVars?.(n.config) ?? []) {
        let bits = ctx.setters.get(v);
        if (!bits) ctx.setters.set(v, (bits = graph.emptyBits()));
        setBit(bits, n.index);
      }
    }
  }
  const setters = ctx.setters.get(name);
  if (!setters) return false;
  const self = graph.nodes.get(node.id);
  return (self !== undefined && hasBit(setters, self.index)) || intersects(graph.ancestorBits(node.id), setters);
}
