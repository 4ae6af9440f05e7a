import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { CreateFlowDto } from './dto/create-flow.dto';
import { ImportFlowDto } from './dto/import-flow.dto';
import { ListFlowsQuery } from './dto/list-flows.query';
import { PublishFlowDto } from './dto/publish-flow.dto';
import { UpdateFlowDto } from './dto/update-flow.dto';
import { ValidateFlowDto } from './dto/validate-flow.dto';
import { FlowValidationService } from './flow-validation.service';
import { FlowVersionsService } from './flow-versions.service';
import { FlowsService } from './flows.service';

const Id = () => Param('id', ParseUUIDPipe);

@ApiTags('flows')
@ApiBearerAuth()
@Controller('flows')
export class FlowsController {
  constructor(
    private readonly flows: FlowsService,
    private readonly versions: FlowVersionsService,
    private readonly validation: FlowValidationService,
  ) {}

  @Get()
  @RequirePermission('flows.read')
  @ApiOperation({ summary: 'List flows by name (no definitions); ?q= searches names and keys' })
  list(@CurrentUser() user: UserPrincipal, @Query() query: ListFlowsQuery) {
    return this.flows.list(user.tenantId, query);
  }

  @Post()
  @RequirePermission('flows.write')
  @ApiOperation({ summary: 'Create a flow (the draft may be invalid); a taken explicit key is a 409' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateFlowDto) {
    return this.flows.create(user.tenantId, user.userId, dto);
  }

  @Post('validate')
  @HttpCode(200)
  @RequirePermission('flows.read')
  @ApiOperation({
    summary:
      'Validate a definition: {valid, errors, warnings} (200 even when invalid); errors include what ' +
      "the tenant's connections cannot serve (origins, secret names, token placement), as a test run or " +
      'publish refuses it (for callers with connections.read, flows.run or flows.publish)',
  })
  validate(@CurrentUser() user: UserPrincipal, @Body() dto: ValidateFlowDto) {
    return this.validation.validate(user, dto.definition);
  }

  @Post('import')
  @RequirePermission('flows.write')
  @ApiOperation({ summary: 'Create a flow from an export document (the key is de-duplicated)' })
  import(@CurrentUser() user: UserPrincipal, @Body() dto: ImportFlowDto) {
    return this.flows.import(user.tenantId, user.userId, dto);
  }

  @Get(':id')
  @RequirePermission('flows.read')
  @ApiOperation({ summary: "A flow with its draft definition and the draft's validation" })
  get(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.flows.get(user.tenantId, id);
  }

  @Put(':id')
  @RequirePermission('flows.write')
  @ApiOperation({
    summary: 'Save the draft; `revision` must be the current one (else 409 with details.currentRevision)',
  })
  update(@CurrentUser() user: UserPrincipal, @Id() id: string, @Body() dto: UpdateFlowDto) {
    return this.flows.update(user.tenantId, user.userId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('flows.write')
  @ApiOperation({ summary: 'Delete a flow and its versions (executions are kept)' })
  remove(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.flows.remove(user.tenantId, id);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @RequirePermission('flows.publish')
  @ApiOperation({ summary: 'Publish the draft as the next version (422 when invalid), or roll back to `version`' })
  publish(@CurrentUser() user: UserPrincipal, @Id() id: string, @Body() dto: PublishFlowDto) {
    return this.versions.publish(user.tenantId, user.userId, id, dto);
  }

  @Post(':id/unpublish')
  @HttpCode(200)
  @RequirePermission('flows.publish')
  @ApiOperation({ summary: 'Stop triggering the flow (its versions are kept)' })
  unpublish(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.versions.unpublish(user.tenantId, id, user.userId);
  }

  @Get(':id/versions')
  @RequirePermission('flows.read')
  @ApiOperation({ summary: 'Published versions, newest first (no definitions)' })
  listVersions(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.versions.list(user.tenantId, id);
  }

  @Get(':id/versions/:version')
  @RequirePermission('flows.read')
  @ApiOperation({ summary: 'One published version with its definition' })
  getVersion(@CurrentUser() user: UserPrincipal, @Id() id: string, @Param('version', ParseIntPipe) version: number) {
    return this.versions.get(user.tenantId, id, version);
  }

  @Get(':id/export')
  @RequirePermission('flows.read')
  @ApiOperation({ summary: 'A portable document of the flow (callflow.flow, formatVersion 1)' })
  export(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.flows.export(user.tenantId, id);
  }
}
