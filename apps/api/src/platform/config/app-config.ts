import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { z } from 'zod';
import { passwordProblem } from '../passwords/password-policy';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Every environment variable the service reads, validated once at boot. Units are in the names
 * or the descriptions; the README's configuration table mirrors this schema.
 */
const envSchema = z
  .object({
    /** HTTP port. */
    PORT: int(0, 65535).default(3000),
    /** Address to listen on (loopback by default; 0.0.0.0 in containers). */
    HOST: z.string().min(1).default('127.0.0.1'),
    /** all = API and workers; api = HTTP only; worker = queue workers only. */
    ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    /** Processes this start runs (node:cluster), each with ROLE, sharing PORT; 1 = this process alone. */
    PROCESSES: int(1, 64).default(1),
    /** postgres://… ; when unset an embedded PostgreSQL runs in DATA_DIR. */
    DATABASE_URL: z.string().url().optional(),
    /** Folder for the embedded database and generated secrets. */
    DATA_DIR: z.string().min(1).default('.data'),
    /** Port of the embedded PostgreSQL. */
    EMBEDDED_PG_PORT: int(1, 65535).default(54320),
    ADMIN_EMAIL: z.string().email().default('admin@example.com'),
    /** First admin's password (the password policy applies); generated and printed once when unset. */
    ADMIN_PASSWORD: z
      .string()
      .superRefine((v, ctx) => {
        const problem = passwordProblem(v);
        if (problem)
          ctx.addIssue({ code: 'custom', message: `the password ${problem}; unset it to have one generated` });
      })
      .optional(),
    /** 32 bytes, base64 or hex: encrypts connection secrets; generated into DATA_DIR when unset. */
    SECRETS_KEY: z.string().optional(),
    /** Signs access tokens; generated into DATA_DIR when unset. */
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Access token lifetime, seconds. */
    JWT_TTL_SECONDS: int(60, 86_400).default(900),
    /** Comma-separated hosts and CIDRs that flows may call although private or loopback. */
    OUTBOUND_ALLOW: z.string().default(''),
    /** Largest request body accepted, bytes (413 past it). */
    BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    /**
     * Largest webhook body (`/hooks/…`), bytes: a PBX pushing a call history in one request
     * (26,000 calls ≈ 3 MB).
     */
    WEBHOOK_BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(8 * 1024 * 1024),
    /** Executions older than this many days are deleted in the background. */
    EXECUTIONS_RETENTION_DAYS: int(1, 3650).default(14),
    /** Total time an event-triggered run may take, ms. */
    RUN_DEADLINE_MS: int(100, 600_000).default(60_000),
    /** Queue workers per process, and jobs fetched per poll. */
    WORKER_CONCURRENCY: int(1, 1000).default(50),
    /**
     * CPU priority (nice, 0-19) a ROLE=worker process lowers itself to: on a machine it shares with
     * API processes, IVR callers waiting on the line go before campaign deliveries. 0 leaves it as is.
     */
    WORKER_NICE: int(0, 19).default(10),
    /** How often idle workers poll the queue, seconds (pg-boss minimum 0.5). */
    QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(0.5),
    /**
     * Retries of an event run after its first try fails on an infrastructure error (pg-boss
     * retryLimit), and the base backoff between them, seconds (doubled each retry).
     */
    EVENT_RETRY_LIMIT: int(0, 20).default(3),
    EVENT_RETRY_DELAY_SECONDS: int(0, 3600).default(2),
    /**
     * A queued run whose worker died is handed to another worker this many seconds after it started.
     * Default ceil(RUN_DEADLINE_MS / 1000) + 30; must exceed the run deadline, or live runs are repeated.
     */
    QUEUE_EXPIRE_SECONDS: int(1, 86_400).optional(),
    /**
     * Lease of a worker process, seconds: it refreshes its lease every third of this; the jobs of a
     * process whose lease is older (it died) are handed to other workers at their next fetch.
     */
    QUEUE_LEASE_SECONDS: int(3, 3600).default(10),
    /** Pino level. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Serve the built editor from this folder (default apps/editor/dist when present). */
    EDITOR_DIR: z.string().optional(),
    /** Enables Swagger UI at /api/docs. */
    API_DOCS: bool.default(true),
    /**
     * Proxies whose X-Forwarded-For is believed (the client address of sign-in throttling and logs):
     * a hop count, or comma-separated addresses, CIDRs and loopback|linklocal|uniquelocal. Unset: none.
     */
    TRUST_PROXY: z
      .string()
      .refine(
        (v) => parseTrustProxy(v) !== null,
        'must be a hop count (1-10) or comma-separated addresses, CIDRs, loopback, linklocal or uniquelocal',
      )
      .optional(),
    /** Bearer token GET /metrics requires; unset: /metrics answers 404 (it names every tenant's flows). */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine((c, ctx) => {
    // The rules that need the email (the others are checked on the variable itself, so they are
    // reported along with any other bad variable).
    const pw = c.ADMIN_PASSWORD;
    const problem = pw === undefined || passwordProblem(pw) ? undefined : passwordProblem(pw, c.ADMIN_EMAIL);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PASSWORD'],
        message: `the password ${problem}; unset it to have one generated`,
      });
    }
  });

/** TRUST_PROXY as Express takes it (`trust proxy`): a hop count or a list; null when malformed. */
export function parseTrustProxy(value: string): number | string[] | null {
  if (/^\d+$/.test(value)) return Number(value) >= 1 && Number(value) <= 10 ? Number(value) : null;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = (item: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
    const [address, bits, extra] = item.split('/');
    const family = net.isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  return items.length > 0 && items.every(valid) ? items : null;
}

export type AppConfig = Omit<z.output<typeof envSchema>, 'SECRETS_KEY' | 'JWT_SECRET'> & {
  secretsKey: Buffer;
  jwtSecret: string;
  outboundAllow: string[];
  /** Express's `trust proxy`: false (trust no X-Forwarded-For), a hop count or addresses (TRUST_PROXY). */
  trustProxy: false | number | string[];
};

/** Thrown when the environment is invalid; the message names each bad variable. */
export class ConfigError extends Error {}

/**
 * Reads and validates the environment (once, at boot). Generates missing secrets into DATA_DIR.
 * An empty variable counts as unset (`FOO=` in an env file, `${FOO:-}` in docker-compose).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  const secretsKey = c.SECRETS_KEY
    ? decodeKey(c.SECRETS_KEY)
    : Buffer.from(
        persistedSecret(dataDir, 'secrets.key', () => crypto.randomBytes(32).toString('base64')),
        'base64',
      );
  const jwtSecret =
    c.JWT_SECRET ?? persistedSecret(dataDir, 'jwt.secret', () => crypto.randomBytes(48).toString('base64url'));
  const { SECRETS_KEY: _s, JWT_SECRET: _j, ...rest } = c;
  return {
    ...rest,
    DATA_DIR: dataDir,
    secretsKey,
    jwtSecret,
    outboundAllow: c.OUTBOUND_ALLOW.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: c.TRUST_PROXY === undefined ? false : parseTrustProxy(c.TRUST_PROXY)!,
  };
}

function decodeKey(value: string): Buffer {
  const buf = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (buf.length !== 32)
    throw new ConfigError('invalid configuration:\n  SECRETS_KEY: must be 32 bytes, as 64 hex characters or base64');
  return buf;
}

/** A secret kept in DATA_DIR so restarts keep working with the same value. */
function persistedSecret(dataDir: string, file: string, make: () => string): string {
  const p = path.join(dataDir, file);
  if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const value = make();
  fs.writeFileSync(p, value, { mode: 0o600 });
  return value;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
