import { Injectable } from '@nestjs/common';
import type { RunInput } from '@callflow/engine';
import { ivrTrigger } from '@callflow/flow';
import type { ApiKeyPrincipal } from '../access/principal';
import { MetricsService } from '../platform/metrics/metrics.service';
import { FlowRunner } from '../runs/flow-runner.service';
import type { IvrAnswerDto } from './dto/trigger-answers.dto';
import { SyncFlows } from './sync-flows.service';

/**
 * `POST /ivr/:flowKey`: runs the published trigger.ivr version and answers as soon as the first
 * respond node does, or with the trigger's `fallback` when its `deadlineMs` passes first (the run
 * goes on and is recorded) or when the run fails before answering. Always 200: an IVR mid-call
 * needs an answer it can use.
 */
@Injectable()
export class IvrService {
  constructor(
    private readonly flows: SyncFlows,
    private readonly runner: FlowRunner,
    private readonly metrics: MetricsService,
  ) {}

  async invoke(principal: ApiKeyPrincipal, flowKey: string, input: RunInput): Promise<IvrAnswerDto> {
    const flow = await this.flows.resolve(principal, flowKey, ivrTrigger.type);
    const { deadlineMs, fallback } = flow.triggerConfig as { deadlineMs: number; fallback: Record<string, unknown> };

    const { executionId, outcome } = await this.runner.startSync({ flow, input, trigger: 'ivr' }, deadlineMs);
    if (outcome.kind === 'respond') {
      const handled = outcome.respond.handledError;
      // A fallback answered after a failed step (a SOAP fault, a refused request): said so, not only "succeeded".
      const output = outcome.respond.body ?? null;
      if (!handled) return { executionId, status: 'succeeded', output };
      const error = { code: handled.code, message: handled.message, node: handled.node, handled: true };
      return { executionId, status: 'succeeded', output, error };
    }
    if (outcome.kind === 'deadline') {
      this.metrics.ivrTimeouts.inc({ flow: flow.key });
      return { executionId, status: 'timeout', output: fallback };
    }
    const { result } = outcome;
    if (result.status === 'succeeded') return { executionId, status: 'succeeded', output: null };
    if (result.status === 'timeout') this.metrics.ivrTimeouts.inc({ flow: flow.key });
    const error = result.error
      ? { code: result.error.code, message: result.error.message }
      : { code: 'INTERNAL', message: 'the run failed' };
    return { executionId, status: result.status, output: fallback, error };
  }
}
