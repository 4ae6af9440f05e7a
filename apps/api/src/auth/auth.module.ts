import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UserEntity } from '../users/user.entity';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordSignIn } from './password-sign-in.service';
import { SignInAudit } from './sign-in-audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), UsersModule, SessionsModule, AuditModule],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottleService, PasswordSignIn, SignInAudit],
})
export class AuthModule {}
