import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { RetryService } from './retry.service';
import { ExecutionIdDto } from '../executions/dto/execution-id.dto';

/** `POST /executions/:id/retry` (registered by RunsModule, beside the executions read API). */
@ApiTags('executions')
@ApiBearerAuth()
@Controller('executions')
export class ExecutionsRetryController {
  constructor(private readonly retries: RetryService) {}

  @Post(':id/retry')
  @HttpCode(202)
  @RequirePermission('flows.run')
  @ApiOperation({
    summary: 'Re-run a failed or timed-out execution with the same input on the currently published version (queued)',
  })
  @ApiAcceptedResponse({ type: ExecutionIdDto })
  retry(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<ExecutionIdDto> {
    return this.retries.retry(user.tenantId, id);
  }
}
