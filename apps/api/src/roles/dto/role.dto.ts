import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { GRANTABLE_PERMISSIONS } from '../../access/permissions';

const NAME = /^\S(.*\S)?$/;

export class CreateRoleDto {
  @ApiProperty({ example: 'Night shift supervisor' })
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'name must not start or end with spaces' })
  name!: string;

  @ApiProperty({ enum: GRANTABLE_PERMISSIONS, isArray: true, example: ['flows.read', 'executions.read'] })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  permissions!: string[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ description: 'Built-in roles cannot be renamed' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'name must not start or end with spaces' })
  name?: string;

  @ApiPropertyOptional({
    enum: GRANTABLE_PERMISSIONS,
    isArray: true,
    description: 'The full set (replaces the current one); fixed for Admin',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  permissions?: string[];
}
