/**
 * The process set of the campaign benchmark and the chaos test: PostgreSQL (bench/pg-server.ts),
 * one API process (ROLE=api: takes the events and the IVR calls), N worker processes
 * (ROLE=worker) and the mock CRM (bench/mock-campaign-crm.js), all on 127.0.0.1, sharing one
 * DATABASE_URL, SECRETS_KEY and JWT_SECRET as a scaled-out deployment would.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { BENCH_ADMIN, BENCH_METRICS_TOKEN, chain } from './api-context';
import { startPgServer, type PgServer } from './pg-server';
import { freePort, startNodeService, startScript, type NodeService, type Started } from './processes';

/**
 * maxConcurrentRuns of the campaign trigger: a limit that binds with WORKER_CONCURRENCY 50 (the
 * mock's in-flight maximum reaches it). 0 leaves the field out.
 */
export const CAMPAIGN_LIMIT = 20;

/**
 * trigger.campaign (for the campaign ids given, else every campaign) → http POST of the contact to
 * the mock CRM (which counts ids and requests in flight).
 */
export function campaignFlow(crmBase: string, limit = CAMPAIGN_LIMIT, campaignIds?: string[], crmDelayMs?: number) {
  const config = { ...(limit > 0 ? { maxConcurrentRuns: limit } : {}), ...(campaignIds ? { campaignIds } : {}) };
  return chain([
    { id: 't', type: 'trigger.campaign', name: 'contact', config },
    {
      id: 'h',
      type: 'http',
      name: 'deliver',
      config: {
        method: 'POST',
        url: `${crmBase}/campaign${crmDelayMs === undefined ? '' : `?delay=${crmDelayMs}`}`,
        body: {
          type: 'json',
          template:
            '{"id":"{{event.id}}","contact":"{{contact.id}}","phone":"{{contact.phone}}","campaign":"{{campaign.id}}"}',
        },
      },
    },
  ]);
}

export interface CampaignEvent {
  id: string;
  type: 'campaign.contact';
  contact: Record<string, unknown>;
  campaign: Record<string, unknown>;
}

/** `count` campaign.contact events of campaign `campaignId` with ids `<prefix>-<n>`, in batches of `batch`. */
export function campaignBatches(
  prefix: string,
  count: number,
  batch: number,
  campaignId = 'spring',
): CampaignEvent[][] {
  const out: CampaignEvent[][] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(
      Array.from({ length: Math.min(batch, count - i) }, (_, j) => {
        const n = i + j;
        return {
          id: `${prefix}-${n}`,
          type: 'campaign.contact' as const,
          contact: { id: `c${n}`, phone: `+3906${String(n).padStart(7, '0')}`, firstName: 'Ada' },
          campaign: { id: campaignId, name: 'Spring' },
        };
      }),
    );
  }
  return out;
}

/** Runs one SQL statement on a short-lived connection (survives PostgreSQL restarts between calls). */
export async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a server going away mid-query rejects the query anyway
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface MockStats {
  deliveries: number;
  distinct: number;
  duplicates: number;
  inflight: number;
  inflightMax: number;
  inflightMean: number;
  firstAt: number;
  lastAt: number;
  lastNewAt: number;
  lookups: number;
}

export interface ClusterOptions {
  /** Data folder (wiped): PostgreSQL in `dir/pg`, one log file per process. */
  dir: string;
  workers: number;
  /** Extra environment of every API/worker process (WORKER_CONCURRENCY, QUEUE_EXPIRE_SECONDS, ...). */
  env?: Record<string, string>;
  mockDelayMs?: number;
  /** Another checkout whose build the API and workers run (bench/campaign-ab.ts). */
  root?: string;
  log(msg: string): void;
}

/** An exit nobody asked for: a crash. */
export interface UnexpectedExit {
  name: string;
  at: number;
  how: string;
  logTail: string;
}

/** The running process set; `close()` stops all of it. */
export class Cluster {
  api!: NodeService;
  readonly workers: NodeService[] = [];
  apiKey = '';
  private token = '';
  private readonly expected = new Set<NodeService>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  /** Called after an unexpected exit was recorded (the chaos test restarts the process, as a supervisor would). */
  onUnexpectedExit: ((s: NodeService) => void) | undefined;
  private workerSeq = 0;

  private constructor(
    readonly opts: ClusterOptions,
    readonly pg: PgServer,
    readonly crm: Started,
    private readonly apiPort: number,
    private readonly sharedEnv: Record<string, string>,
  ) {}

