/** A document the server keeps current over server-sent events (GET with `Accept: text/event-stream`). */
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client';
import { followStream } from '../../api/event-stream';

export interface LiveDocument<T> {
  /** The latest document; null until the first arrives. */
  doc: T | null;
  /** True while the stream is open. */
  live: boolean;
  /** Why the stream broke (it reconnects by itself, but after a 403 or 404). */
  error: string | null;
  /** The server's status when it refused (404: no such document). */
  status: number | null;
}

/** Follows `path`'s `event` documents while mounted; a new path starts over. */
export function useLiveDocument<T>(path: string, event: string): LiveDocument<T> {
  const [state, setState] = useState<LiveDocument<T>>({ doc: null, live: false, error: null, status: null });
  useEffect(() => {
    const stop = new AbortController();
    setState({ doc: null, live: false, error: null, status: null });
    void followStream<T>(
      path,
      event,
      {
        document: (doc) => setState({ doc, live: true, error: null, status: null }),
        status: (live, err) =>
          setState((s) => ({
            ...s,
            live,
            error: err === undefined ? null : errorText(err),
            status: (err as { status?: number } | undefined)?.status ?? null,
          })),
      },
      stop.signal,
    );
    return () => stop.abort();
  }, [path, event]);
  return state;
}
