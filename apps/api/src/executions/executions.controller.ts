import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { LatestByFlowQuery } from './dto/latest-by-flow.query';
import { ListExecutionsQuery } from './dto/list-executions.query';
import { ExecutionsService } from './executions.service';

@ApiTags('executions')
@ApiBearerAuth()
@Controller('executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get()
  @RequirePermission('executions.read')
  @ApiOperation({ summary: 'List executions, newest first (without input, output and steps)' })
  list(@CurrentUser() user: UserPrincipal, @Query() query: ListExecutionsQuery) {
    return this.executions.list(user.tenantId, query);
  }

  @Get('latest-by-flow')
  @RequirePermission('executions.read')
  @ApiOperation({ summary: "Each given flow's newest run (status and time), for the flows list" })
  latestByFlow(@CurrentUser() user: UserPrincipal, @Query() query: LatestByFlowQuery) {
    return this.executions.latestByFlow(user.tenantId, query.flowIds);
  }

  @Get(':id')
  @RequirePermission('executions.read')
  @ApiOperation({ summary: 'One execution with its input, output and steps (secrets redacted)' })
  get(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.executions.get(user.tenantId, id);
  }
}
