import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULES } from '../../platform/passwords/password-policy';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Contact Center' })
  @IsString()
  @Length(1, 200)
  @Matches(/^\S(.*\S)?$/, { message: 'name must not start or end with spaces' })
  name!: string;

  @ApiProperty({ example: 'admin@acme.example', description: "The new tenant's first user (Admin role)" })
  @IsEmail()
  @Length(3, 254)
  adminEmail!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description: PASSWORD_RULES })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  adminPassword!: string;
}
