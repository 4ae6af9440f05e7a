import { ConflictException, NotFoundException } from '@nestjs/common';
import type { CampaignErrorCode } from '@callflow/flow';

/** The error answers of the campaign routes: the API's shape, with a stable `details.code`. */
function details(code: CampaignErrorCode): { code: CampaignErrorCode } {
  return { code };
}

/** The tenant has no run of this campaign (another tenant's campaign of the same id is not this one). */
export function campaignNotFound(campaignId: string): NotFoundException {
  return new NotFoundException({
    message: `campaign ${JSON.stringify(campaignId.slice(0, 200))} not found`,
    details: details('CAMPAIGN_NOT_FOUND'),
  });
}

/** A retry-all request id used before with other filters (a request id names one action). */
export function retryRequestReused(requestId: string): ConflictException {
  return new ConflictException({
    message: `request id ${JSON.stringify(requestId)} was used for another retry of this campaign; use a new one`,
    details: details('CAMPAIGN_RETRY_REQUEST_REUSED'),
  });
}
