import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { AuthGuard } from './common/auth/auth.guard';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { EngineModule } from './engine/engine.module';
import { FEATURE_MODULES } from './features';
import { UsersModule } from './users/users.module';

const TRIGGER_PATH = /^\/api\/v1\/(ivr|hooks|events)(\/|\?|$)/;

/** The whole service, configured once from the validated config and a database URL. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            autoLogging: { ignore: (req) => req.url === '/api/v1/health' || req.url === '/metrics' },
            // Machine-facing trigger calls come by the thousand: their successes log at debug,
            // their failures as usual (each run is recorded as an execution anyway).
            customLogLevel: (req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : TRIGGER_PATH.test(req.url ?? '') ? 'debug' : 'info',
            redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'req.query.token'], censor: '[redacted]' },
            serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]token=)[^&]*/i, '$1[redacted]') }) },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl)),
        JwtModule.register({ global: true, secret: config.jwtSecret, signOptions: { expiresIn: config.JWT_TTL_SECONDS } }),
        EngineModule,
        UsersModule,
        AuthModule,
        ApiKeysModule,
        ...FEATURE_MODULES,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        BootstrapService,
      ],
    };
  }
}
