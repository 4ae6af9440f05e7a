import { Module } from '@nestjs/common';
import { RefreshTokensService } from './refresh-tokens.service';

/** Sign-in sessions (refresh tokens): issued and rotated by auth, revoked by user administration. */
@Module({ providers: [RefreshTokensService], exports: [RefreshTokensService] })
export class SessionsModule {}
