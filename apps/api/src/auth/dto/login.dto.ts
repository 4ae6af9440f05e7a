import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  @Length(3, 254)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 512)
  password!: string;

  @ApiPropertyOptional({
    description: 'Needed only when the email and password open accounts in several tenants (the 409 names them)',
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
