import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino, type Level } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../../config/app-config';

/** Machine-facing trigger calls come by the thousand: their successes log at debug, their failures as usual. */
const TRIGGER_PATH = /^\/api\/v1\/(ivr|hooks|events)(\/|\?|$)/;

/** Query parameters whose values never reach a log line: API keys (`?token=`) and anything named like a secret. */
const SECRET_PARAM = /token|key|secret|passw|auth|sig/i;

/** Percent-decodes byte by byte, never throwing (a name may be malformed on purpose); `+` is a space. */
const decodeLoosely = (s: string) =>
  s.replace(/\+/g, ' ').replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * A URL for the logs: the value of every query parameter whose name, decoded as the query parser
 * decodes it (twice, for good measure) and in any case, looks like a secret is masked, whatever its
 * spelling (`token`, `TOKEN`, `%74oken`, `to%6Ben`) and however often it appears.
 */
export function redactTokenInUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (SECRET_PARAM.test(decodeLoosely(decodeLoosely(name)))) {
      parts[i] = `${name}=[redacted]`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}` : url;
}

/** The process's one pino logger (JSON lines on stdout); headers and tokens that carry secrets are redacted. */
export function createRootLogger(config: Pick<AppConfig, 'LOG_LEVEL'>): Pino {
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'req.query.token'], censor: '[redacted]' },
  });
}

/** One JSON line per HTTP request (pino-http), with its id, method, URL (token redacted) and status. */
export function requestLogger(root: Pino): HttpLogger {
  return pinoHttp({
    logger: root,
    autoLogging: { ignore: (req) => req.url === '/api/v1/health' || req.url === '/metrics' },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : TRIGGER_PATH.test(req.url ?? '') ? 'debug' : 'info',
    serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactTokenInUrl(req.url) }) },
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
