import type { FlowGraph, GraphNode } from './graph';
import { errorMessage, utf8Length, type IssueList } from './issues';
import { compileMatchPattern } from './match-pattern';
import { analyzeTemplate, type TemplateReference } from './template/analyze';
import { secretReferenceProblem, unavailableInputProblem } from './token-rules';
import { hasConnection, setVariableNames, TOKEN_ROOTS } from './tokens';
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
}

function at(line: number, column: number, message: string): string {
  return `line ${line}, column ${column}: ${message}`;
}

/** Checks every template of a node with a valid config: size, syntax, helpers and the tokens it reads. */
export function checkNodeTemplates(ctx: TemplateCheckContext, node: GraphNode): void {
  if (!node.spec || node.config === undefined) return;
  const { list, limits } = ctx;
  const target = node.issueTarget;
  let fields;
  try {
    fields = node.spec.templates(node.config);
  } catch (err) {
    list.error(target, 'internal', 'config', `could not list the templates of this node: ${errorMessage(err)}`);
    return;
  }
  for (const field of fields) {
    const path = ['config', ...field.path];
    const bytes = utf8Length(field.template);
    if (bytes > limits.maxTemplateBytes) {
      list.error(target, 'template_size', path, `template is ${bytes} bytes; the limit is ${limits.maxTemplateBytes}`);
      continue;
    }
    const analysis = analyzeTemplate(field.template);
    if (!analysis.ok) {
      list.error(target, 'template_syntax', path, at(analysis.error.line, analysis.error.column, analysis.error.message));
      continue;
    }
    for (const p of analysis.problems) list.error(target, 'template_helper', path, at(p.line, p.column, p.message));
    for (const ref of analysis.references) checkReference(ctx, node, path, ref);
  }
  checkRegexes(ctx, node);
}

function checkReference(ctx: TemplateCheckContext, node: GraphNode, path: (string | number)[], ref: TemplateReference): void {
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
    else if (source.id === node.id) list.error(target, 'node_reference', path, where(`${token}: a node cannot read its own output`));
    else if (!graph.ancestorsOf(node.id).has(source.id)) {
      list.error(target, 'node_reference', path, where(`${token}: node "${name}" does not run before this node (no path leads from it here)`));
    } else if (ctx.batchOf?.get(node.id) === source.id) {
      const hint = 'on its each path use {{batch.items}}, {{batch.index}}, {{batch.count}}';
      const message = `${token}: batch "${name}" has an output only once all its chunks are done; ${hint}`;
      list.error(target, 'node_reference', path, where(message));
    }
  } else if (ref.root === 'vars' && name !== undefined) {
    if (!varsSetBefore(graph, node).has(name)) {
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

/** Variable names set by upstream set nodes, plus the node's own when it is a set node (its rows may build on each other). */
function varsSetBefore(graph: FlowGraph, node: GraphNode): Set<string> {
  const names = new Set<string>();
  for (const id of [...graph.ancestorsOf(node.id), node.id]) {
    const n = graph.nodes.get(id);
    if (n?.type === 'set') for (const name of setVariableNames(n.config)) names.add(name);
  }
  return names;
}

/** A static `matches` pattern must compile (RE2 syntax, match-pattern.ts); a templated one is checked when rendered. */
function checkRegexes(ctx: TemplateCheckContext, node: GraphNode): void {
  if (node.type !== 'condition') return;
  const rules = (node.config as { rules?: { op?: string; right?: unknown; ignoreCase?: boolean }[] }).rules ?? [];
  rules.forEach((rule, i) => {
    if (rule.op !== 'matches' || typeof rule.right !== 'string' || rule.right.includes('{{')) return;
    try {
      compileMatchPattern(rule.right, rule.ignoreCase);
    } catch (err) {
      ctx.list.error(node.issueTarget, 'regex', ['config', 'rules', i, 'right'], `not a valid regular expression: ${errorMessage(err)}`);
    }
  });
}
