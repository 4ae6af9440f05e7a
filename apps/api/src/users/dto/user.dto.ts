import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULES } from '../../platform/passwords/password-policy';
import { GRANTABLE_PERMISSIONS } from '../../access/permissions';

/** `roleIds`: up to 50 distinct role ids of the caller's tenant. */
const RoleIdsField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );

/** `permissions`: up to 50 distinct direct grants (checked against the catalogue by the service). */
const PermissionsField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: GRANTABLE_PERMISSIONS, isArray: true, description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsString({ each: true }),
  );

export class CreateUserDto {
  @ApiProperty({ example: 'agent@example.com' })
  @IsEmail()
  @Length(3, 254)
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description: PASSWORD_RULES })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @RoleIdsField('Roles of this tenant')
  roleIds?: string[];

  @PermissionsField('Direct grants')
  permissions?: string[];
}

export class UpdateUserDto {
  @RoleIdsField('The full set of roles (replaces the current one)')
  roleIds?: string[];

  @PermissionsField('The full set of direct grants (replaces the current one)')
  permissions?: string[];

  @ApiPropertyOptional({ description: 'false signs the user out everywhere and refuses further sign-ins' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: `A new password (ends the user’s sessions). ${PASSWORD_RULES}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}
