import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { ConnectionTesterService } from './connection-tester.service';
import { ConnectionsService } from './connections.service';

const BODY_DOC = {
  description:
    'One shape per `type` (none, basic, bearer, api_key, ' +
    'oauth2_client_credentials, token_endpoint, soap_ws_security); ' +
    'validated by the service (unknown fields → 400). Secrets (password, ' +
    'token, apiKey, clientSecret, token_endpoint `secrets`) are write-only; ' +
    'on PUT omit a secret to keep it, send null to clear it.',
  schema: {
    type: 'object',
    example: {
      name: 'crm',
      type: 'basic',
      username: 'agent',
      password: 's3cret',
      fields: { baseUrl: 'https://crm.example.com' },
    },
  },
};

@ApiTags('connections')
@ApiBearerAuth()
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
  @ApiBody(BODY_DOC)
  create(@CurrentUser() user: UserPrincipal, @Body() body: unknown) {
    return this.connections.create(user.tenantId, user.userId, body);
  }

  @Put(':id')
  @RequirePermission('connections.write')
  @ApiOperation({ summary: 'Replace a connection (omitted secrets are kept, null clears one)' })
  @ApiBody(BODY_DOC)
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
