import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { CampaignPauseService } from './campaign-pause.service';
import { CampaignProgressService } from './campaign-progress.service';
import { CampaignRetryService } from './campaign-retry.service';
import { CampaignIdPipe } from './dto/campaign-id.pipe';
import { CampaignPauseStateDto, CampaignRetryResultDto, RetryCampaignDto } from './dto/retry-campaign.dto';

const LIVE =
  'JSON; or, with `Accept: text/event-stream`, server-sent events: the document at once, then each time it ' +
  'changes (read every second), a comment every 15 s; the stream ends after 60 s and the client reconnects.';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly progress: CampaignProgressService,
    private readonly retries: CampaignRetryService,
    private readonly pauses: CampaignPauseService,
  ) {}

  @Get()
  @RequirePermission('executions.read')
  @ApiOperation({
    summary: "The tenant's campaigns and event-triggered flows: runs by state, rate, estimated end (live)",
    description: `${LIVE} Event name: \`campaigns\`.`,
  })
  @ApiProduces('application/json', 'text/event-stream')
  list(@CurrentUser() user: UserPrincipal, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.progress.watchList(user.tenantId, req, res);
  }

  @Get(':campaignId')
  @RequirePermission('executions.read')
  @ApiOperation({
    summary: 'One campaign: runs by state per flow, rate, estimated end, failures by error code (live)',
    description: `${LIVE} Event name: \`progress\`. 404 (details.code CAMPAIGN_NOT_FOUND) before any event.`,
  })
  @ApiProduces('application/json', 'text/event-stream')
  detail(
    @CurrentUser() user: UserPrincipal,
    @Param('campaignId', CampaignIdPipe) campaignId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.progress.watchDetail(user.tenantId, campaignId, req, res);
  }

  @Post(':campaignId/retry')
  @HttpCode(202)
  @RequirePermission('flows.run')
  @ApiOperation({
    summary: 'Retry every failed run of the campaign (or of one flow or error code), once per request id (queued)',
  })
  @ApiAcceptedResponse({ type: CampaignRetryResultDto })
  retry(
    @CurrentUser() user: UserPrincipal,
    @Param('campaignId', CampaignIdPipe) campaignId: string,
    @Body() dto: RetryCampaignDto,
  ): Promise<CampaignRetryResultDto> {
    return this.retries.retryAll(user.tenantId, user.userId, campaignId, dto);
  }

  @Post(':campaignId/pause')
  @HttpCode(200)
  @RequirePermission('flows.run')
  @ApiOperation({ summary: "Pause the campaign's deliveries: no worker claims its queued runs until it is resumed" })
  @ApiOkResponse({ type: CampaignPauseStateDto })
  pause(
    @CurrentUser() user: UserPrincipal,
    @Param('campaignId', CampaignIdPipe) campaignId: string,
  ): Promise<CampaignPauseStateDto> {
    return this.pauses.pause(user.tenantId, user.userId, campaignId);
  }

  @Post(':campaignId/resume')
  @HttpCode(200)
  @RequirePermission('flows.run')
  @ApiOperation({ summary: "Resume the campaign's deliveries" })
  @ApiOkResponse({ type: CampaignPauseStateDto })
  resume(
    @CurrentUser() user: UserPrincipal,
    @Param('campaignId', CampaignIdPipe) campaignId: string,
  ): Promise<CampaignPauseStateDto> {
    return this.pauses.resume(user.tenantId, user.userId, campaignId);
  }
}
