import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { TestRunDto } from '../flows/dto/test-run.dto';
import { FlowTestRunService } from './flow-test-run.service';

/** POST /flows/test-run: a draft run now (the rest of /flows is flows.controller.ts). */
@ApiTags('flows')
@ApiBearerAuth()
@Controller('flows')
export class FlowTestRunController {
  constructor(private readonly runs: FlowTestRunService) {}

  @Post('test-run')
  @HttpCode(200)
  @RequirePermission('flows.run')
  @ApiOperation({ summary: 'Run a draft definition now and record it as a test execution' })
  testRun(@CurrentUser() user: UserPrincipal, @Body() dto: TestRunDto) {
    return this.runs.testRun(user.tenantId, dto);
  }
}
