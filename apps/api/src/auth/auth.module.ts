import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../users/user.entity';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordSignIn } from './password-sign-in';
import { RefreshTokensService } from './refresh-tokens.service';
import { SignInAudit } from './sign-in-audit';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottleService, PasswordSignIn, RefreshTokensService, SignInAudit],
  exports: [RefreshTokensService],
})
export class AuthModule {}
