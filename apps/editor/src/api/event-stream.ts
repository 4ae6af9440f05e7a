/**
 * Server-sent events read from a fetch() body (EventSource cannot send the bearer token): a parser
 * of the `text/event-stream` format, and `followStream`, which keeps a live document current over
 * a stream the server ends now and then (the API ends each after a minute: the client opens
 * another, authenticated anew).
 */
import { ApiError, openStream } from './client';

export interface ServerEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A parser of the event-stream format: feed it text as it arrives (chunks may split lines or
 * events anywhere); it calls `onEvent` once per complete event. Comments (`: …`) and events
 * without data are skipped; data lines are joined with newlines; CRLF and CR end lines too.
 */
export function eventStreamParser(onEvent: (e: ServerEvent) => void): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const dispatch = () => {
    if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), ...(id ? { id } : {}) });
    data = [];
    event = '';
  };
  return (chunk) => {
    buffer += chunk;
    let end: number;
    // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
    while ((end = buffer.search(/\r\n|\r(?!$)|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') dispatch();
      else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
      }
    }
  };
}

/** How a followed stream is doing, for the screen: connected, or waiting to reconnect. */
export interface StreamHandlers<T> {
  document(doc: T): void;
  /** `live` false: the stream broke; it is opened again after a pause. */
  status(live: boolean, error?: unknown): void;
}

/** Refusals a reconnect cannot cure (the document is gone, the permission was revoked). */
const FINAL = [403, 404];

/**
 * Follows the live document at `path` (each `event` carries it whole) until `signal` aborts: opens
 * the stream, hands each document over, opens it again when it ends (at once) or breaks (after a
 * pause that grows to 10 s); stops on a 403 or 404 after reporting it.
 */
export async function followStream<T>(
  path: string,
  event: string,
  on: StreamHandlers<T>,
  signal: AbortSignal,
): Promise<void> {
  let pause = 500;
  while (!signal.aborted) {
    try {
      const res = await openStream(path, 'text/event-stream', signal);
      on.status(true);
      pause = 500;
      const push = eventStreamParser((e) => e.event === event && on.document(JSON.parse(e.data) as T));
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        push(decoder.decode(value, { stream: true }));
      }
    } catch (err) {
      if (signal.aborted) return;
      on.status(false, err);
      if (err instanceof ApiError && FINAL.includes(err.status)) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  }
}
