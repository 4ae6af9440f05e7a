import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  EngineError,
  FlowEngine,
  type RespondOutput,
  type RunHooks,
  type RunInput,
  type RunResult,
} from '@callflow/engine';
import type { TestRunResult as TestRunResultView } from '@callflow/flow';
import { ConnectionUseCheck } from '../connections/connection-use-check.service';
import { ConnectionsResolverFactory } from '../connections/connections-resolver.factory';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { finishedRow } from '../executions/execution-row';
import type { TestRunDto } from '../flows/dto/test-run.dto';
import { FlowsService } from '../flows/flows.service';
import { uuidv7 } from '../platform/ids/uuid7';

/** POST /flows/test-run's answer: libs/flow/src/api/executions.ts' TestRunResult, with the engine's types. */
export interface TestRunResult extends TestRunResultView {
  /** The execution recorded for this run (GET /executions/:id). */
  id: string;
  status: RunResult['status'];
  output: unknown;
  respond: RespondOutput | null;
  error: NonNullable<RunResult['error']> | null;
  steps: RunResult['steps'];
}

/** How a watched test run reports as it goes (POST /flows/test-run/stream), and how it is stopped. */
export interface TestRunWatch {
  hooks?: RunHooks;
  /** Aborted: the run stops (its request in flight too) and is recorded failed with RUN_ABORTED. */
  signal?: AbortSignal;
}

/** Test runs of drafts (never cached: a draft changes between runs), recorded as `test` executions. */
@Injectable()
export class FlowTestRunService {
  constructor(
    @Inject(FlowEngine) private readonly engine: FlowEngine,
    private readonly writer: ExecutionWriter,
    private readonly flows: FlowsService,
    private readonly connections: ConnectionsResolverFactory,
    private readonly origins: ConnectionUseCheck,
  ) {}

  async testRun(tenantId: string, dto: TestRunDto): Promise<TestRunResult> {
    return (await this.prepare(tenantId, dto))();
  }

  /**
   * Checks all a test run needs first (404, 400, 422: nothing has run yet, so a streamed run can
   * still answer them as errors); returns the run, to start when the caller is ready to watch it.
   */
  async prepare(tenantId: string, dto: TestRunDto): Promise<(watch?: TestRunWatch) => Promise<TestRunResult>> {
    if (dto.flowId) await this.flows.find(tenantId, dto.flowId);
    // A test run holds its request (and the sockets of its nodes) open: never longer than a live run may.
    const longest = this.engine.limits.deadlineMs;
    if (dto.deadlineMs !== undefined && dto.deadlineMs > longest) {
      const why = 'RUN_DEADLINE_MS, the longest any run may take';
      throw new BadRequestException(`deadlineMs must be at most ${longest} (${why})`);
    }
    const input = dto.input ?? {};
    let compiled;
    try {
      compiled = this.engine.compile(dto.definition);
    } catch (err) {
      if (err instanceof EngineError && err.code === 'FLOW_INVALID')
        throw new UnprocessableEntityException({ message: err.message, details: err.details?.errors ?? [] });
      throw err;
    }
    // What a node asks of its connection (origins: issue 16 §5; secret names; token placement) is checked first.
    const misdirected = await this.origins.issues(tenantId, dto.definition);
    if (misdirected.length > 0)
      throw new UnprocessableEntityException({ message: misdirected[0]!.message, details: misdirected });
    return (watch = {}) => this.run(tenantId, dto, compiled, input, watch);
  }

  private async run(
    tenantId: string,
    dto: TestRunDto,
    compiled: ReturnType<FlowEngine['compile']>,
    input: RunInput,
    watch: TestRunWatch,
  ): Promise<TestRunResult> {
    const connections = this.connections.forTenant(tenantId);
    const limits = dto.deadlineMs ? { deadlineMs: dto.deadlineMs } : undefined;
    // Scrubbed: the respond output and refreshed tokens are not covered by the step redactor.
    const watched = watch.hooks;
    // Streamed steps are scrubbed like the recorded ones (a token refreshed so far is masked).
    const hooks: RunHooks | undefined = watched && {
      onNodeStart: watched.onNodeStart,
      onStep: watched.onStep && ((step) => watched.onStep!(connections.scrub(step))),
    };
    const result = connections.scrub(
      await this.engine.run(compiled, input, { connections, limits, hooks, signal: watch.signal }),
    );
    const id = uuidv7();
    // Awaited: the editor opens the execution right after this answer.
    await this.writer.record(
      finishedRow(
        { executionId: id, tenantId, flowId: dto.flowId ?? null, flowVersion: null, trigger: 'test', input },
        result,
      ),
      { fresh: true },
    );
    return {
      id,
      status: result.status,
      output: result.output ?? null,
      respond: result.respond ?? null,
      error: result.error ?? null,
      steps: result.steps,
    };
  }
}
