import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { SessionsModule } from '../sessions/sessions.module';
import { UserEntity } from '../users/user.entity';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordSignIn } from './password-sign-in.service';
import { SignInAudit } from './sign-in-audit.service';

/** Sign-in, refresh and sign-out; the access tokens (JwtModule, exported for the global AuthGuard). */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.JWT_TTL_SECONDS },
      }),
    }),
    TypeOrmModule.forFeature([UserEntity]),
    UsersModule,
    SessionsModule,
    AuditModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottleService, PasswordSignIn, SignInAudit],
  exports: [JwtModule],
})
export class AuthModule {}
