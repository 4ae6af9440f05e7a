import type { FlowDefinition, FlowNode } from './definition';
import type { NodeSpec } from './node-spec';
import type { KnownShape } from './output-shapes';

/** One finding of validateFlow. */
export interface ValidationIssue {
  nodeId?: string;
  edgeId?: string;
  /** Every node involved, when more than one is (e.g. the nodes of a cycle). */
  nodeIds?: string[];
  /** Dotted; relative to the node when `nodeId` is set (`config.headers.0.value`), else absolute (`edges.3.target`). */
  path: string;
  message: string;
  /** Stable machine-readable kind, e.g. `config`, `cycle`, `template_syntax`. */
  code: string;
  severity: 'error' | 'warning';
}

export interface ValidationLimits {
  maxNodes: number;
  maxEdges: number;
  /** Per template, UTF-8 bytes. */
  maxTemplateBytes: number;
  /** The whole definition as JSON, UTF-8 bytes. */
  maxDefinitionBytes: number;
  /**
   * Parsing work of all templates together (template/cost.ts: about one unit per token inside
   * `{{…}}`, a little more when nested; ~3 µs each): bounds the time validation spends parsing.
   */
  maxTemplateWork: number;
  /** Compile work of the distinct static `matches` patterns together (match-pattern-size.ts; ~1–2 µs each). */
  maxPatternWork: number;
}

/** What validateFlow may be told besides the definition. */
export interface ValidationOptions {
  /**
   * Node outputs seen outside the definition (the editor's last test run, a WSDL's described
   * output), by node id: merged with the pinned samples, token paths they lack are warnings.
   */
  outputShapes?: ReadonlyMap<string, KnownShape>;
}

export const DEFAULT_VALIDATION_LIMITS: Readonly<ValidationLimits> = Object.freeze({
  maxNodes: 500,
  maxEdges: 2000,
  maxTemplateBytes: 64 * 1024,
  // 1 MiB, the API's default body limit: a definition of small rows costs ~30 ms of schema checks per MiB.
  maxDefinitionBytes: 1024 * 1024,
  maxTemplateWork: 10_000,
  maxPatternWork: 5_000,
});

/** A node of a valid flow, ready for the engine (`C` defaults to `any`, like NodeSpec, so executors can narrow it). */
export interface ParsedNode<C = any> {
  node: FlowNode;
  spec: NodeSpec<C>;
  /** The config as parsed by the spec's schema: defaults applied. */
  config: C;
  /** Outgoing handles for this config; the first is the default for edges without `sourceHandle`. */
  handles: string[];
  /** Handle → target node id; a handle without an edge is absent. */
  next: Map<string, string>;
}

/** A valid flow, indexed for compiling. */
export interface ParsedFlow {
  definition: FlowDefinition;
  trigger: ParsedNode;
  /** By node id, in definition order. */
  nodes: Map<string, ParsedNode>;
  /** By node name. */
  byName: Map<string, ParsedNode>;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Present only when `valid`. */
  flow?: ParsedFlow;
}
