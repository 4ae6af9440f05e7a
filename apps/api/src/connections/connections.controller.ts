import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { ConnectionTesterService } from './connection-tester.service';
import { ConnectionsService } from './connections.service';
import { CONNECTION_MODELS, connectionBodyDoc } from './dto/connection.dto';

@ApiTags('connections')
@ApiBearerAuth()
@ApiExtraModels(...CONNECTION_MODELS)
@Controller('connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly tester: ConnectionTesterService,
  ) {}

  @Get()
  @RequirePermission('connections.read')
  @ApiOperation({ summary: "List the tenant's connections (secrets only as `secretsSet` names)" })
  async list(@CurrentUser() user: UserPrincipal) {
    return { items: await this.connections.list(user.tenantId) };
  }

  @Get(':id')
  @RequirePermission('connections.read')
  @ApiOperation({ summary: 'One connection (secrets only as `secretsSet` names)' })
  get(@CurrentUser() user: UserPrincipal, @Param('id') id: string) {
    return this.connections.get(user.tenantId, id);
  }

  @Post()
  @RequirePermission('connections.write')
  @ApiOperation({ summary: 'Create a connection' })
  @ApiBody(connectionBodyDoc('create'))
  create(@CurrentUser() user: UserPrincipal, @Body() body: unknown) {
    return this.connections.create(user.tenantId, user.userId, body);
  }

  @Put(':id')
  @RequirePermission('connections.write')
  @ApiOperation({ summary: 'Replace a connection (omitted secrets are kept, null clears one)' })
  @ApiBody(connectionBodyDoc('update'))
  update(@CurrentUser() user: UserPrincipal, @Param('id') id: string, @Body() body: unknown) {
    return this.connections.update(user.tenantId, id, body, user.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('connections.write')
  @ApiOperation({ summary: 'Delete a connection' })
  remove(@CurrentUser() user: UserPrincipal, @Param('id') id: string) {
    return this.connections.remove(user.tenantId, id, user.userId);
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePermission('connections.write')
  @ApiOperation({ summary: 'Fetch a token (token types) or load the `wsdlUrl` field; never returns a secret' })
  test(@CurrentUser() user: UserPrincipal, @Param('id') id: string) {
    return this.tester.test(user.tenantId, id);
  }
}
