import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { FLOW_KEY_PATTERN, getNodeSpec, type ivrTrigger, type webhookTrigger } from '@callflow/flow';
import { API_BASE_PATH } from '../platform/http/api-prefix';
import type { ApiKeyPrincipal } from '../access/principal';
import { PublishedFlowsService, type PublishedFlow } from '../flows/published-flows.service';

/** How a flow of this trigger is called (its spec's route), to name it when the wrong route was used. */
function routeOf(triggerType: string): string | undefined {
  const call = getNodeSpec(triggerType)?.trigger?.call;
  return call && `${call.methods.join('|')} ${API_BASE_PATH}${call.path.replace('{flowKey}', ':flowKey')}`;
}

/**
 * True when `flowKey` can name a flow at all. Anything else (`%00`, `..%2F`, upper case) names
 * no flow: it is answered 404 like an unknown key, without reaching the database (which refuses
 * U+0000 with an error).
 */
export function isFlowKey(flowKey: string): boolean {
  return FLOW_KEY_PATTERN.test(flowKey);
}

/** 404 for a flow key no flow can have (see isFlowKey). */
export function noSuchFlowKey(): NotFoundException {
  return new NotFoundException('flow not found: flow keys are lower-case letters, digits and dashes');
}

/** True when the key may trigger this flow (keys without an allow-list may trigger any of the tenant's flows). */
export function keyAllowsFlow(principal: ApiKeyPrincipal, flowKey: string): boolean {
  return principal.flowKeys === null || principal.flowKeys.includes(flowKey);
}

/**
 * Resolves the flow a synchronous trigger call names: 404 for a malformed key, 403 when the API key's allow-list
 * excludes
 * it, 404 when the tenant has no such flow or it is not published, 409 when its published version
 * starts with another trigger.
 */
@Injectable()
export class SyncFlows {
  constructor(private readonly published: PublishedFlowsService) {}

  async resolve(
    principal: ApiKeyPrincipal,
    flowKey: string,
    triggerType: typeof ivrTrigger.type | typeof webhookTrigger.type,
  ): Promise<PublishedFlow> {
    if (!isFlowKey(flowKey)) throw noSuchFlowKey();
    if (!keyAllowsFlow(principal, flowKey))
      throw new ForbiddenException(`this API key may not trigger flow "${flowKey}"`);
    const found = await this.published.byKey(principal.tenantId, flowKey);
    if (found.state === 'missing') throw new NotFoundException(`flow "${flowKey}" not found`);
    if (found.state === 'unpublished') throw new NotFoundException(`flow "${flowKey}" is not published`);
    const { flow } = found;
    if (flow.triggerType !== triggerType) {
      const route = routeOf(flow.triggerType);
      throw new ConflictException(
        `flow "${flowKey}" starts with ${flow.triggerType}, ` +
          `not ${triggerType}${route ? `: trigger it with ${route}` : ''}`,
      );
    }
    return flow;
  }
}
