#!/usr/bin/env node
// `npm run bench`: runs every benchmark and writes the figures to bench/README.md.
//   BENCH_SECONDS      length of each engine measurement (default 5)
//   BENCH_IVR_SECONDS  length of each IVR measurement (default 10), after a 2 s warm-up
//   BENCH_EVENTS       events posted in the events section (default 10000, batches of 500)
//   BENCH_SECTIONS     which sections to run, comma-separated (default engine,ivr,events,editor)
// Everything runs on 127.0.0.1; the processes it starts (the API with its embedded PostgreSQL in
// .data/bench, the mock CRM, the raw baseline) are stopped before it exits. About 2 minutes.
require('@swc-node/register');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS || 5);
  const ivrSeconds = Number(process.env.BENCH_IVR_SECONDS || 10);
  const events = Number(process.env.BENCH_EVENTS || 10000);
  const wanted = new Set((process.env.BENCH_SECTIONS || 'engine,ivr,events,editor').split(',').map((s) => s.trim()));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const sections = [];
  const log = (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

  if (wanted.has('engine')) {
    log('engine');
    const { benchEngine } = require('./engine.bench.ts');
    sections.push(await benchEngine({ durationMs: seconds * 1000, concurrency: [1, 10, 50] }));
  }

  if (wanted.has('ivr') || wanted.has('events')) {
    const { startApiContext } = require('./api-context.ts');
    log('starting the API (embedded PostgreSQL in .data/bench) and the mock CRM');
    let ctx;
    try {
      ctx = await startApiContext();
    } catch (err) {
      sections.push(`## IVR and events\n\nNot run: the API did not start (${String(err && err.message).split('\n')[0]}).`);
    }
    if (ctx) {
      try {
        if (wanted.has('ivr')) {
          log('ivr');
          const { benchIvr } = require('./ivr.bench.ts');
          sections.push(await benchIvr(ctx, { durationSec: ivrSeconds, warmupSec: 2, concurrency: [10, 50] }).catch((err) => `## IVR end to end\n\nFailed: ${String(err && err.message)}`));
        }
        if (wanted.has('events')) {
          log('events');
          const { benchEvents } = require('./events.bench.ts');
          sections.push(await benchEvents(ctx, { events, batch: 500, timeoutSec: 120 }).catch((err) => `## Events end to end\n\nFailed: ${String(err && err.message)}`));
        }
      } finally {
        log('stopping the API and the mock CRM');
        await ctx.close();
      }
    }
  }

  if (wanted.has('editor')) {
    log('editor bundle');
    sections.push(editorBundle());
  }

  const cpus = os.cpus();
  const header = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus.length} cores (${cpus[0] ? cpus[0].model.trim() : 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; the whole run took ${Math.round((Date.now() - started) / 1000)} s.`,
    'Each figure stands beside a baseline measured in the same run: compare ratios, not absolute numbers, across machines.',
    `Everything (load generator, servers, mock CRM, PostgreSQL) shares the same cores; 1-minute load average when the run started: ${loadAtStart.toFixed(2)}.`,
    '',
  ];
  const out = header.concat(sections.join('\n\n'), '').join('\n');
  fs.writeFileSync(path.join(__dirname, 'README.md'), out);
  process.stdout.write(out);
}

/** The editor's production build, chunk by chunk, gzipped (what a browser downloads). */
function editorBundle() {
  const { execFileSync } = require('node:child_process');
  const root = path.resolve(__dirname, '..');
  try {
    execFileSync('npm', ['run', 'build', '-w', '@callflow/editor'], { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    const table = execFileSync(process.execPath, [path.join(root, 'apps/editor/scripts/bundle-size.mjs')], { cwd: root, encoding: 'utf8' });
    return ['## Editor bundle', '', 'Production build (`vite build`), gzip level 9. The main chunk holds React, the router, sign-in, the flows and runs lists; the canvas (React Flow, the flow schema, the template parser, the panels) loads when a flow is opened.', '', table.trim()].join('\n');
  } catch (err) {
    return `## Editor bundle\n\nNot measured: ${String(err && err.message).split('\n')[0]}`;
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
