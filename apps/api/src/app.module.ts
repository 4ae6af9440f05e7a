import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { AuthGuard } from './auth/auth.guard';
import { HttpExceptionFilter } from './platform/errors/http-exception.filter';
import type { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { dataSourceOptions } from './database/data-source';
import { EngineModule } from './engine/engine.module';
import { FEATURE_MODULES } from './features';
import { UsersModule } from './users/users.module';

/** The whole service, configured once from the validated config and a database URL. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl)),
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
