/** The campaign routes (README, "API overview"): progress, retry-all, pause and resume. */
import type {
  CampaignDetail,
  CampaignList,
  CampaignPauseState,
  CampaignRetryRequest,
  CampaignRetryResult,
} from '@callflow/flow';
import { request } from './client';

export type { CampaignDetail, CampaignFlowProgress, CampaignList, CampaignProgress } from '@callflow/flow';

const at = (campaignId: string) => `/campaigns/${encodeURIComponent(campaignId)}`;

export const campaignsApi = {
  /** Where a campaign's live document is streamed from (GET, `Accept: text/event-stream`, event `progress`). */
  detailPath: at,
  /** The list's live document (event `campaigns`). */
  listPath: '/campaigns',
  list: () => request<CampaignList>('GET', '/campaigns'),
  get: (campaignId: string) => request<CampaignDetail>('GET', at(campaignId)),
  /** Queues a retry of each failed run (of `flowId`, of `code`); the same `requestId` never queues twice. */
  retry: (campaignId: string, body: CampaignRetryRequest) =>
    request<CampaignRetryResult>('POST', `${at(campaignId)}/retry`, { body }),
  pause: (campaignId: string) => request<CampaignPauseState>('POST', `${at(campaignId)}/pause`),
  resume: (campaignId: string) => request<CampaignPauseState>('POST', `${at(campaignId)}/resume`),
};
