#!/usr/bin/env node
// `npm run bench`: runs every benchmark and writes the figures to bench/README.md.
//   BENCH_SECONDS      length of each engine measurement (default 5)
//   BENCH_IVR_SECONDS  measured seconds per IVR server and concurrency (default 18), after a 2 s warm-up
//   BENCH_IVR_ROUNDS   interleaved rounds they are split into (default 9: on a shared host single rounds swing by ±15
// %)
//   BENCH_EVENTS       events posted per row of the events section (default 10000, batches of 1000; also 500)
//   BENCH_EVENTS_ROUNDS interleaved rounds of its acceptance table (default 3)
//   BENCH_EVENTS_AB=<another checkout, built>: its build beside this one in the events acceptance table
//                      (bench/events-accept.ts)
//   BENCH_SECTIONS     which sections to run, comma-separated (default engine,ivr,events,campaign,progress,editor;
//                      first-minute, a fresh clone's npm install + npm start timed, only when named)
//   BENCH_CAMPAIGN_EVENTS (default 30000), BENCH_CAMPAIGN_IVR_SECONDS (60), BENCH_CAMPAIGN_IVR_QUIET_SECONDS
//   (15), BENCH_CAMPAIGN_IVR_CONNECTIONS (200), BENCH_CAMPAIGN_IVR_RATE (paced IVR calls/s, 1000),
//   BENCH_CAMPAIGN_LIMIT, BENCH_CAMPAIGN_MOCK_DELAY_MS: the
//   campaign section (bench/campaign.bench.ts); use e.g. BENCH_CAMPAIGN_EVENTS=5000 while developing
//   BENCH_CAMPAIGN_AB=<another checkout, built>: also that build against this one's (built too) in the same run,
//   interleaved (bench/campaign-ab.ts; BENCH_CAMPAIGN_AB_EVENTS per row, default 20000, BENCH_CAMPAIGN_AB_ROUNDS,
//   default 3)
//   BENCH_PROGRESS_EXECUTIONS (default 1000000), BENCH_PROGRESS_ROUNDS (11), BENCH_PROGRESS_RUNS (5000): the
//   progress section (bench/progress.bench.ts: one refresh, the counters per run), BENCH_PROGRESS_LIVE_EVENTS
//   (default 100000, 0: none: a campaign delivered by two workers while its stream is followed); e.g.
//   BENCH_SECTIONS=progress BENCH_PROGRESS_EXECUTIONS=100000 BENCH_PROGRESS_ROUNDS=3 while developing
//   BENCH_PARTITIONS_EXECUTIONS (default 1000000), BENCH_PARTITIONS_ROUNDS (5): the partitions section
//                      (bench/partitions.bench.ts: executions flat vs partitioned by time), only when named
//   BENCH_CPU_PROF=<dir> a V8 CPU profile (.cpuprofile) of every API and worker process it starts, written
//                      there as each exits (open in Chrome DevTools or VS Code)
//   BENCH_SHORT=1      a short run for development (each knob above that is unset gets a small value: SHORT below);
//                      its figures are noisier and go to bench/README.md like any other, so do not commit them
// Everything runs on 127.0.0.1; the processes it starts (the API with its embedded PostgreSQL in
// .data/bench, the mock CRM, the raw baseline; for the campaign section PostgreSQL in
// .data/bench-campaign, an API and two worker processes) are stopped before it exits.
// Durations: engine + ivr + events + editor about 6 minutes; campaign about 5 minutes at its default
// 30,000 events per run (five runs and 75 s of IVR load); progress about 4: the whole run should stay
// within 20 minutes on this machine (issue 20; summed from the sections' own times, not timed as a
// whole). BENCH_CAMPAIGN_EVENTS=100000 measures bigger campaigns.
// bench/README.md holds one marker-delimited block per section: a run of some sections replaces
// only their blocks (each then says when it was measured) and keeps the others.
require('@swc-node/register');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The knobs of a short run (BENCH_SHORT=1), each used only when unset. */
const SHORT = {
  BENCH_SECONDS: '1',
  BENCH_IVR_SECONDS: '6',
  BENCH_IVR_ROUNDS: '3',
  BENCH_EVENTS: '2000',
  BENCH_EVENTS_ROUNDS: '1',
  BENCH_CAMPAIGN_EVENTS: '10000',
  BENCH_CAMPAIGN_IVR_SECONDS: '10',
  BENCH_CAMPAIGN_IVR_QUIET_SECONDS: '5',
  BENCH_PROGRESS_EXECUTIONS: '100000',
  BENCH_PROGRESS_ROUNDS: '3',
  BENCH_PROGRESS_LIVE_EVENTS: '10000',
};

