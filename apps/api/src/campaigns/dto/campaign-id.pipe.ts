import { Injectable, type PipeTransform } from '@nestjs/common';
import { campaignIdTooLong, MAX_CAMPAIGN_ID_LENGTH as MAX_CAMPAIGN_ID } from '@callflow/flow';
import { nulProblem, problemsException } from '../../platform/validation/validation';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The `:campaignId` of a campaign route: the events' `campaign.id` as text (a dialer's own ids, not
 * UUIDs), 1–200 characters, no U+0000 or lone surrogate (nothing stored could hold them).
 */
@Injectable()
export class CampaignIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || campaignIdTooLong(value))
      throw problemsException([`campaignId must be 1 to ${MAX_CAMPAIGN_ID} characters`]);
    if (value.includes('\u0000')) throw problemsException([nulProblem('campaignId')]);
    if (LONE_SURROGATE.test(value)) throw problemsException(['campaignId: text must be valid Unicode']);
    return value;
  }
}
