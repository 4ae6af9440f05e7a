import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class RefreshTokenDto {
  @ApiPropertyOptional({
    description: 'The refreshToken of the last login or refresh; none when the cookie has it (X-Callflow-Session)',
  })
  @IsOptional()
  @IsString()
  @Length(10, 200)
  refreshToken?: string;
}
