import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'List active API keys (never the keys themselves)' })
  async list(@CurrentUser() user: UserPrincipal) {
    return { items: await this.keys.list(user.tenantId) };
  }

  @Post()
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'Create an API key; the key is returned once' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(user.tenantId, user.userId, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'Revoke an API key' })
  revoke(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.keys.revoke(user.tenantId, id, user.userId);
  }
}
