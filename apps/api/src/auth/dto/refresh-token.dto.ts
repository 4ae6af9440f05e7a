import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refreshToken of the last login or refresh' })
  @IsString()
  @Length(10, 200)
  refreshToken!: string;
}
