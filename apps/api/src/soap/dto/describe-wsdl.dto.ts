import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class DescribeWsdlDto {
  @ApiProperty({ example: 'https://crm.example.com/services/Customer?wsdl' })
  @IsString()
  @Length(8, 2048)
  @Matches(/^https?:\/\//i, { message: 'wsdlUrl must be an http(s) URL' })
  wsdlUrl!: string;
}
