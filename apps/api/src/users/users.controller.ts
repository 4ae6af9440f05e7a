import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UsersAdminService } from './users-admin.service';

@ApiTags('access')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  @RequirePermission('access.manage')
  @ApiOperation({ summary: "The tenant's users (active and deactivated)" })
  list(@CurrentUser() user: UserPrincipal) {
    return this.users.list(user.tenantId);
  }

  @Get(':id')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'One user' })
  get(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(user.tenantId, id);
  }

  @Post()
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Create a user with roles and direct grants (only permissions you hold)' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateUserDto) {
    return this.users.create(user, dto);
  }

  @Patch(':id')
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Replace roles or direct grants, (de)activate, or set a new password' })
  update(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(user, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Deactivate a user (kept for the audit trail; sessions end at once)' })
  remove(@CurrentUser() user: UserPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.deactivate(user, id);
  }
}
