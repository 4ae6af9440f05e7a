/**
 * The most expensive definitions we know how to build for the validator, within its limits (not
 * exported from the package index): what a hostile tenant would send to stall the server. Each
 * takes the limits it must fit and returns plain JSON.
 */
import { batchNode } from '../nodes/batch';
import { conditionNode, setNode as setSpec } from '../nodes/logic';
import { endOfCallTrigger, webhookTrigger } from '../nodes/triggers';
import { templateCost } from '../template/cost';
import { patternSize } from '../match-pattern-size';
import { DEFAULT_VALIDATION_LIMITS, type ValidationLimits } from '../validation-types';

type Json = Record<string, unknown>;
export interface WorstCase {
  schemaVersion: 1;
  nodes: Json[];
  edges: Json[];
}

const trigger = (type: string = endOfCallTrigger.type): Json => ({ id: 't', type, name: 'start', config: {} });
/** The edge into node `n<i>` from the one before it (the trigger before n1), leaving by `handle`. */
const link = (i: number, handle: string): Json =>
  i === 1
    ? { id: `e${i}`, source: 't', target: `n${i}` }
    : { id: `e${i}`, source: `n${i - 1}`, sourceHandle: handle, target: `n${i}` };
const setNode = (i: number, values: { name: string; value: string }[]): Json => ({
  id: `n${i}`,
  type: setSpec.type,
  name: `s${i}`,
  config: { values },
});

/** The security review's payload: 499 chained set nodes, each `{{vars.a}}` × `repeat` (170: 940 KB). */
export function reviewerPayload(repeat = 170, count = 499): WorstCase {
  const nodes = [trigger()];
  const edges: Json[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push(setNode(i, [{ name: 'a', value: '{{vars.a}}'.repeat(repeat) }]));
    edges.push({ id: `e${i}`, source: i === 1 ? 't' : `n${i - 1}`, target: `n${i}` });
  }
  return { schemaVersion: 1, nodes, edges };
}

/** How many copies of `unit` fit in `work` units of template parsing. */
function copies(unit: string, work: number): number {
  return Math.max(1, Math.floor(work / templateCost(unit).work));
}

/**
 * The reviewer's shape at the parsing budget (valid: every template is parsed): 499 chained set
 * nodes share `maxTemplateWork`, each reading `vars` and the outputs of nodes far up the chain.
 */
export function chainAtBudget(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS, count = 499): WorstCase {
  const flow = reviewerPayload(0, count);
  const per = Math.floor(limits.maxTemplateWork / count) - 2;
  flow.nodes.slice(1).forEach((node, k) => {
    const i = k + 1;
    const unit = `{{vars.a}}{{nodes.s${Math.max(1, i - 400)}.x}}`;
    (node.config as Json).values = [{ name: 'a', value: i === 1 ? 'x' : unit.repeat(copies(unit, per)) }];
  });
  return flow;
}

/**
 * A dense graph: every node has edges from up to four earlier ones (2,000 edges; the reused
 * handles are errors, but each edge is walked), each reading variables set far up and node outputs.
 */
export function denseGraph(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const count = Math.min(limits.maxNodes - 1, 499);
  const nodes = [trigger()];
  const edges: Json[] = [];
  const per = Math.floor(limits.maxTemplateWork / count) - 2;
  for (let i = 1; i <= count; i++) {
    const unit = `{{vars.v${Math.max(1, i - 300)}}}{{nodes.s${Math.max(1, i - 250)}.x}}`;
    nodes.push(setNode(i, [{ name: `v${i}`, value: i === 1 ? 'x' : unit.repeat(copies(unit, per)) }]));
  }
  for (let i = 1; i <= count && edges.length < limits.maxEdges; i++) {
    for (const d of [1, 2, 3, 5]) {
      if (edges.length >= limits.maxEdges || i - d < 0) continue;
      const source = i - d === 0 ? 't' : `n${i - d}`;
      edges.push({ id: `e${edges.length}`, source, sourceHandle: 'next', target: `n${i}` });
    }
  }
  return { schemaVersion: 1, nodes, edges };
}

/** Templates nested as deep as the parsing budget allows (blocks, else chains, sub-expressions). */
export function deepNesting(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const shapes = [
    (d: number) => `${'{{#if call.id}}'.repeat(d)}{{call.id}}${'{{/if}}'.repeat(d)}`,
    (d: number) => `{{#if call.id}}${'{{else if call.id}}'.repeat(d)}{{call.id}}{{/if}}`,
    (d: number) => `{{concat ${'(concat call.id '.repeat(d)}${')'.repeat(d)}}}`,
  ];
  const nodes = [trigger()];
  const edges: Json[] = [];
  const share = Math.floor(limits.maxTemplateWork / shapes.length);
  shapes.forEach((shape, k) => {
    let d = 1;
    while (templateCost(shape(d * 2)).work <= share) d *= 2;
    for (let step = d / 2; step >= 1; step /= 2) if (templateCost(shape(d + step)).work <= share) d += step;
    nodes.push(setNode(k + 1, [{ name: 'a', value: shape(d) }]));
    edges.push({ id: `e${k + 1}`, source: k === 0 ? 't' : `n${k}`, target: `n${k + 1}` });
  });
  return { schemaVersion: 1, nodes, edges };
}