async function main() {
  if (process.env.BENCH_SHORT === '1')
    for (const [k, v] of Object.entries(SHORT)) if (!process.env[k]) process.env[k] = v;
  const seconds = Number(process.env.BENCH_SECONDS || 5);
  const ivrSeconds = Number(process.env.BENCH_IVR_SECONDS || 18);
  const events = Number(process.env.BENCH_EVENTS || 10000);
  const wanted = new Set((process.env.BENCH_SECTIONS || DEFAULT_SECTIONS.join(',')).split(',').map((s) => s.trim()));
  // An A/B on a stale build would run this side from its sources through SWC against the other's
  // build: two runtimes, not two versions of the code (one such A/B read -25 % from that alone).
  if (
    wanted.has('campaign') &&
    process.env.BENCH_CAMPAIGN_AB &&
    !require('../apps/api/test/support/build-fresh').buildFresh()
  )
    throw new Error(
      'BENCH_CAMPAIGN_AB compares two builds: run `npm run build` here first (sources newer than the build)',
    );
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  /** Section name → its markdown. */
  const sections = new Map();
  const log = (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

  if (wanted.has('engine')) {
    log('engine');
    const { benchEngine } = require('./engine.bench.ts');
    sections.set('engine', await benchEngine({ durationMs: seconds * 1000, concurrency: [1, 10, 50] }));
  }

  if (['ivr', 'events', 'campaign', 'progress'].some((n) => wanted.has(n))) buildApi(log);

  if (wanted.has('ivr') || wanted.has('events')) {
    const { startApiContext } = require('./api-context.ts');
    log('starting the API (embedded PostgreSQL in .data/bench) and the mock CRM');
    let ctx;
    try {
      ctx = await startApiContext();
    } catch (err) {
      for (const name of ['ivr', 'events'].filter((n) => wanted.has(n)))
        sections.set(
          name,
          `## ${name === 'ivr' ? 'IVR end to end' : 'Events end to end'}\n\n` +
            `Not run: the API did not start (${String(err && err.message).split('\n')[0]}).`,
        );
    }
    if (ctx) {
      try {
        if (wanted.has('ivr')) {
          log('ivr');
          const { benchIvr } = require('./ivr.bench.ts');
          sections.set(
            'ivr',
            await benchIvr(ctx, {
              durationSec: ivrSeconds,
              warmupSec: 2,
              concurrency: [10, 50],
              rounds: Number(process.env.BENCH_IVR_ROUNDS || 9),
            }).catch((err) => `## IVR end to end\n\nFailed: ${String(err && err.message)}`),
          );
        }
        if (wanted.has('events')) {
          log('events');
          const { benchEvents } = require('./events.bench.ts');
          sections.set(
            'events',
            await benchEvents(ctx, { events, batch: 1000, timeoutSec: 120 }).catch(
              (err) => `## Events end to end\n\nFailed: ${String(err && err.message)}`,
            ),
          );
        }
      } finally {
        log('stopping the API and the mock CRM');
        await ctx.close();
      }
    }
  }

  if (wanted.has('events')) {
    log(`events: acceptance by one API process${process.env.BENCH_EVENTS_AB ? ', before and after' : ''}`);
    const { benchEventsAccept } = require('./events-accept.ts');
    const md = await benchEventsAccept({
      events,
      rounds: Number(process.env.BENCH_EVENTS_ROUNDS || 3),
      baseline: process.env.BENCH_EVENTS_AB || undefined,
      log,
    }).catch((err) => `### Acceptance by one API process\n\nFailed: ${String(err && err.stack)}`);
    sections.set('events', `${sections.get('events') ?? '## Events end to end'}\n\n${md}`);
  }

  if (wanted.has('campaign')) {
    log('campaign (about 5 minutes at the default 30,000 events per run)');
    const { benchCampaign, campaignOptionsFromEnv } = require('./campaign.bench.ts');
    let md = await benchCampaign(campaignOptionsFromEnv(log)).catch(
      (err) => `## Campaign at scale\n\nFailed: ${String(err && err.stack)}`,
    );
    if (process.env.BENCH_CAMPAIGN_AB) {
      log(`campaign: before/after against ${process.env.BENCH_CAMPAIGN_AB}`);
      const { benchCampaignAb } = require('./campaign-ab.ts');
      const o = { ...campaignOptionsFromEnv(log), events: Number(process.env.BENCH_CAMPAIGN_AB_EVENTS || 20000) };
      const rounds = Number(process.env.BENCH_CAMPAIGN_AB_ROUNDS || 3);
      md += `\n\n${await benchCampaignAb(o, process.env.BENCH_CAMPAIGN_AB, rounds).catch(
        (err) => `### Before and after in the same run\n\nFailed: ${String(err && err.stack)}`,
      )}`;
    }
    sections.set('campaign', md);
  }

  if (wanted.has('progress')) {
    log('campaign progress (a few minutes at the default 1,000,000 executions)');
    const { benchProgress, progressOptionsFromEnv } = require('./progress.bench.ts');
    sections.set(
      'progress',
      await benchProgress(progressOptionsFromEnv(log)).catch(
        (err) => `## Campaign progress\n\nFailed: ${String(err && err.stack)}`,
      ),
    );
  }

  if (wanted.has('partitions')) {
    log('executions partitioned by time (a few minutes at the default 1,000,000 executions)');
    const { benchPartitions } = require('./partitions.bench.ts');
    const n = Number(process.env.BENCH_PARTITIONS_EXECUTIONS || 1_000_000);
    const rounds = Number(process.env.BENCH_PARTITIONS_ROUNDS || 5);
    sections.set(
      'partitions',
      await benchPartitions(n, rounds, log).catch(
        (err) => `## Executions partitioned by time\n\nFailed: ${String(err && err.stack)}`,
      ),
    );
  }

  if (wanted.has('editor')) {
    log('editor bundle');
    sections.set('editor', editorBundle());
  }

  if (wanted.has('first-minute')) {
    log('first minute (a fresh clone: npm install, npm start; a few minutes)');
    const { benchFirstMinute } = require('./first-minute.ts');
    sections.set(
      'first-minute',
      await benchFirstMinute(log).catch((err) => `## First minute\n\nFailed: ${String(err && err.message)}`),
    );
  }

  const cpus = os.cpus();
  const seconds_ = Math.round((Date.now() - started) / 1000);
  const machine =
    `Node ${process.version}, ${cpus.length} cores (${cpus[0] ? cpus[0].model.trim() : 'unknown'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const today = new Date().toISOString().slice(0, 10);
  const readme = path.join(__dirname, 'README.md');
  const previous = readBlocks(fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : '');
  const full = FULL_RUN.every((n) => wanted.has(n));
  const header =
    full || !previous.has('header')
      ? [
          '# Benchmarks',
          '',
          `Measured by \`npm run bench\` on ${today}: ${machine}; the whole run took ${seconds_} s.`,
          'Each figure stands beside a baseline measured in the same run: ' +
            'compare ratios, not absolute numbers, across machines.',
          `Everything (load generator, servers, mock CRM, PostgreSQL) shares the same cores; ` +
            `1-minute load average when the run started: ${loadAtStart.toFixed(2)}.`,
          'A section measured by a later run of some sections only says so at its top.',
        ].join('\n')
      : previous.get('header');
  const blocks = [block('header', header)];
  for (const name of SECTIONS) {
    let md = sections.get(name);
    if (md !== undefined && !full) {
      // Measured apart from the header's run: say when, and under what load.
      const [title, ...rest] = md.split('\n');
      md = [
        title,
        '',
        `_Measured on ${today} by \`BENCH_SECTIONS=${[...wanted].join(',')} npm run bench\` (${machine}; ` +
          `that run took ${seconds_} s; 1-minute load average at its start ${loadAtStart.toFixed(2)})._`,
        ...rest,
      ].join('\n');
    }
    md ??= previous.get(name);
    if (md !== undefined) blocks.push(block(name, md));
  }
  const out = `${blocks.join('\n\n')}\n`;
  fs.writeFileSync(readme, out);
  process.stdout.write(out);
}

