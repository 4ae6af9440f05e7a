import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the loopback server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Header names and values exactly as sent (name, value, name, value …). */
  rawHeaders: string[];
  body: string;
}

export type Handler = (req: SeenRequest, res: http.ServerResponse) => unknown;

/** A real HTTP server on 127.0.0.1 playing "the other system", recording what it receives. */
export class LoopbackServer {
  readonly seen: SeenRequest[] = [];
  connections = 0;
  closedSockets = 0;
  private server!: http.Server;
  private sockets = new Set<Socket>();
  private routes = new Map<string, Handler>();
  /** Answers requests no route matches (default: 404). */
  otherwise?: Handler;

  static async start(host = '127.0.0.1'): Promise<LoopbackServer> {
    const s = new LoopbackServer();
    s.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const seen = { method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body };
        s.seen.push(seen);
        const path = new URL(req.url!, 'http://x').pathname;
        const handler = s.routes.get(`${req.method} ${path}`) ?? s.routes.get(path) ?? s.otherwise;
        if (!handler) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"error":"no route"}');
          return;
        }
        Promise.resolve(handler(seen, res)).catch(() => res.destroy());
      });
    });
    s.server.keepAliveTimeout = 30_000;
    s.server.on('connection', (sock: Socket) => {
      s.connections++;
      s.sockets.add(sock);
      sock.on('close', () => (s.closedSockets++, s.sockets.delete(sock)));
    });
    await new Promise<void>((resolve) => s.server.listen(0, host, resolve));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Registers a handler for `path` or `METHOD path`. */
  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  /** Answers `path` with a JSON body. */
  json(route: string, body: unknown, status = 200, headers: Record<string, string> = {}): this {
    return this.on(route, (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
