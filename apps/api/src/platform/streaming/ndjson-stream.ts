import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { toApiError } from '../errors/http-exception.filter';
import { NOSNIFF } from '../http/security-headers';

/** The media type of a stream of JSON lines (one JSON value per line). */
export const NDJSON = 'application/x-ndjson; charset=utf-8';

const logger = new Logger('Stream');

/**
 * Answers 200 with newline-delimited JSON: `work` emits lines as it goes, and what it returns is
 * the last line, `{"event":"result",…}`. A failure after the answer began is the last line too,
 * `{"event":"error","error":{statusCode,error,message}}` (a status can no longer be sent). When
 * the client goes away first, `signal` aborts, so the work can stop.
 */
export async function streamNdjson(
  req: IncomingMessage,
  res: ServerResponse,
  work: (emit: (line: Record<string, unknown>) => void, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  res.writeHead(200, {
    'content-type': NDJSON,
    'cache-control': 'no-store',
    'x-content-type-options': NOSNIFF,
    // Proxies (nginx) would otherwise hold the lines back until the end.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const emit = (line: Record<string, unknown>) => {
    if (!res.writableEnded && !gone.signal.aborted) res.write(`${JSON.stringify(line)}\n`);
  };
  try {
    emit({ event: 'result', result: await work(emit, gone.signal) });
  } catch (err) {
    const error = toApiError(err);
    if (error.statusCode >= 500) logger.error(`${req.method} ${req.url} failed mid-stream`, (err as Error)?.stack);
    emit({ event: 'error', error });
  } finally {
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}
