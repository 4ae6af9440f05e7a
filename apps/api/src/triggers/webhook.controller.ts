import { All, Controller, Get, Options, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, RequireApiKey } from '../access/access.decorator';
import { CurrentPrincipal, type ApiKeyPrincipal } from '../access/principal';
import { WebhookService, type HttpAnswer } from './webhook.service';

function send(res: Response, answer: HttpAnswer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (answer.json !== undefined) res.json(answer.json);
  else if (answer.bytes) res.send(answer.bytes);
  else if (answer.text) res.send(answer.text);
  else res.end();
}

@ApiTags('triggers')
@Controller('hooks')
export class WebhookController {
  constructor(private readonly hooks: WebhookService) {}

  // Declared before the catch-all route so that preflight never needs an API key.
  @Options(':flowKey')
  @Public()
  @ApiOperation({
    summary:
      "CORS preflight for a webhook flow (no API key): allowed when the Origin is in the trigger's allowedOrigins",
  })
  async preflight(@Param('flowKey') flowKey: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.hooks.preflight(flowKey, req));
  }

  @Get(':flowKey')
  @RequireApiKey('triggers.invoke', { orFlowSecret: true })
  @ApiSecurity('apiKey')
  @ApiOperation({
    summary:
      "Call a webhook flow with GET (API key as Bearer, X-Api-Key or ?token=, or the flow's own secret where its " +
      'trigger says); the respond node shapes the answer, else 202 {executionId}',
  })
  async get(
    @CurrentPrincipal() principal: ApiKeyPrincipal | undefined,
    @Param('flowKey') flowKey: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.hooks.invoke(principal, flowKey, req));
  }

  @Post(':flowKey')
  @RequireApiKey('triggers.invoke', { orFlowSecret: true })
  @ApiSecurity('apiKey')
  @ApiOperation({
    summary:
      "Call a webhook flow with POST (JSON, form or text body; API key or the flow's own secret); the respond node " +
      'shapes the answer, else 202 {executionId}',
  })
  async post(
    @CurrentPrincipal() principal: ApiKeyPrincipal | undefined,
    @Param('flowKey') flowKey: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.hooks.invoke(principal, flowKey, req));
  }

  /** Other methods: 405 with the trigger's methods in `Allow`. */
  @All(':flowKey')
  @RequireApiKey('triggers.invoke', { orFlowSecret: true })
  @ApiExcludeEndpoint()
  async other(
    @CurrentPrincipal() principal: ApiKeyPrincipal | undefined,
    @Param('flowKey') flowKey: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.hooks.invoke(principal, flowKey, req));
  }
}
