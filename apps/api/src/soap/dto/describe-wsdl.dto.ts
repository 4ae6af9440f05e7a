import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class DescribeWsdlDto {
  @ApiProperty({ example: 'https://crm.example.com/services/Customer?wsdl' })
  @IsString()
  @Length(8, 2048)
  @Matches(/^https?:\/\//i, { message: 'wsdlUrl must be an http(s) URL' })
  wsdlUrl!: string;

  @ApiPropertyOptional({ description: "The SOAP node's connection (id or name): its credentials open a WSDL behind authentication (sent to the WSDL's own origin only)", example: 'crm-soap' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  connectionId?: string;
}
