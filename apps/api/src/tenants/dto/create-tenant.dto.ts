import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches } from 'class-validator';

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

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 512)
  adminPassword!: string;
}
