/** GET /flows/:id/stats (README, "API overview"): a flow's run statistics over the last hour, day or week. */
import type { FlowStats, StatsRange } from '@callflow/flow';
import { request } from './client';

export type { FlowStats, NodeStats, StatsRange } from '@callflow/flow';

export const statsApi = {
  flow: (flowId: string, range: StatsRange) =>
    request<FlowStats>('GET', `/flows/${encodeURIComponent(flowId)}/stats`, { query: { range } }),
};
