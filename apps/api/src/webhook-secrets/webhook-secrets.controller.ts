import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { SetWebhookSecretDto } from './dto/set-webhook-secret.dto';
import { WebhookSecretsService } from './webhook-secrets.service';

const Id = () => Param('id', ParseUUIDPipe);

@ApiTags('flows')
@ApiBearerAuth()
@Controller('flows')
export class WebhookSecretsController {
  constructor(private readonly secrets: WebhookSecretsService) {}

  @Get(':id/webhook-secret')
  @RequirePermission('flows.read')
  @ApiOperation({ summary: 'Whether the flow has a webhook secret, and its fingerprint (never the secret)' })
  status(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.secrets.status(user.tenantId, id);
  }

  @Post(':id/webhook-secret')
  @RequirePermission('api_keys.manage')
  @ApiOperation({
    summary:
      "Set or rotate the flow's webhook secret (generated, or the given one); shown once; " +
      'the old one stops working at once',
  })
  rotate(@CurrentUser() user: UserPrincipal, @Id() id: string, @Body() dto: SetWebhookSecretDto) {
    return this.secrets.rotate(user.tenantId, user.userId, id, dto.secret);
  }

  @Delete(':id/webhook-secret')
  @HttpCode(204)
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: "Remove the flow's webhook secret (callers then need an API key)" })
  remove(@CurrentUser() user: UserPrincipal, @Id() id: string) {
    return this.secrets.remove(user.tenantId, user.userId, id);
  }
}
