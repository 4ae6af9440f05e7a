import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { GRANTABLE_PERMISSIONS } from '../../common/auth/permissions';

export class CreateUserDto {
  @ApiProperty({ example: 'agent@example.com' })
  @IsEmail()
  @Length(3, 254)
  email!: string;

  @ApiProperty({ minLength: 8, description: 'Stored as an argon2id hash' })
  @IsString()
  @Length(8, 512)
  password!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Roles of this tenant' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  roleIds?: string[];

  @ApiPropertyOptional({ enum: GRANTABLE_PERMISSIONS, isArray: true, description: 'Direct grants' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  permissions?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The full set of roles (replaces the current one)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  roleIds?: string[];

  @ApiPropertyOptional({ enum: GRANTABLE_PERMISSIONS, isArray: true, description: 'The full set of direct grants (replaces the current one)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  permissions?: string[];

  @ApiPropertyOptional({ description: 'false signs the user out everywhere and refuses further sign-ins' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minLength: 8, description: 'A new password (ends the user’s sessions)' })
  @IsOptional()
  @IsString()
  @Length(8, 512)
  password?: string;
}
