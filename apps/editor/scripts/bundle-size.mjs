/**
 * Prints the gzipped size of each built chunk (run after `vite build`): the main chunk is the
 * one index.html loads; the others load on first use. `node apps/editor/scripts/bundle-size.mjs [--json]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const main = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
const preloaded = new Set(
  [...html.matchAll(/rel="(?:modulepreload|stylesheet)"[^>]+href="\/assets\/([^"]+)"/g)].map((m) => m[1]),
);
const rows = fs
  .readdirSync(path.join(dist, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => {
    const buf = fs.readFileSync(path.join(dist, 'assets', f));
    return {
      file: f,
      bytes: buf.length,
      gzip: zlib.gzipSync(buf, { level: 9 }).length,
      initial: f === main || preloaded.has(f),
    };
  })
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ main, rows }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log('| chunk | loaded | size | gzipped |\n|---|---|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.file}${r.file === main ? ' (main)' : ''} | ` +
        `${r.initial ? 'at start' : 'on demand'} | ${kb(r.bytes)} | ${kb(r.gzip)} |`,
    );
  const initial = rows.filter((r) => r.initial).reduce((a, r) => a + r.gzip, 0);
  const total = rows.reduce((a, r) => a + r.gzip, 0);
  console.log(`\nLoaded at start: ${kb(initial)} gzipped; everything: ${kb(total)} gzipped.`);
}
