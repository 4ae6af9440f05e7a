import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { TooManyAttemptsException } from '../throttle/too-many-attempts.exception';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';
import { writeApiError } from './write-api-error';

/** The one error shape of the API (README.md, "API overview"). */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/** What a JSON body that is not an object is told (whichever layer finds it). */
export const NOT_AN_OBJECT = 'the body must be a JSON object';

/** Errors raised by body-parser (malformed JSON, too large) carry a status and a type. */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
  /** The text that failed to parse. */
  body?: unknown;
}

/**
 * Whether `raw` is valid JSON but not an object or array (`null`, `"x"`, `1`): body-parser's strict
 * mode refuses it saying it "is not valid JSON", which it is; the answer should say what is wrong.
 */
function isJsonScalar(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  const first = raw.trimStart()[0];
  if (first === undefined || first === '{' || first === '[') return false;
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns every thrown value into `{statusCode, error, message, details?}`. Client errors keep their
 * message; the database being unreachable is a 503 with Retry-After (a client should try again), and
 * a throttle's 429 (TooManyAttemptsException) carries one too; anything else unexpected becomes a
 * 500 that says nothing of its internals (logged instead).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const body = toApiError(exception);
    const unavailable = isUnavailableAnswer(exception, body);
    if (unavailable) this.logger.warn({ err: exception }, 'database unavailable');
    else if (body.statusCode >= 500) this.logger.error({ err: exception }, 'unhandled error');
    if (res.headersSent) return;
    const unexpected = body.statusCode >= 500 && !unavailable && !(exception instanceof HttpException);
    const retryAfter = unavailable
      ? String(DATABASE_RETRY_AFTER_SECONDS)
      : exception instanceof TooManyAttemptsException
        ? String(exception.retryAfterSeconds)
        : undefined;
    writeApiError(http.getRequest<Request>(), res, body, unexpected, retryAfter);
  }
}

/**
 * True when the answer says the database is unreachable: a 503 that carries Retry-After and is logged
 * as a warning, not an error.
 */
export function isUnavailableAnswer(exception: unknown, body: ApiError): boolean {
  return body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && !(exception instanceof HttpException);
}

/** Maps any thrown value to the API error shape (client errors keep their message; others say nothing). */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const r = exception.getResponse();
    const error = STATUS_CODES[status] ?? 'Error';
    if (typeof r === 'string') return { statusCode: status, error, message: r };
    const o = r as { message?: unknown; details?: unknown; error?: string };
    // class-validator gives a list of messages: the first is the message, all are details.
    if (Array.isArray(o.message))
      return { statusCode: status, error, message: String(o.message[0] ?? error), details: o.message };
    const out: ApiError = { statusCode: status, error, message: typeof o.message === 'string' ? o.message : error };
    if (o.details !== undefined) out.details = o.details;
    return out;
  }
  const bp = exception as BodyParserError;
  const status = bp?.status ?? bp?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && bp.expose !== false) {
    const message =
      bp.type === 'entity.parse.failed'
        ? isJsonScalar(bp.body)
          ? NOT_AN_OBJECT
          : `malformed JSON body: ${String(bp.message ?? '').slice(0, 200)}`
        : bp.type === 'entity.too.large'
          ? 'request body too large'
          : String(bp.message ?? STATUS_CODES[status]);
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: 'the database is unavailable; try again shortly',
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'Internal Server Error',
    message: 'unexpected error; see the server log',
  };
}

/**
 * Express error middleware for failures before Nest's router (body parsing: malformed JSON, 413),
 * which Nest's exception filters never see.
 */
export function bodyErrorMiddleware(err: unknown, req: Request, res: Response, next: (err?: unknown) => void): void {
  if (res.headersSent) return next(err);
  const body = toApiError(err);
  writeApiError(req, res, body, body.statusCode >= 500);
}
