import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('access')
@ApiBearerAuth()
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequirePermission('tenants.manage')
  @ApiOperation({ summary: 'Create a tenant with its built-in roles and first admin (bootstrap admin only)' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateTenantDto) {
    return this.tenants.create(user, dto);
  }
}
