#!/usr/bin/env node
/**
 * Writes the module graphs of docs/architecture.md from the code (dependency-cruiser's view of the
 * imports), so the map cannot drift: `npm run docs:architecture` rewrites them, `--check` (part of
 * `npm run lint`) fails when the committed map is not what the code says.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const doc = path.join(root, 'docs/architecture.md');
const check = process.argv.includes('--check');
const require = createRequire(import.meta.url);
const API_LAYERS = require(path.join(root, 'apps/api/layers.cjs'));

const cruise = JSON.parse(
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'apps/api/src',
      'apps/editor/src',
      'libs/flow/src',
      'libs/engine/src',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'json',
      '--no-progress',
    ],
    { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  ),
);

/** The box a source file is drawn in, or undefined for files outside the map (tests, node_modules). */
function boxOf(file) {
  if (/\.(spec|e2e-spec)\.tsx?$/.test(file)) return undefined;
  let m = /^libs\/([^/]+)\/src\//.exec(file);
  if (m) return `@callflow/${m[1]}`;
  m = /^apps\/api\/src\/(?:(platform)\/)?([^/]+)\//.exec(file);
  if (m) return m[1] ? 'platform' : m[2];
  if (/^apps\/api\/src\/[^/]+\.ts$/.test(file)) return 'app';
  m = /^apps\/editor\/src\/([^/]+)\//.exec(file);
  if (m) return `editor/${m[1]}`;
  if (/^apps\/editor\/src\/[^/]+\.tsx?$/.test(file)) return 'editor/app';
  return undefined;
}

const files = new Map();
const edges = new Map();
for (const mod of cruise.modules) {
  const from = boxOf(mod.source);
  if (!from) continue;
  files.set(from, (files.get(from) ?? 0) + 1);
  for (const dep of mod.dependencies) {
    const to = boxOf(dep.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}

const id = (box) => box.replace(/[^A-Za-z0-9]/g, '_');
/** The API layer a box belongs to ('' outside the API); layers are drawn as groups, lowest first. */
function layerOf(box) {
  if (box.startsWith('editor/') || box.startsWith('@callflow/')) return '';
  const folder = box === 'app' ? undefined : box.split('/')[0];
  const names = Object.keys(API_LAYERS);
  const at = folder === undefined ? names.length - 1 : names.findIndex((l) => API_LAYERS[l].includes(folder));
  return at < 0 ? '' : `${at + 1}. ${names[at]}`;
}

/** A mermaid graph of the boxes `pick` keeps, grouped by layer where the rules define layers. */
function graph(pick) {
  const boxes = [...files.keys()].filter(pick).sort();
  const out = ['```mermaid', 'flowchart BT'];
  const grouped = new Map();
  for (const b of boxes) {
    const layer = layerOf(b) ?? '';
    if (!grouped.has(layer)) grouped.set(layer, []);
    grouped.get(layer).push(b);
  }
  for (const [layer, members] of [...grouped].sort(([a], [b]) => a.localeCompare(b))) {
    if (layer) out.push(`  subgraph ${id(layer)}["${layer}"]`);
    for (const b of members) out.push(`${layer ? '    ' : '  '}${id(b)}["${b}"]`);
    if (layer) out.push('  end');
  }
  for (const from of boxes) {
    for (const to of [...(edges.get(from) ?? [])].sort()) {
      if (boxes.includes(to)) out.push(`  ${id(from)} --> ${id(to)}`);
    }
  }
  out.push('```');
  return out.join('\n');
}

/** Which boxes each box imports, as a table (the graph's edges, readable without a renderer). */
function table(pick) {
  const rows = ['| module | imports |', '|---|---|'];
  for (const b of [...files.keys()].filter(pick).sort()) {
    const to = [...(edges.get(b) ?? [])].sort().map((t) => `\`${t}\``);
    rows.push(`| \`${b}\` | ${to.join(', ') || '–'} |`);
  }
  return rows.join('\n');
}

const isApi = (b) => !b.startsWith('editor/') && !b.startsWith('@callflow/');
// A folder of apps/api/src outside every layer escapes the dependency rules when it imports nothing.
const unplaced = [...files.keys()].filter((b) => isApi(b) && !layerOf(b));
if (unplaced.length > 0) {
  console.error(`apps/api/src folders in no layer: ${unplaced.join(', ')}; add each to apps/api/layers.cjs`);
  process.exit(1);
}
const sections = {
  api: `${graph((b) => isApi(b))}\n\n${table(isApi)}`,
  libs: graph((b) => b.startsWith('@callflow/')),
  editor: `${graph((b) => b.startsWith('editor/'))}\n\n${table((b) => b.startsWith('editor/'))}`,
};

const before = readFileSync(doc, 'utf8');
let after = before;
for (const [name, body] of Object.entries(sections)) {
  const re = new RegExp(`(<!-- map:${name} -->\\n)[\\s\\S]*?(<!-- /map:${name} -->)`);
  if (!re.test(after)) throw new Error(`docs/architecture.md lacks the <!-- map:${name} --> markers`);
  after = after.replace(re, `$1${body}\n$2`);
}
if (check) {
  if (after !== before) {
    const was = before.split('\n');
    const now = after.split('\n');
    const at = now.findIndex((line, i) => line !== was[i]);
    console.error(`docs/architecture.md line ${at + 1} is "${was[at] ?? ''}", the code says "${now[at] ?? ''}"`);
    console.error('docs/architecture.md is not what the code says: run npm run docs:architecture and commit it');
    process.exit(1);
  }
  console.log('docs/architecture.md matches the code');
} else {
  writeFileSync(doc, after);
  console.log('docs/architecture.md: module maps written');
}
