import type { z } from 'zod';
import type { TemplateContext } from './template-context';
import type { RunInput, StepRecord } from './api/executions';

/** A template found in a node's config: where it sits and how it is escaped when rendered. */
export interface TemplateField {
  /** JSON path inside `config`, e.g. `['headers', 0, 'value']`. */
  path: (string | number)[];
  template: string;
  context: TemplateContext;
  /** An address the engine uses (checked by the validator): `call` an http(s) URL, `redirect` that or a path. */
  url?: UrlKind;
}

export type UrlKind = 'call' | 'redirect';

export type NodeCategory = 'trigger' | 'request' | 'logic';

/** The run-input roots a trigger can fill (`{{call.…}}`, `{{request.…}}`, …). */
export type InputRoot = 'call' | 'contact' | 'campaign' | 'ivr' | 'event' | 'request';

/** What a caller sends to start one run (see TriggerCall). */
export interface TriggerRequest {
  method: 'GET' | 'POST';
  query?: Record<string, string>;
  /** The JSON body; absent: none. */
  body?: unknown;
}

/** How a system starts a run of this trigger over HTTP ("How to call this flow", the API's 400 hints). */
export interface TriggerCall {
  /** The route below the API prefix; `{flowKey}` stands for the flow's key. */
  path: string;
  /** The methods the route answers. */
  methods: readonly ('GET' | 'POST')[];
  /** The request that starts a run receiving `input`, under this trigger's config. */
  request(config: Record<string, unknown>, input: RunInput): TriggerRequest;
  /** The body's shape in one line, e.g. `{"call": {…}, "contact": {…}}`. */
  shape: string;
}

/** What a trigger type means beyond its config: how it is answered and what its runs receive. */
export interface TriggerSpec {
  /** How it is called over HTTP. */
  call: TriggerCall;
  /** `sync` triggers wait for a respond node's answer; `async` ones are fire-and-forget. */
  mode: 'sync' | 'async';
  /** The run-input roots this trigger fills; a template reading another one is flagged. */
  inputRoots: readonly InputRoot[];
  /** How a template reading a root this trigger never fills is explained (default: the roots listed). */
  inputHint?: string;
  /** Sync: who waits for the answer, as a sentence starts ("The IVR"); default "The caller". */
  waiter?: string;
  /** Sync: what the waiter gets when no respond is reached by the deadline. */
  late?: string;
  /** Sync: the answer deadline when the config sets none (its schema's `deadlineMs` default). */
  deadlineMs?: number;
  /** Sync: what happens when no respond node is reachable (default: the caller never gets the answer). */
  unanswered?: string;
  /** Sync: the caller is an HTTP client, so a respond node may redirect or pass bytes through. */
  httpAnswer?: boolean;
  /** Request nodes added under this trigger start with this timeout (a short deadline would lose the caller). */
  requestTimeoutMs?: number;
}

/** What a new node's starting config may depend on: the flow's trigger, when it has one. */
export interface InitialConfigContext {
  trigger?: NodeSpec;
}

/**
 * Everything a node type means, in one place: its config schema, its outgoing handles, where its
 * templates are, what it exposes to later nodes, how the editor names and starts a new one. The
 * engine adds an executor for the same `type` (libs/engine/src/nodes), the editor a panel
 * (apps/editor/src/editor/panels); both registries are keyed by NodeType, so a missing one does
 * not compile. See docs/adding-a-node-type.md.
 */
export interface NodeSpec<C = any, T extends string = string> {
  type: T;
  category: NodeCategory;
  label: string;
  /** The palette's label (often `label` itself). */
  shortLabel: string;
  /** The name a new node of this type gets (`request`, then `request2`, …): a valid node name. */
  baseName: string;
  description: string;
  /** Present on trigger types only. */
  trigger?: TriggerSpec;
  configSchema: z.ZodType<C>;
  /** The config a new node starts with in the editor (the stored config, before defaults). */
  initialConfig(ctx: InitialConfigContext): Record<string, unknown>;
  /** Outgoing handles for a valid config; the first one is used by edges without `sourceHandle`. */
  handles(config: C): string[];
  /** Handles of a config that does not validate yet (the editor, mid-edit); default: `handles`, else `next`. */
  draftHandles?(config: Record<string, unknown>): string[];
  /** Every template in the config, with its path and context. */
  templates(config: C): TemplateField[];
  /** A one-line summary for node cards, e.g. `POST crm.example.com/calls`. */
  summary(config: C): string;
  /** The documented fields of its output (`nodes.<name>.<field>`), offered as tokens; absent: unspecified. */
  outputFields?: readonly string[];
  /** Its step records carry its output (logic nodes); request nodes record request/response instead. */
  recordsOutput: boolean;
  /** The `vars.<name>` it sets, read from a config that may not validate yet. */
  setsVars?(config: unknown): string[];
  /**
   * A sample of its output pinned in its config (an HTTP node's sample response as `{body}`), read
   * from a config that may not validate yet: completion offers its fields and token paths it lacks
   * are warnings. Never used at run time.
   */
  sampleOutput?(config: unknown): Record<string, unknown> | undefined;
  /**
   * Its output as a step record shows it (what later nodes read as `nodes.<name>`), for completion
   * after a test run; default: the record's `output` when the type records it (`recordsOutput`).
   */
  stepOutput?(step: StepRecord): unknown;
}

/** Helper giving a spec its full type while keeping `C` inferred from the schema, `type` and `category` literals. */
export function defineNodeSpec<const T extends string, S extends z.ZodType, const K extends NodeCategory>(
  spec: NodeSpec<z.output<S>, T> & { configSchema: S; category: K },
): NodeSpec<z.output<S>, T> & { configSchema: S; category: K } {
  return spec;
}
