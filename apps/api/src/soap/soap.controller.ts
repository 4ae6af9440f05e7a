import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/access.decorator';
import { DescribeWsdlDto } from './dto/describe-wsdl.dto';
import { SoapDescribeService } from './soap.service';

@ApiTags('soap')
@ApiBearerAuth()
@Controller('soap')
export class SoapController {
  constructor(private readonly soap: SoapDescribeService) {}

  @Post('describe')
  @HttpCode(200)
  @RequirePermission('flows.write')
  @ApiOperation({ summary: 'Load a WSDL and list its services, ports and operations with their input and output shapes' })
  describe(@Body() dto: DescribeWsdlDto) {
    return this.soap.describe(dto.wsdlUrl);
  }
}
