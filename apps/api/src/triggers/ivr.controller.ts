import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequireApiKey } from '../access/access.decorator';
import { IvrAnswerDto } from './dto/trigger-answers.dto';
import { IvrRequestDto } from './dto/ivr-request.dto';
import { IVR_PATH, IvrPipeline } from './ivr-pipeline.service';

/**
 * The documented IVR route (OpenAPI, the route catalogue's access rule). IVR calls are answered by
 * IvrPipeline in front of Express, which takes every URL this route matches; a call that reaches
 * Express anyway is handed to the same pipeline, which reads the body and checks the API key itself
 * (the body parsers and the guard leave it alone), so both answer alike, step for step.
 */
@ApiTags('triggers')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@Controller(IVR_PATH)
export class IvrController {
  constructor(private readonly pipeline: IvrPipeline) {}

  @Post(':flowKey')
  @HttpCode(200)
  @RequireApiKey('triggers.invoke', { inHandler: true })
  @ApiOperation({
    summary:
      "Ask a published IVR flow mid-call: answers with the respond node's body within the trigger's deadline, " +
      'else its fallback',
  })
  @ApiParam({ name: 'flowKey', type: String })
  @ApiBody({ type: IvrRequestDto, required: false })
  @ApiOkResponse({ type: IvrAnswerDto })
  invoke(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.answerRouted(req, res);
  }
}
