import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
/** The built API entry point (`npm run build`). */
export const DIST_MAIN = path.join(ROOT, 'apps/api/dist/main.js');

/** Newest modification time of the .ts sources under `dir` (0 when absent). */
function newestTs(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** A build of the API and its libs exists, not older than their sources (`npm run build` after the last edit). */
export function buildFresh(): boolean {
  const libs = ['libs/flow/dist/index.js', 'libs/engine/dist/index.js'].every((f) => fs.existsSync(path.join(ROOT, f)));
  return (
    libs &&
    fs.existsSync(DIST_MAIN) &&
    fs.statSync(DIST_MAIN).mtimeMs >=
      Math.max(...['apps/api/src', 'libs/flow/src', 'libs/engine/src'].map((d) => newestTs(path.join(ROOT, d))))
  );
}
