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
import { isUnavailableAnswer, toApiError } from '../platform/errors/http-exception.filter';
import { jsonTooDeep, TOO_DEEP_MESSAGE } from '../platform/json/json-depth';
import { NO_REFERRER, NOSNIFF, TRIGGER_CSP } from '../platform/http/security-headers';
import { urlForLog } from '../platform/logging/redact-url';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { IvrService, IVR_INPUT_PARTS } from './ivr.service';
import { checkTriggerInput } from './trigger-input.pipe';

/**
 * `POST /api/v1/ivr/<flowKey>[?query]`, exactly as IVRs call it; other spellings go on to Express and IvrController.
 */
const IVR_URL = /^\/api\/v1\/ivr\/([^/?#]+)\/?(?:\?(.*))?$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The IVR trigger's answer path, in front of Express. An IVR asks mid-call with a caller on hold,
 * so this route skips the framework's per-request machinery (router, middleware chain, guards,
 * pipes, interceptors: most of the CPU of a trigger call) and does the same steps by hand with
 * the same services: API key (ApiKeysService.authenticate), body limit and JSON parse, the input
 * check (checkTriggerInput), IvrService.invoke, errors in the API's one shape (toApiError).
 * IvrController stays the documented route (OpenAPI) and answers anything this does not take.
 */
@Injectable()
export class IvrFastPath {
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

  /** A request listener that answers IVR calls and hands every other request to `next`. */
  wrap(next: RequestListener): RequestListener {
    return (req, res) => {
      if (req.method === 'POST' && req.url !== undefined && req.url.startsWith('/api/v1/ivr/')) {
        const m = IVR_URL.exec(req.url);
        if (m) {
          void this.handle(req, res, m[1]!, m[2]);
          return;
        }
      }
      next(req, res);
    };
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
      const input = checkTriggerInput(
        parseJson(req.headers['content-type'], await readBody(req, this.limit)),
        IVR_INPUT_PARTS,
      );
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
  if (typeof body !== 'object' || body === null) throw new BadRequestException('the body must be a JSON object');
  return body;
}