  /** Starts PostgreSQL, the mock CRM, the API (signs in, makes an API key) and `workers` workers. */
  static async start(opts: ClusterOptions): Promise<Cluster> {
    const pg = await startPgServer(opts.dir, { log: opts.log });
    let crm: Started | undefined;
    let cluster: Cluster | undefined;
    try {
      crm = await startScript(path.join(__dirname, 'mock-campaign-crm.js'), {
        DELAY_MS: String(opts.mockDelayMs ?? 10),
      });
      const env = {
        DATABASE_URL: pg.url,
        DATA_DIR: path.join(opts.dir, 'app'),
        SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
        JWT_SECRET: crypto.randomBytes(48).toString('base64url'),
        ADMIN_EMAIL: BENCH_ADMIN.email,
        ADMIN_PASSWORD: BENCH_ADMIN.password,
        METRICS_TOKEN: BENCH_METRICS_TOKEN,
        OUTBOUND_ALLOW: '127.0.0.1',
        API_DOCS: 'false',
        LOG_LEVEL: 'info',
        ...opts.env,
      };
      cluster = new Cluster(opts, pg, crm, await freePort(), env);
      await cluster.startApi();
      await cluster.signIn();
      for (let i = 0; i < opts.workers; i++) await cluster.addWorker();
      return cluster;
    } catch (err) {
      if (cluster) await cluster.close();
      else {
        await crm?.stop();
        await pg.close();
      }
      throw err;
    }
  }

  get base(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  /** Starts (or restarts, on the same port) the ROLE=api process. */
  async startApi(): Promise<NodeService> {
    this.api = this.watch(
      await startNodeService(
        'api',
        { ...this.sharedEnv, ROLE: 'api', PORT: String(this.apiPort) },
        path.join(this.opts.dir, 'api.log'),
        undefined,
        this.opts.root,
      ),
    );
    return this.api;
  }

  /** Starts one more ROLE=worker process. */
  async addWorker(): Promise<NodeService> {
    const name = `worker-${++this.workerSeq}`;
    const w = this.watch(
      await startNodeService(
        name,
        { ...this.sharedEnv, ROLE: 'worker' },
        path.join(this.opts.dir, `${name}.log`),
        undefined,
        this.opts.root,
      ),
    );
    this.workers.push(w);
    return w;
  }

  /** Starts the worker at `index` again (same name and log file). */
  async restartWorker(index: number): Promise<NodeService> {
    const old = this.workers[index]!;
    const w = this.watch(await startNodeService(old.name, { ...this.sharedEnv, ROLE: 'worker' }, old.logFile));
    this.workers[index] = w;
    return w;
  }

  /** Sends `signal` to a service, as an expected exit (not reported as a crash); resolves once it is gone. */
  async kill(s: NodeService, signal: NodeJS.Signals): Promise<void> {
    this.expected.add(s);
    s.child.kill(signal);
    await s.exited;
  }

  private watch(s: NodeService): NodeService {
    void s.exited.then(() => {
      if (this.expected.has(s)) return;
      const tail = fs.readFileSync(s.logFile, 'utf8').split('\n').slice(-15).join('\n');
      this.unexpectedExits.push({
        name: s.name,
        at: Date.now(),
        how: String(s.child.exitCode ?? s.child.signalCode),
        logTail: tail,
      });
      this.opts.log(`UNEXPECTED: ${s.name} exited (${s.child.exitCode ?? s.child.signalCode})`);
      this.onUnexpectedExit?.(s);
    });
    return s;
  }

  private async signIn(): Promise<void> {
    const login = await this.request<{ accessToken: string }>('POST', '/api/v1/auth/login', BENCH_ADMIN, false);
    this.token = login.accessToken;
    this.apiKey = (
      await this.request<{ key: string }>('POST', '/api/v1/api-keys', { name: 'campaign', scopes: ['triggers.invoke'] })
    ).key;
  }

  /** JSON request to the API as the admin; throws on a non-2xx answer. */
  async request<T>(method: string, url: string, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(auth ? { authorization: `Bearer ${this.token}` } : {}),
    };
    const res = await fetch(`${this.base}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates and publishes a flow; returns its key. */
  async publish(key: string, definition: unknown): Promise<string> {
    const flow = await this.request<{ id: string; key: string }>('POST', '/api/v1/flows', {
      name: key,
      key,
      definition,
    });
    await this.request('POST', `/api/v1/flows/${flow.id}/publish`, { note: 'bench' });
    return flow.key;
  }

  async crmStats(): Promise<MockStats> {
    return (await fetch(`${this.crm.base}/stats`)).json() as Promise<MockStats>;
  }

  async crmReset(): Promise<void> {
    await fetch(`${this.crm.base}/reset`, { method: 'POST' });
  }

  /** Stops every process: workers and API first (they flush), then the mock and PostgreSQL. */
  async close(): Promise<void> {
    const services = [...this.workers, this.api].filter(Boolean);
    for (const s of services) this.expected.add(s);
    await Promise.all(services.map((s) => s.stop()));
    await this.crm.stop();
    await this.pg.close();
  }
}
