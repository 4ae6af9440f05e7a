import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';

export class DescribeWsdlDto {
  @ApiProperty({ example: 'https://crm.example.com/services/Customer?wsdl' })
  @IsString()
  @Length(8, 2048)
  @Matches(/^https?:\/\//i, { message: 'wsdlUrl must be an http(s) URL' })
  wsdlUrl!: string;

  @ApiPropertyOptional({
    description:
      "The SOAP node's connection (id or name): its credentials open a " +
      "WSDL behind authentication (sent to the WSDL's own origin only)",
    example: 'crm-soap',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  connectionId?: string;

  @ApiPropertyOptional({
    description:
      "The SOAP node's clientOptions (node-soap options, validated by the node's schema): " +
      'several change how the WSDL is read, so describe takes the same ones the node runs with',
    example: { ignoredNamespaces: { namespaces: ['tns'], override: false } },
  })
  @IsOptional()
  @IsObject()
  clientOptions?: Record<string, unknown>;
}
