import { Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { FlowEngine } from '@callflow/engine';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';

/** The process-wide flow engine (compiled versions cached, keep-alive pools shared). */
@Module({
  providers: [
    {
      provide: FlowEngine,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new FlowEngine({ outbound: { allow: config.outboundAllow }, limits: { deadlineMs: config.RUN_DEADLINE_MS } }),
    },
  ],
  exports: [FlowEngine],
})
export class EngineModule implements OnApplicationShutdown {
  constructor(@Inject(FlowEngine) private readonly engine: FlowEngine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}
