import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NOSNIFF } from '../platform/http/security-headers';

/** The media type of server-sent events. */
export const EVENT_STREAM = 'text/event-stream';
/** How often a watched document is read again (once per process, whatever the number of watchers). */
const TICK_MS = 1_000;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/**
 * A stream ends after this long and the client opens a new one: its credentials and permission are
 * checked again, so a revoked session or permission stops seeing progress within this time.
 */
export const STREAM_MAX_MS = 60_000;

type Listener = (json: string) => void;

/** One watched document: read every TICK_MS while it has listeners, sent to them when it changed. */
interface Topic {
  read: () => Promise<unknown>;
  listeners: Set<Listener>;
  last: string;
  timer: NodeJS.Timeout;
  reading: boolean;
}

/**
 * Answers a progress document as JSON, or, when the client asks for `text/event-stream`, as
 * server-sent events: the document at once, then again each time it changes (`event: <name>`,
 * `data: <JSON>`), a comment every 15 s, and the end after STREAM_MAX_MS (the client reconnects).
 * Watchers of one document in this process share one read per second (a topic per key); the
 * documents come from counters, so a read costs a few rows whatever the campaign's size.
 */
@Injectable()
export class CampaignFeed implements BeforeApplicationShutdown {
  private readonly logger = new Logger('CampaignFeed');
  private readonly topics = new Map<string, Topic>();
  private readonly open = new Set<Response>();

  /**
   * `read` answers the document (and throws the API's errors, e.g. 404, answered before any event);
   * `key` names it for sharing (it must hold everything `read` depends on: the tenant, the campaign).
   */
  async serve(req: Request, res: Response, key: string, event: string, read: () => Promise<unknown>): Promise<void> {
    const first = await read();
    if (!wantsEvents(req)) {
      res.status(200).json(first);
      return;
    }
    res.writeHead(200, {
      'content-type': `${EVENT_STREAM}; charset=utf-8`,
      'cache-control': 'no-store',
      'x-content-type-options': NOSNIFF,
      // Proxies (nginx) would otherwise hold the events back.
      'x-accel-buffering': 'no',
    });
    let sent = 0;
    let previous = '';
    const send: Listener = (json) => {
      if (json === previous || res.writableEnded) return;
      previous = json;
      res.write(`event: ${event}\nid: ${++sent}\ndata: ${json}\n\n`);
    };
    send(JSON.stringify(first));
    const heartbeat = setInterval(() => res.writableEnded || res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const topic = this.subscribe(key, read, send);
    this.open.add(res);
    await new Promise<void>((resolve) => {
      const end = setTimeout(() => res.end(), STREAM_MAX_MS);
      res.on('close', () => {
        clearTimeout(end);
        resolve();
      });
    });
    clearInterval(heartbeat);
    this.open.delete(res);
    this.unsubscribe(key, topic, send);
  }

  /** Ends every stream (shutdown: the HTTP server waits for open answers). */
  beforeApplicationShutdown(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }

  private subscribe(key: string, read: () => Promise<unknown>, listener: Listener): Topic {
    let topic = this.topics.get(key);
    if (!topic) {
      const t: Topic = { read, listeners: new Set(), last: '', reading: false, timer: undefined! };
      t.timer = setInterval(() => void this.tick(t), TICK_MS);
      t.timer.unref();
      this.topics.set(key, t);
      topic = t;
    }
    topic.listeners.add(listener);
    return topic;
  }

  private unsubscribe(key: string, topic: Topic, listener: Listener): void {
    topic.listeners.delete(listener);
    if (topic.listeners.size > 0) return;
    clearInterval(topic.timer);
    if (this.topics.get(key) === topic) this.topics.delete(key);
  }

  private async tick(topic: Topic): Promise<void> {
    if (topic.reading) return;
    topic.reading = true;
    try {
      const json = JSON.stringify(await topic.read());
      if (json !== topic.last) {
        topic.last = json;
        for (const listener of topic.listeners) listener(json);
      }
    } catch (err) {
      // A database outage, or the campaign pruned: the watchers keep the last document.
      this.logger.debug({ err }, 'reading a watched progress document failed');
    } finally {
      topic.reading = false;
    }
  }
}

/** True when the client asked for server-sent events (`Accept: text/event-stream`). */
function wantsEvents(req: Request): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes(EVENT_STREAM);
}
