import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { apiKeyOf, queryTokenOf } from '../access/api-key-of';
import { DATABASE_RETRY_AFTER_SECONDS } from '../platform/errors/database-unavailable';
import { isUnavailableAnswer, NOT_AN_OBJECT, toApiError } from '../platform/errors/http-exception.filter';
import { jsonTooDeep, TOO_DEEP_MESSAGE } from '../platform/json/json-depth';
import { findOutOfRange, MAYBE_OUT_OF_RANGE } from '../platform/json/json-fields';
import { outOfRangeProblem } from '../platform/validation/validation';
import { NO_REFERRER, NOSNIFF, TRIGGER_CSP } from '../platform/http/security-headers';
import { urlForLog } from '../platform/logging/redact-url';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { IvrRequestDto } from './dto/ivr-request.dto';
import { IvrService } from './ivr.service';
import { compileInputCheck } from './trigger-input';
import { ivrTrigger, misplacedFieldHint } from '@callflow/flow';

/** The body check: IvrRequestDto's class-validator rules, compiled once. */
const checkIvrInput = compileInputCheck(IvrRequestDto, (key) => misplacedFieldHint(ivrTrigger, key));

/** IvrController's path under the API prefix. */
export const IVR_PATH = 'ivr';
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/** The flow key and query of a URL the router already matched to `…/ivr/:flowKey` (the documented route). */
const ROUTED_URL = /\/([^/?#]+)\/?(?:\?(.*))?$/;

/**
 * `POST /<prefix>/ivr/<flowKey>[/][?query]` in any case, as Express routes it to IvrController
 * (case-insensitive, optional trailing slash): group 1 is the raw flow key, group 2 the query.
 */
export function ivrRoute(prefix: string): RegExp {
  const dirs = prefix
    .split('/')
    .filter(Boolean)
    .map((p) => `${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\/`)
    .join('');
  return new RegExp(`^\\/${dirs}${IVR_PATH}\\/([^/?#]+)\\/?(?:\\?(.*))?$`, 'i');
}

/** True for a request the IVR pipeline answers (`route` from ivrRoute). */
function isIvrCall(req: IncomingMessage, route: RegExp): boolean {
  return req.method === 'POST' && req.url !== undefined && route.test(req.url);
}

/** Express middleware `mw`, skipped for IVR calls: body parsers leave their body to the pipeline. */
export function unlessIvrCall<Req extends IncomingMessage, Res, Next extends () => void>(
  route: RegExp,
  mw: (req: Req, res: Res, next: Next) => void,
): (req: Req, res: Res, next: Next) => void {
  return (req, res, next) => (isIvrCall(req, route) ? next() : mw(req, res, next));
}

/**
 * The IVR trigger call, one pipeline for both of its entry points. An IVR asks mid-call with a
 * caller on hold, so the call skips the framework's per-request machinery (router, middleware
 * chain, guards, pipes, interceptors: most of the CPU of a trigger call) and does its steps here,
 * in this order, with the API's services: body limit by Content-Length (413, before anything
 * else), API key with the `triggers.invoke` scope (ApiKeysService.authenticate: 401/403), body read
 * within BODY_LIMIT_BYTES (413; a Content-Encoding is a 415), JSON parse (400: wrong type, too deep,
 * malformed, not an object), the input check (IvrRequestDto's rules: 400), IvrService.invoke, the
 * answer, errors in the API's one shape (toApiError) with the trigger answers' security headers.
 *
 * Entry points: `listener` in front of Express (app.factory.ts mounts it on the HTTP server) takes
 * every URL Express would route to IvrController; IvrController, the documented route (OpenAPI,
 * route catalogue), delegates here too (the guard and the body parsers leave these calls alone).
 */
@Injectable()
export class IvrPipeline {
  private readonly logger = new Logger('IvrTrigger');
  private readonly limit: number;
  private readonly debug: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly ivr: IvrService,
  ) {
    this.limit = config.BODY_LIMIT_BYTES;
    this.debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  }

  /** A request listener that answers IVR calls (`route` from ivrRoute) and hands every other request to `next`. */
  listener(next: RequestListener, route: RegExp): RequestListener {
    return (req, res) => {
      if (req.method === 'POST' && req.url !== undefined) {
        const m = route.exec(req.url);
        if (m) {
          void this.handle(req, res, m[1]!, m[2]);
          return;
        }
      }
      next(req, res);
    };
  }

  /** Answers a call the router matched to IvrController (its URL ends in `/<flowKey>[/][?query]`). */
  answerRouted(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Promise<void> {
    const m = ROUTED_URL.exec(req.originalUrl ?? req.url ?? '');
    return this.handle(req, res, m?.[1] ?? '', m?.[2]);
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    rawKey: string,
    query: string | undefined,
  ): Promise<void> {
    const started = this.debug ? performance.now() : 0;
    try {
      const flowKey = decodeParam(rawKey);
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > this.limit)
        throw new PayloadTooLargeException('request body too large');
      const token = query === undefined ? undefined : queryTokenOf(new URLSearchParams(query).getAll('token'));
      const principal = await this.apiKeys.authenticate(apiKeyOf(req.headers, token), 'triggers.invoke');
      const input = checkIvrInput(parseJson(req.headers['content-type'], await readBody(req, this.limit)));
      const answer = await this.ivr.invoke(principal, flowKey, input);
      send(res, 200, answer);
      if (this.debug)
        this.logger.debug(
          { flow: flowKey, executionId: answer.executionId, status: answer.status, ms: performance.now() - started },
          'ivr answered',
        );
    } catch (err) {
      const body = toApiError(err);
      const unavailable = isUnavailableAnswer(err, body);
      const log = { method: 'POST', url: urlForLog(req.url ?? ''), statusCode: body.statusCode, message: body.message };
      if (body.statusCode >= 500 && !unavailable) this.logger.error({ ...log, err }, 'ivr call failed');
      else this.logger.warn(log, 'ivr call refused');
      if (body.statusCode === 413) res.setHeader('connection', 'close');
      if (unavailable) res.setHeader('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      if (!res.headersSent) send(res, body.statusCode, body);
    }
  }
}

/** Answers and errors alike carry the trigger answers' security headers (the values securityHeaders sets). */
function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'content-security-policy': TRIGGER_CSP,
    'x-content-type-options': NOSNIFF,
    'referrer-policy': NO_REFERRER,
  });
  res.end(json);
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestException('the flow key in the path is not valid percent-encoding');
  }
}

