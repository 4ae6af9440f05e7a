import { validateFlow, type ValidationLimits } from '@callflow/flow';
import { LRUCache } from 'lru-cache';
import { EngineError } from './errors';
import { NODE_EXECUTORS } from './nodes';
import { OutboundClient } from './outbound/outbound-client';
import type { OutboundPolicy } from './outbound/outbound.types';
import { compileFlow, type CompiledFlow } from './runtime/compile';
import type { EngineServices, NodeExecutor } from './runtime/executor';
import { runFlow, type RunOptions } from './runtime/run';
import { SoapService } from './soap/soap.service';
import { DEFAULT_LIMITS, type ConnectionResolver, type RunInput, type RunLimits, type RunResult } from './types';

export interface FlowEngineOptions {
  /** Private/loopback targets the engine may call (hosts and CIDRs); metadata addresses are always refused. */
  outbound?: OutboundPolicy;
  connections?: ConnectionResolver;
  limits?: Partial<RunLimits>;
  validation?: Partial<ValidationLimits>;
  /** How many compiled flow versions to keep (default 500). */
  compiledCacheSize?: number;
  /** Extra or replacement node executors (tests, plugins). */
  executors?: NodeExecutor[];
}

/** Compiles flow definitions (cached per version) and runs them. One per process. */
export class FlowEngine {
  readonly services: EngineServices;
  readonly limits: RunLimits;
  private readonly executors: Map<string, NodeExecutor>;
  private readonly compiled: LRUCache<string, CompiledFlow>;

  constructor(private readonly opts: FlowEngineOptions = {}) {
    const outbound = new OutboundClient({ policy: opts.outbound ?? { allow: [] } });
    this.services = { outbound, soap: new SoapService({ outbound }), connections: opts.connections };
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.executors = new Map([...NODE_EXECUTORS, ...(opts.executors ?? [])].map((e) => [e.type, e]));
    this.compiled = new LRUCache({ max: opts.compiledCacheSize ?? 500 });
  }

  /**
   * Validates and compiles a definition. With a `cacheKey` (e.g. `flowId@version`, for immutable
   * published versions) the compiled flow is built once and reused. Throws FLOW_INVALID with the
   * validator's errors in `details.errors`.
   */
  compile(definition: unknown, cacheKey?: string): CompiledFlow {
    if (cacheKey) {
      const hit = this.compiled.get(cacheKey);
      if (hit) return hit;
    }
    const result = validateFlow(definition, this.opts.validation);
    if (!result.valid || !result.flow) {
      throw new EngineError('FLOW_INVALID', `the flow is not valid: ${result.errors[0]?.message ?? 'unknown error'}`, {
        errors: result.errors,
      });
    }
    const compiled = compileFlow(result.flow, this.executors);
    if (cacheKey) this.compiled.set(cacheKey, compiled);
    return compiled;
  }

  /** Runs a compiled flow; never rejects (failures are in the result). */
  run(
    flow: CompiledFlow,
    input: RunInput,
    opts: RunOptions & { limits?: Partial<RunLimits> } = {},
  ): Promise<RunResult> {
    const limits = opts.limits ? { ...this.limits, ...opts.limits } : this.limits;
    return runFlow(flow, input, this.services, limits, opts);
  }

  /** Releases keep-alive sockets. */
  async close(): Promise<void> {
    await this.services.outbound.close();
  }
}
