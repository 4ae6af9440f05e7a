import { API_BASE_PATH } from '../http/api-prefix';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino, type Level } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { isTriggerUrl, urlForLog } from './redact-url';

/**
 * Where credentials travel in headers (request and response): never logged. The request and
 * response serializers below log no headers at all; these paths cover any other log call that
 * passes a request, a response or their headers.
 */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', '"x-api-key"'];
const REDACT_PATHS = [
  ...['req.headers', 'res.headers', 'headers', 'request.headers', 'response.headers'].flatMap((at) =>
    CREDENTIAL_HEADERS.map((h) => (h.startsWith('"') ? `${at}[${h}]` : `${at}.${h}`)),
  ),
  'req.query.token',
];

interface LoggedRequest {
  id: unknown;
  method: string;
  url: string;
}
interface LoggedResponse {
  statusCode: number;
  raw?: { getHeader?(name: string): unknown };
}

/** The process's one pino logger (JSON lines on stdout); headers and tokens that carry secrets are redacted. */
export function createRootLogger(config: Pick<AppConfig, 'LOG_LEVEL'>, destination?: DestinationStream): Pino {
  const options = { level: config.LOG_LEVEL, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** A request as logged: its id, method and URL (query values masked, see urlForLog); never its headers. */
export function requestForLog(req: LoggedRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, url: urlForLog(req.url) };
}

/**
 * A response as logged: its status and, for a trigger answer, the execution it started. Never its
 * headers: `Set-Cookie` carries the editor's refresh token, and a webhook answer's headers are the
 * flow's (tenant data).
 */
export function responseForLog(res: LoggedResponse): Record<string, unknown> {
  const executionId = res.raw?.getHeader?.('x-execution-id');
  return typeof executionId === 'string' ? { statusCode: res.statusCode, executionId } : { statusCode: res.statusCode };
}

/** One JSON line per HTTP request (pino-http), with its id, method, URL (values masked) and status; no headers. */
export function requestLogger(root: Pino): HttpLogger {
  return pinoHttp({
    logger: root,
    autoLogging: { ignore: (req) => req.url === `${API_BASE_PATH}/health` || req.url === '/metrics' },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return isTriggerUrl(req.url ?? '') ? 'debug' : 'info';
    },
    serializers: { req: requestForLog, res: responseForLog },
  });
}

/**
 * Nest's logger over pino: `new Logger('Ctx').warn({ executionId }, 'message')` writes one JSON
 * line with `context: "Ctx"`, the object's fields and `msg`. Log calls carry their own ids (the
 * execution id), so no per-request AsyncLocalStorage is kept: on Node 20 it taxes every promise
 * of every run (~15% of an engine run, measured).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest appends the logger's context as the last parameter; an object first holds the fields. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    const last = params[params.length - 1];
    if (typeof last === 'string') {
      fields.context = last;
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      this.root[level](fields, ...(rest as []));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
      // Nest's own error(message, stack) contract.
      const err = new Error(String(message));
      err.stack = rest[0];
      this.root.error({ ...fields, err });
    } else {
      this.root[level](fields, String(message), ...(rest as []));
    }
  }
}
