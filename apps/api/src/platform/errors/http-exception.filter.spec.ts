import 'reflect-metadata';
import { Controller, Get, Module, Res, UnauthorizedException } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import request from 'supertest';
import { securityHeaders } from '../http/security-headers';
import { HttpExceptionFilter } from './http-exception.filter';

/** Routes that fail the ways a trigger answer did: mid-answer, with a Content-Type Express cannot parse. */
@Controller()
class FailingController {
  @Get('api/v1/hooks/typed')
  typed(@Res() res: Response): void {
    res.setHeader('x-flow', 'kept?');
    res.setHeader('content-type', 'text/plain, application/javascript');
    res.send('alert(1)'); // Express parses the type to add a charset: it throws
  }

  @Get('api/v1/hooks/thrown')
  thrown(@Res() res: Response): void {
    res.setHeader('content-type', 'module');
    throw new Error('boom');
  }

  @Get('api/v1/auth/refused')
  refused(@Res() res: Response): void {
    res.setHeader('set-cookie', 'callflow_refresh=; Max-Age=0');
    throw new UnauthorizedException('no');
  }
}

@Module({ controllers: [FailingController], providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }] })
class FailingModule {}

describe('HttpExceptionFilter: an answer failing while written is a JSON error with the security headers', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(FailingModule, { logger: false });
    app.use(securityHeaders);
    await app.init();
  });
  afterAll(() => app.close());

  const routes = ['/api/v1/hooks/typed', '/api/v1/hooks/thrown'];
  it.each(routes)('%s: 500 in the API shape, never an HTML stack trace', async (path) => {
    const r = await request(app.getHttpServer()).get(path);
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const message = 'unexpected error; see the server log';
    expect(r.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message });
    expect(r.text).not.toMatch(/<pre|<html|\bat /);
    // The trigger answers' headers, not Express's final handler's `default-src 'none'`; nothing of the failed answer.
    expect(r.headers['content-security-policy']).toBe('sandbox');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-flow']).toBeUndefined();
  });

  it('an expected refusal keeps what its route set on purpose (clearing a cookie)', async () => {
    const r = await request(app.getHttpServer()).get('/api/v1/auth/refused').expect(401);
    expect(r.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'no' });
    expect(r.headers['set-cookie']).toEqual(['callflow_refresh=; Max-Age=0']);
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  });
});