/** Batch nodes nested 499 deep (invalid), with `done`/`error` edges up to the edge limit. */
export function nestedBatches(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const count = Math.min(limits.maxNodes - 1, 499);
  const nodes = [trigger(webhookTrigger.type)];
  const edges: Json[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push({ id: `n${i}`, type: batchNode.type, name: `b${i}`, config: { items: '{{request.body.x}}' } });
    edges.push(link(i, 'each'));
  }
  for (let i = 1; edges.length + 2 <= limits.maxEdges && i < count; i++) {
    edges.push({ id: `d${i}`, source: `n${i}`, sourceHandle: 'done', target: `n${i + 1}` });
    edges.push({ id: `x${i}`, source: `n${i}`, sourceHandle: 'error', target: `n${Math.min(count, i + 2)}` });
  }
  return { schemaVersion: 1, nodes, edges };
}

/** A ring through every node and back edges up to the edge limit: every one closes a long cycle. */
export function longCycles(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const count = Math.min(limits.maxNodes - 1, 499);
  const nodes = [trigger()];
  const edges: Json[] = [];
  const rules = ['h0', 'h1', 'h2', 'h3', 'h4'].map((handle) => ({ handle, left: '{{call.id}}', op: 'eq', right: 'x' }));
  for (let i = 1; i <= count; i++) {
    const name = `condition_node_with_a_long_name_${i}`.padEnd(64, 'x');
    nodes.push({ id: `n${i}`, type: conditionNode.type, name, config: { rules } });
    edges.push(link(i, 'h0'));
  }
  for (let i = count; i > 1 && edges.length < limits.maxEdges; i--) {
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      const target = `n${1 + ((i * 7 + h.length) % Math.max(1, i - 1))}`;
      if (edges.length < limits.maxEdges) edges.push({ id: `b${i}${h}`, source: `n${i}`, sourceHandle: h, target });
    }
  }
  return { schemaVersion: 1, nodes, edges };
}

/** Condition nodes whose static `matches` patterns use up the pattern budget (distinct, as costly as allowed). */
export function patternsAtBudget(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const nodes = [trigger()];
  const edges: Json[] = [];
  let work = 0;
  for (let i = 1; work < limits.maxPatternWork && i < limits.maxNodes; i++) {
    const rules = [];
    for (let j = 0; j < 50; j++) {
      const pattern = `^${'[\\p{L}\\p{N}]{1,9}.{1,9}'.repeat(7)}${i}_${j}$`;
      const size = patternSize(pattern);
      if (work + size > limits.maxPatternWork) break;
      work += size;
      rules.push({ handle: `h${j}`, left: '{{call.id}}', op: 'matches', right: pattern });
    }
    if (!rules.length) break;
    nodes.push({ id: `n${i}`, type: conditionNode.type, name: `c${i}`, config: { rules } });
    edges.push(link(i, 'default'));
  }
  return { schemaVersion: 1, nodes, edges };
}

/**
 * Fills `flow` up to `maxDefinitionBytes` with small set rows (each one an object for the schema
 * to parse), on new set nodes while there is room for nodes (at most 200 rows each).
 */
export function fillToSize(flow: WorstCase, limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  let free = limits.maxDefinitionBytes - JSON.stringify(flow).length;
  for (let i = 0; flow.nodes.length < limits.maxNodes; i++) {
    const node = { id: `f${i}`, type: setSpec.type, name: `fill${i}`, config: { values: [] as Json[] } };
    free -= JSON.stringify(node).length + 1;
    const values = node.config.values;
    for (let k = 0; values.length < 200; k++) {
      const row = { name: `f${k}`, value: '' };
      const cost = JSON.stringify(row).length + (values.length ? 1 : 0);
      if (cost > free) break;
      free -= cost;
      values.push(row);
    }
    if (!values.length) break;
    flow.nodes.push(node);
  }
  return flow;
}

/** Everything at once: the budgets used up, a dense graph, and rows up to the size limit. */
export function everything(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS): WorstCase {
  const half = {
    ...limits,
    maxTemplateWork: limits.maxTemplateWork / 2,
    maxNodes: 300,
    maxEdges: limits.maxEdges - 60,
  };
  const flow = denseGraph(half);
  const deep = deepNesting({ ...limits, maxTemplateWork: limits.maxTemplateWork / 2 - 100 });
  const patterns = patternsAtBudget(limits);
  const offset = flow.nodes.length;
  for (const [k, n] of [...deep.nodes.slice(1), ...patterns.nodes.slice(1)].entries()) {
    flow.nodes.push({ ...n, id: `m${k}`, name: `m${k}` });
    flow.edges.push({ id: `m${k}`, source: k === 0 ? `n${offset - 1}` : `m${k - 1}`, target: `m${k}` });
  }
  return fillToSize(flow, limits);
}

export const WORST_CASES: Record<string, (limits?: ValidationLimits) => WorstCase> = {
  reviewer: () => reviewerPayload(),
  chainAtBudget,
  denseGraph,
  deepNesting,
  nestedBatches,
  longCycles,
  patternsAtBudget,
  rowsToSize: (limits = DEFAULT_VALIDATION_LIMITS) => fillToSize(reviewerPayload(0, 0), limits),
  everything,
};
