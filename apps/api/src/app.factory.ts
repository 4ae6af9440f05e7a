import { API_PREFIX } from './platform/http/api-prefix';
import 'reflect-metadata';
import fs from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { AppModule } from './app.module';
import { verifyJsonDepth } from './platform/json/json-depth';
import { createValidationPipe } from './platform/validation/validation';
import { bodyErrorMiddleware } from './platform/errors/http-exception.filter';
import { refuseSourceMaps, securityHeaders } from './platform/http/security-headers';
import { AppLogger, createRootLogger, requestLogger } from './platform/logging/app-logger';
import type { AppConfig } from './platform/config/app-config';
import { IvrPipeline, ivrRoute, unlessIvrCall } from './triggers/ivr-pipeline.service';

export { API_PREFIX } from './platform/http/api-prefix';

/** Builds the Nest application (shared by main.ts and the e2e tests). */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    bodyParser: false,
    bufferLogs: true,
    // A wiring error rejects (main.ts then stops the embedded database and exits 1) instead of process.abort().
    abortOnError: false,
  });
  const logger = createRootLogger(config);
  app.useLogger(new AppLogger(logger));
  // Logs buffered while the app was built go out now; a worker (ROLE=worker) never calls listen(),
  // which would flush them.
  app.flushLogs();
  app.use(requestLogger(logger));
  // First, so every answer carries them: errors, 413s, preflights (IvrPipeline sets its own).
  app.use(securityHeaders);
  // IVR calls are answered before Express sees them (see IvrPipeline); everything else goes on to it.
  const ivr = ivrRoute(API_PREFIX);
  const server = app.getHttpServer() as Server;
  const [expressListener] = server.listeners('request') as RequestListener[];
  if (expressListener) {
    server.removeListener('request', expressListener);
    server.on('request', app.get(IvrPipeline).listener(expressListener, ivr));
  }
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names: else anyone could pick the
  // address sign-in throttling counts against.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // verify runs on the raw bytes before JSON.parse: bodies nested past MAX_JSON_DEPTH are a 400.
  const json = (limit: number, strict = true) =>
    express.json({ limit, strict, type: ['application/json', 'application/*+json'], verify: verifyJsonDepth });
  const parsers = (limit: number) => [
    json(limit),
    express.urlencoded({ limit, extended: false, parameterLimit: 1000 }),
    express.text({ limit, type: ['text/*', 'application/xml'] }),
  ];
  // Webhooks first, with their own limit (a body parsed once is skipped by the parsers after it).
  app.use(`/${API_PREFIX}/hooks`, ...parsers(config.WEBHOOK_BODY_LIMIT_BYTES));
  // Events take an object or an array: any other JSON value (null, a number) reaches parseEventBatch,
  // which says what the route takes, where strict parsing would say "the body must be a JSON object".
  // A prefix: a route added under /events would parse its JSON non-strictly too.
  app.use(`/${API_PREFIX}/events`, json(config.BODY_LIMIT_BYTES, false));
  // An IVR call that reaches Express anyway is read by IvrPipeline (through IvrController), not here.
  app.use(...parsers(config.BODY_LIMIT_BYTES).map((parser) => unlessIvrCall(ivr, parser)));
  app.use(bodyErrorMiddleware);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  if (config.API_DOCS) {
    const doc = new DocumentBuilder()
      .setTitle('Callflow API')
      .setDescription('Integration flows for contact centers: flows, versions, triggers, executions.')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
      .build();
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
      jsonDocumentUrl: 'api/docs/openapi.json',
    });
  }

  const editorDir = config.EDITOR_DIR ?? path.resolve(__dirname, '../../editor/dist');
  if (fs.existsSync(path.join(editorDir, 'index.html'))) {
    app.use(refuseSourceMaps);
    app.use(express.static(editorDir, { index: false, maxAge: '1h' }));
    // Client-side routes get the SPA shell; API paths never do.
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/api/') || req.path === '/metrics') return next();
      res.sendFile(path.join(editorDir, 'index.html'));
    });
  }
  return app;
}
