/**
 * The processes of docker-compose.scale.yml, run natively on 127.0.0.1 (scale-out.e2e-spec.ts):
 * API and worker replicas from the built API (apps/api/dist/main.js), Debian's nginx with the
 * committed deploy/nginx.conf, and a strict fake CRM that knows which worker process called it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Server } from './server-process';
import { buildFresh, DIST_MAIN } from './build-fresh';

export const ROOT = path.resolve(__dirname, '../../../..');
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const NGINX_CONF = path.join(ROOT, 'deploy/nginx.conf');

/**
 * What the replicas run: the build, as the image does, when it is not older than the sources;
 * else the sources through SWC (a test run after an edit without `npm run build` tests the edit).
 */
export const API_MAIN = buildFresh() ? [DIST_MAIN] : ['-r', '@swc-node/register', 'apps/api/src/main.ts'];

/** A replica: `node apps/api/dist/main.js` with ROLE and the shared settings, its own DATA_DIR. */
export function startReplica(env: Record<string, string>): Server {
  const { DATABASE_URL: _d, TEST_DATABASE_URL: _t, TEST_PG_ADMIN_URL: _a, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...API_MAIN], {
    cwd: ROOT,
    env: { ...inherited, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Server(child);
}

/** Resolves once `server` printed `pattern`; rejects with its output if it exits or takes too long. */
export async function printed(server: Server, pattern: RegExp, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(server.stdout)) {
    if (!server.running) throw new Error(`exited early:\n${server.stdout}\n${server.stderr}`);
    if (Date.now() > until) throw new Error(`no ${pattern} after ${ms} ms:\n${server.stdout}\n${server.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * deploy/nginx.conf for this machine: listening on 127.0.0.1:`port`, the upstream's one `api:3000`
 * line repeated for each replica port (same parameters), and nginx's temporary files in `dir`
 * (http context; the system's /var/lib/nginx may belong to another nginx). Nothing else changes.
 */
export function nginxConfigFor(port: number, upstreamPorts: number[], dir: string): string {
  const conf = fs.readFileSync(NGINX_CONF, 'utf8');
  const server = /^(\s*)server api:3000( [^;]*)?;$/m;
  const listen = /^(\s*)listen 80;$/m;
  if (!server.test(conf) || !listen.test(conf))
    throw new Error('deploy/nginx.conf: no `server api:3000` or `listen 80`');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`)
    .join('\n');
  return conf
    .replace(server, (_m, indent: string, params = '') =>
      upstreamPorts.map((p) => `${indent}server 127.0.0.1:${p}${params};`).join('\n'),
    )
    .replace(listen, (_m, indent: string) => `${indent}listen 127.0.0.1:${port};`)
    .replace(/^http \{$/m, `http {\n${temp}`);
}

/** nginx in the foreground; its output goes to files (it opens /dev/stdout, which a pipe from node cannot be). */
export interface Nginx {
  running(): boolean;
  output(): string;
  stop(): Promise<void>;
}

/** nginx in the foreground on that config; ready once its port accepts connections. */
export async function startNginx(port: number, upstreamPorts: number[], dir: string): Promise<Nginx> {
  // Its worker processes (user nobody) write the temporary files there.
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConfigFor(port, upstreamPorts, dir));
  const logFile = path.join(dir, 'nginx.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    NGINX,
    ['-e', 'stderr', '-p', dir, '-c', conf, '-g', `pid ${path.join(dir, 'nginx.pid')}; daemon off;`],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nginx: Nginx = {
    running: () => child.exitCode === null && child.signalCode === null,
    output: () => fs.readFileSync(logFile, 'utf8'),
    stop: async () => {
      if (nginx.running()) child.kill('SIGTERM');
      await exited;
    },
  };
  const until = Date.now() + 10_000;
  for (;;) {
    if (!nginx.running()) throw new Error(`nginx exited:\n${nginx.output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (open) return nginx;
    if (Date.now() > until) throw new Error(`nginx not listening after 10 s:\n${nginx.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The process (among `pids`) holding the client end of the loopback connection `clientPort` → `serverPort`. */
function clientOwner(clientPort: number, serverPort: number, pids: number[]): number | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const row = fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(clientPort)}`) && f[2]?.endsWith(`:${hex(serverPort)}`));
  const inode = row?.[9];
  if (!inode) return undefined;
  return pids.find((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

/**
 * The CRM the event flow delivers to: `POST /deliveries` with exactly `{"event": <id>, "campaign": <id>}`
 * as JSON and `Authorization: Bearer <bearer>`, answered 200 after `delayMs`; anything else is a 400
 * and a violation. Each delivery records the worker process whose connection carried it (`workerPids`).
 */
export class DeliveryCrm {
  readonly deliveries: { event: string; campaign: string; pid: number | undefined }[] = [];
  readonly violations: string[] = [];
  delayMs = 0;
  private server!: http.Server;

  constructor(
    private readonly workerPids: () => number[],
    private readonly bearer: string,
  ) {}

  static async start(workerPids: () => number[], bearer: string): Promise<DeliveryCrm> {
    const crm = new DeliveryCrm(workerPids, bearer);
    crm.server = http.createServer((req, res) => void crm.answer(req, res));
    await new Promise<void>((resolve) => crm.server.listen(0, '127.0.0.1', resolve));
    return crm;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}/deliveries`;
  }

  /** Deliveries of `event` so far. */
  countOf(event: string): number {
    return this.deliveries.filter((d) => d.event === event).length;
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pid = clientOwner(req.socket.remotePort!, req.socket.localPort!, this.workerPids());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const problems: string[] = [];
    if (req.method !== 'POST' || req.url !== '/deliveries') problems.push(`${req.method} ${req.url}`);
    if (req.headers['content-type'] !== 'application/json')
      problems.push(`content-type ${req.headers['content-type']}`);
    if (req.headers.authorization !== `Bearer ${this.bearer}`) problems.push('authorization missing or wrong');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push(`not JSON: ${text.slice(0, 100)}`);
    }
    if (Object.keys(body).join(',') !== 'event,campaign') problems.push(`members ${Object.keys(body).join(',')}`);
    if (typeof body.event !== 'string' || typeof body.campaign !== 'string') problems.push('event, campaign: strings');
    if (problems.length > 0) {
      this.violations.push(...problems);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ problems }));
      return;
    }
    this.deliveries.push({ event: body.event as string, campaign: body.campaign as string, pid });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