/** The request body as text (undefined when empty), refused past `limit` bytes whatever Content-Length said. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    return Promise.reject(new UnsupportedMediaTypeException(`content encoding "${encoding}" is not supported`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeException('request body too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        size === 0
          ? undefined
          : chunks.length === 1
            ? chunks[0]!.toString('utf8')
            : Buffer.concat(chunks, size).toString('utf8'),
      ),
    );
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new BadRequestException('the request was aborted'));
    });
  });
}

/** JSON bodies only (an IVR that sends no Content-Type is read as JSON too); no body is an empty question. */
function parseJson(type: string | undefined, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (type !== undefined && !JSON_TYPE.test(type))
    throw new BadRequestException(
      `the body must be a JSON object (Content-Type: application/json), not ${type.split(';')[0]}`,
    );
  if (jsonTooDeep(text)) throw new BadRequestException(TOO_DEEP_MESSAGE);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new BadRequestException(`malformed JSON body: ${String((err as Error).message).slice(0, 200)}`);
  }
  if (typeof body !== 'object' || body === null) throw new BadRequestException(NOT_AN_OBJECT);
  // JSON.parse reads such a number as Infinity, which would be stored as null: walked only when it may be there.
  const big = MAYBE_OUT_OF_RANGE.test(text) ? findOutOfRange(body) : undefined;
  if (big !== undefined) throw new BadRequestException(outOfRangeProblem(big));
  return body;
}
