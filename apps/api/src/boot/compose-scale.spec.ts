/**
 * docker-compose.scale.yml and deploy/nginx.conf, checked without a Docker engine: the services,
 * each replica's environment as compose would interpolate it, validated by the API's own config
 * loader, and the load balancer's limits against the API's. `docker compose config` runs too when
 * the Docker client has the compose plugin (it needs no engine).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../platform/config/app-config';

const ROOT = path.resolve(__dirname, '../../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.scale.yml');
const NGINX_FILE = path.join(ROOT, 'deploy/nginx.conf');

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { disable?: boolean };
}

const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const nginx = fs.readFileSync(NGINX_FILE, 'utf8');

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?error}` (unset and empty alike). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

const environmentOf = (service: string, env: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(compose.services[service]!.environment!).map(([k, v]) => [k, interpolate(String(v), env)]),
  );

const SECRETS = {
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  JWT_SECRET: 'a-jwt-secret-of-more-than-thirty-two-characters',
  POSTGRES_PASSWORD: '0f3a9c',
};

/** An nginx size (`1m`, `8m`, `512k`) in bytes. */
function nginxBytes(size: string): number {
  const m = /^(\d+)([km]?)$/i.exec(size);
  if (!m) throw new Error(`not an nginx size: ${size}`);
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 }[m[2]!.toLowerCase()] ?? NaN);
}

/** The body of the nginx block that starts with `head` (e.g. `location /api/v1/hooks/`). */
function block(head: string): string {
  const start = nginx.indexOf(`${head} {`);
  if (start < 0) throw new Error(`no "${head}" block in deploy/nginx.conf`);
  let depth = 0;
  for (let i = nginx.indexOf('{', start); i < nginx.length; i++) {
    if (nginx[i] === '{') depth++;
    else if (nginx[i] === '}' && --depth === 0) return nginx.slice(nginx.indexOf('{', start) + 1, i);
  }
  throw new Error(`unclosed "${head}" block`);
}

describe('docker-compose.scale.yml (several API and worker replicas behind nginx)', () => {
  it('runs PostgreSQL, ROLE=api and ROLE=worker replicas of one image, and nginx in front', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'db', 'lb', 'worker']);
    const { api, worker, lb, db } = compose.services as Record<string, Service>;
    expect(db!.image).toMatch(/^postgres:/);
    expect([api!.image, worker!.image]).toEqual(['callflow:latest', 'callflow:latest']);
    expect(api!.environment!.ROLE).toBe('api');
    expect(worker!.environment!.ROLE).toBe('worker');
    expect(api!.deploy?.replicas).toBeGreaterThan(1);
    expect(worker!.deploy?.replicas).toBeGreaterThan(1);
    // Only nginx is reachable from outside; the workers have no HTTP health to check.
    expect(api!.ports).toBeUndefined();
    expect(worker!.ports).toBeUndefined();
    expect(worker!.healthcheck?.disable).toBe(true);
    expect(lb!.image).toMatch(/^nginx:/);
    expect(lb!.ports).toEqual(['${LB_PORT:-3000}:80']);
    expect(lb!.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(api!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(worker!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
  });

  it('mounts the committed nginx config as the whole nginx.conf', () => {
    const mount = compose.services.lb!.volumes!.find((v) => v.endsWith(':/etc/nginx/nginx.conf:ro'));
    expect(mount).toBe('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(fs.existsSync(path.resolve(ROOT, mount!.split(':')[0]!))).toBe(true);
  });

  it('refuses to start without SECRETS_KEY, JWT_SECRET (one per replica would differ) or POSTGRES_PASSWORD', () => {
    const { POSTGRES_PASSWORD } = SECRETS;
    for (const service of ['api', 'worker']) {
      expect(() => environmentOf(service, { POSTGRES_PASSWORD })).toThrow(/SECRETS_KEY|JWT_SECRET/);
      expect(() => environmentOf(service, { POSTGRES_PASSWORD, SECRETS_KEY: SECRETS.SECRETS_KEY })).toThrow(
        /JWT_SECRET/,
      );
      expect(() => environmentOf(service, { POSTGRES_PASSWORD, JWT_SECRET: SECRETS.JWT_SECRET })).toThrow(
        /SECRETS_KEY/,
      );
      // No default database password: one reachable from other machines would be guessable.
      expect(() =>
        environmentOf(service, { SECRETS_KEY: SECRETS.SECRETS_KEY, JWT_SECRET: SECRETS.JWT_SECRET }),
      ).toThrow(/POSTGRES_PASSWORD/);
    }
    expect(() => environmentOf('db', {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('gives every replica a valid configuration with the same secrets and the one database', () => {
    const api = loadConfig(environmentOf('api', SECRETS));
    const worker = loadConfig(environmentOf('worker', SECRETS));
    expect(api.ROLE).toBe('api');
    expect(worker.ROLE).toBe('worker');
    expect(api.DATABASE_URL).toBe('postgres://callflow:0f3a9c@db:5432/callflow');
    expect(worker.DATABASE_URL).toBe(api.DATABASE_URL);
    expect(api.secretsKey.equals(worker.secretsKey)).toBe(true);
    expect(api.jwtSecret).toBe(worker.jwtSecret);
    expect(api.HOST).toBe('0.0.0.0');
    // nginx appends the client's address: one trusted hop.
    expect(api.trustProxy).toBe(1);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(loadConfig(environmentOf('api', { ...SECRETS, API_PROCESSES: '4' })).PROCESSES).toBe(4);
  });

  it("nginx: the replicas' port, their body limits, keep-alive shorter than Node's, streams unbuffered", () => {
    const api = loadConfig(environmentOf('api', SECRETS));
    const upstream = block('upstream callflow_api');
    expect(upstream).toMatch(/^\s*least_conn;/m);
    expect(upstream).toContain(`server api:${api.PORT} `);
    expect(block('server')).toMatch(/^\s*listen 80;/m);
    const maxBody = (text: string) => nginxBytes(/client_max_body_size (\S+);/.exec(text)![1]!);
    expect(maxBody(nginx)).toBe(api.BODY_LIMIT_BYTES);
    expect(maxBody(block('location /api/v1/hooks/'))).toBe(api.WEBHOOK_BODY_LIMIT_BYTES);
    // A kept connection must be dropped by nginx before Node closes it (a POST on it would fail).
    const keepSeconds = Number(/keepalive_timeout (\d+)s;/.exec(upstream)![1]);
    expect(keepSeconds * 1000).toBeLessThan(http.createServer().keepAliveTimeout);
    expect(block('server')).toMatch(/proxy_set_header Connection "";/);
    for (const stream of ['location /api/v1/campaigns', 'location = /api/v1/flows/test-run/stream'])
      expect(block(stream)).toMatch(/proxy_buffering off;/);
    // A POST already sent is not repeated on another replica (non_idempotent stays off).
    expect(nginx).not.toMatch(/non_idempotent/);
  });

  const hasCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
  (hasCompose ? it : it.skip)('docker compose config accepts the file (the Docker client has compose)', () => {
    const r = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...SECRETS },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
