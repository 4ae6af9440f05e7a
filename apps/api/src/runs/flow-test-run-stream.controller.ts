import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { TestRunDto } from '../flows/dto/test-run.dto';
import { NDJSON, streamNdjson } from '../platform/streaming/ndjson-stream';
import { FlowTestRunService } from './flow-test-run.service';

/** POST /flows/test-run/stream: a draft run watched node by node, stopped by closing the request. */
@ApiTags('flows')
@ApiBearerAuth()
@Controller('flows')
export class FlowTestRunStreamController {
  constructor(private readonly runs: FlowTestRunService) {}

  @Post('test-run/stream')
  @RequirePermission('flows.run')
  @ApiOperation({
    summary: 'Run a draft now, streaming its progress as JSON lines; closing the request stops the run',
    description:
      'Lines: {"event":"node","nodeId"} when a node starts, {"event":"step","step"} when it is recorded, then ' +
      '{"event":"result","result"} (as POST /flows/test-run answers) or {"event":"error","error"}. ' +
      'Problems found before the run starts are answered as usual (400, 404, 422).',
  })
  @ApiOkResponse({ content: { [NDJSON]: {} } })
  async testRun(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: TestRunDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const run = await this.runs.prepare(user.tenantId, dto);
    await streamNdjson(req, res, (emit, signal) =>
      run({
        signal,
        hooks: {
          onNodeStart: (nodeId) => emit({ event: 'node', nodeId }),
          onStep: (step) => emit({ event: 'step', step }),
        },
      }),
    );
  }
}
