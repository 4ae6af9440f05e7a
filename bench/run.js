#!/usr/bin/env node
// `npm run bench`: runs every benchmark and writes the figures to bench/README.md.
// BENCH_SECONDS (default 5) sets each measurement's length.
require('@swc-node/register');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS || 5);
  const sections = [];
  const { benchEngine } = require('./engine.bench.ts');
  sections.push(await benchEngine({ durationMs: seconds * 1000, concurrency: [1, 10, 50] }));
  const header = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
    'Each figure stands beside a baseline measured in the same run: compare ratios, not absolute numbers, across machines.',
    '',
  ];
  const out = header.concat(sections.join('\n\n'), '').join('\n');
  fs.writeFileSync(path.join(__dirname, 'README.md'), out);
  process.stdout.write(out);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
