import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export class SetWebhookSecretDto {
  @ApiPropertyOptional({
    description:
      'A value to use (16–256 URL-safe characters, at least 8 different, not a run, repetition, keyboard walk or ' +
      'common word), e.g. the clientId one RetailCRM account sends to several flows; omit it to generate one. ' +
      "409 when another tenant's flow with this flow's key holds the value; 429 after 10 chosen values in 15 minutes",
    example: 'rcrm-2dbh26tahjj26sg-f00d',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._~-]{16,256}$/, { message: 'secret must be 16 to 256 characters: letters, digits and . _ ~ -' })
  secret?: string;
}