/** Sections in README order; the header is rewritten only by a run of at least FULL_RUN. */
const SECTIONS = ['engine', 'ivr', 'events', 'campaign', 'progress', 'partitions', 'editor', 'first-minute'];
/**
 * What runs when BENCH_SECTIONS is unset (first-minute installs and builds a whole clone; partitions
 * fills two databases of 1,000,000 executions: named only).
 */
const DEFAULT_SECTIONS = SECTIONS.filter((n) => n !== 'first-minute' && n !== 'partitions');
const FULL_RUN = ['engine', 'ivr', 'events', 'editor'];
/** Titles of the sections written before the blocks had markers (read once, to keep them). */
const LEGACY_TITLES = {
  engine: '## Engine only',
  ivr: '## IVR end to end',
  events: '## Events end to end',
  campaign: '## Campaign',
  editor: '## Editor bundle',
};

function block(name, md) {
  return `<!-- bench:${name} -->\n${md.trim()}\n<!-- /bench:${name} -->`;
}

/** The blocks of an existing README (marker-delimited; an older README is split at its ## titles). */
function readBlocks(text) {
  const blocks = new Map();
  const re = /<!-- bench:([\w-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g;
  for (let m; (m = re.exec(text));) blocks.set(m[1], m[2]);
  if (blocks.size > 0 || !text.trim()) return blocks;
  const parts = text.split(/\n(?=## )/);
  blocks.set('header', parts[0].trim());
  for (const part of parts.slice(1)) {
    const name = Object.keys(LEGACY_TITLES).find((n) => part.startsWith(LEGACY_TITLES[n]));
    if (name) blocks.set(name, part.trim());
  }
  return blocks;
}

/**
 * The API processes run what `npm start` runs (apps/api/dist, built from the current sources):
 * build the libraries and the API first. If that fails they run the sources through
 * @swc-node/register instead (bench/processes.ts apiEntry), and the sections say so.
 */
function buildApi(log) {
  const { execFileSync } = require('node:child_process');
  const root = path.join(__dirname, '..');
  log('building libs/flow, libs/engine and apps/api (npm run build -w ...)');
  try {
    for (const w of ['libs/flow', 'libs/engine', 'apps/api'])
      execFileSync('npm', ['run', 'build', '-w', w], { cwd: root, stdio: 'ignore' });
  } catch (err) {
    log(`the build failed (${String(err && err.message).split('\n')[0]}): the API runs from the sources`);
  }
}

/** The editor's production build, chunk by chunk, gzipped (what a browser downloads). */
function editorBundle() {
  const { execFileSync } = require('node:child_process');
  const root = path.resolve(__dirname, '..');
  try {
    execFileSync('npm', ['run', 'build', '-w', '@callflow/editor'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const table = execFileSync(process.execPath, [path.join(root, 'apps/editor/scripts/bundle-size.mjs')], {
      cwd: root,
      encoding: 'utf8',
    });
    return [
      '## Editor bundle',
      '',
      'Production build (`vite build`), gzip level 9. The main chunk holds React, ' +
        'the router, sign-in, the flows and runs lists; the canvas (React Flow, ' +
        'the flow schema, the template parser, the panels) loads when a flow is opened, ' +
        'the comparison of versions (DiffView) when first opened.',
      '',
      table.trim(),
    ].join('\n');
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
