import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { DescribeWsdlDto } from './dto/describe-wsdl.dto';
import { WsdlDescribeService } from './wsdl-describe.service';

@ApiTags('soap')
@ApiBearerAuth()
@Controller('soap')
export class SoapController {
  constructor(private readonly soap: WsdlDescribeService) {}

  @Post('describe')
  @HttpCode(200)
  @RequirePermission('flows.write')
  @ApiOperation({
    summary:
      "Load a WSDL (with a connection's credentials when it is behind authentication) and list its services, " +
      'ports and operations with their input and output shapes',
  })
  describe(@CurrentUser() user: UserPrincipal, @Body() dto: DescribeWsdlDto) {
    return this.soap.describe(user.tenantId, dto);
  }
}
