/**
 * What is known of a node's output and from where: its pinned sample (in the definition, so the
 * validator sees it), a test run's step (editor only), a SOAP operation's described output (editor
 * only). Completion lists the paths; a token path the known shape lacks is a warning.
 */
import type { StepRecord } from './api/executions';
import type { NodeSpec } from './node-spec';
import { mergeShapes, missingPath, pathsOf, shapeOf, type ShapePath, type ValueShape } from './shape';
import type { TemplateReference } from './template/analyze';

/** A node's output shape and where it was seen (`the pinned sample response`), for messages. */
export interface KnownShape {
  shape: ValueShape;
  source: string;
}

/**
 * A node output's shape from a sample of it. The top level stays open: a sample shows some of the
 * documented fields (`body` of `{status, headers, body}`), never all of them (`error` on the error path).
 */
export function outputShape(output: unknown): ValueShape {
  const shape = shapeOf(output);
  return shape.kind === 'object' ? { ...shape, open: true } : shape;
}

/** The shape of a node's pinned sample (spec.sampleOutput), read from a config that may not validate. */
export function pinnedOutputShape(spec: NodeSpec | undefined, config: unknown): KnownShape | undefined {
  const sample = spec?.sampleOutput?.(config);
  return sample === undefined ? undefined : { shape: outputShape(sample), source: 'the pinned sample' };
}

/**
 * A node's output as its step record shows it (spec.stepOutput, else the recorded output);
 * undefined: unknown. A failed step's too (what its error path reads).
 */
export function stepOutput(spec: NodeSpec | undefined, step: StepRecord): unknown {
  if (!spec) return undefined;
  if (spec.stepOutput) return spec.stepOutput(step);
  return spec.recordsOutput ? step.output : undefined;
}

/** Several known shapes of one node as one (their union), naming every source. */
export function combineShapes(list: readonly (KnownShape | undefined)[]): KnownShape | undefined {
  let out: KnownShape | undefined;
  for (const k of list) {
    if (!k) continue;
    out = out
      ? {
          shape: mergeShapes(out.shape, k.shape),
          source: out.source === k.source ? out.source : `${out.source} and ${k.source}`,
        }
      : k;
  }
  return out;
}

/** The token paths below `nodes.<name>` a known shape offers, e.g. `nodes.crm.body.items.[0].name`. */
export function outputTokenPaths(name: string, shape: ValueShape, max = 300): (ShapePath & { token: string })[] {
  return pathsOf(shape, { max }).map((p) => ({ ...p, token: ['nodes', name, ...p.segments].join('.') }));
}

/** Edit distance up to `limit` (+1 past it): enough to say "did you mean". */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The known key closest to `key` (case aside, or at most two edits), if one is. */
function closest(key: string, keys: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = keys.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of keys.slice(0, 500)) {
    const d = distance(lower, k.toLowerCase(), 2);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * Why `ref` (a `nodes.<name>.…` reference) reads something the known shape of that node's output
 * lacks, or undefined when the path is there or the shape does not say. A warning, not an error:
 * a sample shows what came back once, not everything that can.
 */
export function shapeProblem(ref: TemplateReference, known: KnownShape): string | undefined {
  const [name, ...segments] = ref.path;
  if (ref.root !== 'nodes' || name === undefined || segments.length === 0) return undefined;
  const miss = missingPath(known.shape, segments);
  if (!miss) return undefined;
  const token = `{{${ref.original}}}`;
  const where = ['nodes', name, ...miss.at].join('.');
  const source = known.source;
  if (miss.kind === 'object') {
    const near = closest(miss.key, miss.keys);
    const listed = miss.keys.slice(0, 6).join(', ') + (miss.keys.length > 6 ? ', …' : '');
    const hint = near ? `; did you mean "${near}"?` : miss.keys.length ? ` (it has ${listed})` : ' (it is empty there)';
    return `${token}: ${where} has no "${miss.key}" in ${source}${hint}`;
  }
  if (miss.kind === 'array') {
    return `${token}: ${where} is a list in ${source}; read an item as ${where}.[0].${miss.key}`;
  }
  return `${token}: ${where} is a ${miss.kind} in ${source}, so it has no "${miss.key}"`;
}
