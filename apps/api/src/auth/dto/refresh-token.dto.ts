import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class RefreshTokenDto {
  @ApiPropertyOptional({ description: 'The refreshToken of the last login or refresh; omitted when the session cookie carries it (X-Callflow-Session: cookie)' })
  @IsOptional()
  @IsString()
  @Length(10, 200)
  refreshToken?: string;
}
