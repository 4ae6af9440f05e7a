import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { RolesService } from './roles.service';

@ApiTags('access')
@ApiBearerAuth()
@Controller()
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get('permissions')
  @Authenticated()
  @ApiOperation({ summary: 'The permission catalogue with short descriptions' })
  permissions() {
    return this.roles.catalogue();
  }

  @Get('roles')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: "The tenant's roles (built-in ones first)" })
  list(@CurrentUser() user: UserPrincipal) {
    return this.roles.list(user.tenantId);
  }

  @Get('roles/:id')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'One role' })
  get(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.roles.get(user.tenantId, id);
  }

  @Post('roles')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Create a role (only with permissions you hold)' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateRoleDto) {
    return this.roles.create(user, dto);
  }

  @Patch('roles/:id')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Rename a role or replace its permissions (built-in: no rename; Admin: fixed permissions)' })
  update(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateRoleDto) {
    return this.roles.update(user, id, dto);
  }

  @Delete('roles/:id')
  @HttpCode(204)
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Delete a role (not a built-in one); its holders lose its permissions at once' })
  remove(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.roles.remove(user, id);
  }
}
