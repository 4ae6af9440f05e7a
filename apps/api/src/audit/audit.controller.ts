import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { AuditService } from './audit.service';
import { ListAuditDto } from './dto/list-audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('access.manage')
  @ApiOperation({ summary: 'Audit log of the tenant, newest first ({items, nextCursor?})' })
  list(@CurrentUser() user: UserPrincipal, @Query() q: ListAuditDto) {
    return this.audit.list(user.tenantId, q);
  }
}
