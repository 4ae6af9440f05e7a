/**
 * The campaign screen's feed while a campaign is delivered (part of `BENCH_SECTIONS=progress`):
 * N campaign.contact events posted to a deployment (PostgreSQL, one ROLE=api process, two worker
 * processes, the mock CRM: bench/campaign-cluster.ts) while the bench follows
 * `GET /campaigns/:id` as server-sent events, as the editor does. Reports the updates it got, how
 * soon after the last delivery the feed said so, how right its estimated end was, and whether the
 * counters equal COUNT(*) at the end.
 */
import path from 'node:path';
import type { CampaignDetail } from '@callflow/flow';
import { BENCH_ADMIN } from './api-context';
import { Cluster, campaignBatches, campaignFlow, sql } from './campaign-cluster';
import { postBatches } from './campaign-lib';
import { fmt } from './lib';
import { ROOT } from './processes';

const CAMPAIGN = 'live';

interface Seen {
  at: number;
  doc: CampaignDetail;
}

/** Follows the campaign's stream (reopening it when the server ends it) until `stop` aborts. */
async function follow(base: string, token: string, seen: Seen[], stop: AbortSignal): Promise<number> {
  let opened = 0;
  while (!stop.aborted) {
    try {
      const res = await fetch(`${base}/api/v1/campaigns/${CAMPAIGN}`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        signal: stop,
      });
      opened++;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, cut)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buffer = buffer.slice(cut + 2);
          if (data) seen.push({ at: Date.now(), doc: JSON.parse(data.slice(6)) as CampaignDetail });
        }
      }
    } catch (err) {
      if (!stop.aborted) throw err;
    }
  }
  return opened;
}

export async function liveDelivery(events: number, log: (m: string) => void): Promise<string> {
  const c = await Cluster.start({ dir: path.join(ROOT, '.data/bench-progress-live'), workers: 2, log });
  try {
    await c.publish('live-campaign', campaignFlow(c.crm.base, 0, [CAMPAIGN]));
    const login = await fetch(`${c.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_ADMIN),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const batches = campaignBatches(CAMPAIGN, events, 1000, CAMPAIGN);
    // The campaign exists once its first event is accepted: the stream opens then.
    await postBatches(c.base, c.apiKey, batches.slice(0, 1));
    const seen: Seen[] = [];
    const stop = new AbortController();
    const following = follow(c.base, accessToken, seen, stop.signal);
    log(`progress: live: posting ${fmt(events)} events while following the campaign's stream`);
    const post = await postBatches(c.base, c.apiKey, batches.slice(1));
    const deadline = Date.now() + Math.max(300_000, events * 5);
    const done = (d: CampaignDetail) => d.succeeded + d.failed === events && d.queued + d.running === 0;
    while (!seen.some((s) => done(s.doc)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    const opened = await following;
    const crm = await c.crmStats();
    const last = seen.find((s) => done(s.doc));
    const [counted] = await sql<{ n: number; ok: number }>(
      c.pg.url,
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE status = 'succeeded'))::int AS ok FROM executions
       WHERE campaign_id = $1`,
      [CAMPAIGN],
    );
    const first = seen[0]!.at;
    const end = last?.at ?? Date.now();
    // The estimated end each update gave while a quarter, half, three quarters were done, against the real end.
    const eta = [0.25, 0.5, 0.75].map((q) => {
      const s = seen.find((x) => x.doc.succeeded + x.doc.failed >= q * events && x.doc.estimatedEndAt);
      return s
        ? `${q * 100} %: ${fmt((Date.parse(s.doc.estimatedEndAt!) - crm.lastNewAt) / 1000, 1)} s`
        : `${q * 100} %: –`;
    });
    const rates = seen.map((s) => s.doc.ratePerSecond).filter((r): r is number => r !== null && r > 0);
    const deliveredPerSec = events / ((crm.lastNewAt - post.startedAt) / 1000);
    return [
      `### The feed while ${fmt(events)} events are delivered`,
      '',
      `${fmt(events)} \`campaign.contact\` events of one campaign posted in batches of 1000 to a deployment as the ` +
        'campaign section runs it (PostgreSQL, one `ROLE=api` process, two `ROLE=worker` processes, default ' +
        'WORKER_CONCURRENCY, the mock CRM answering after 10 ms; one flow, no limit), while the bench follows ' +
        '`GET /api/v1/campaigns/live` with `Accept: text/event-stream` as the Campaigns screen does.',
      '',
      `- Delivered: ${fmt(crm.distinct)} distinct contacts (${fmt(crm.duplicates)} duplicates) in ` +
        `${fmt((crm.lastNewAt - post.startedAt) / 1000, 1)} s, ${fmt(deliveredPerSec)}/s.`,
      `- The stream: ${fmt(seen.length)} updates over ${fmt((end - first) / 1000, 1)} s ` +
        `(${fmt(seen.length / ((end - first) / 1000), 2)} per second; one document per change, read once a ` +
        `second), ${opened} connection${opened === 1 ? '' : 's'} (the server ends each after 60 s). Rates it ` +
        `showed: ${rates.length ? `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}/s` : 'none'}.`,
      `- The update saying all was done came ${last ? `${fmt((last.at - crm.lastNewAt) / 1000, 2)} s` : 'never'} ` +
        'after the mock CRM got the last contact.',
      `- Its estimated end against the real one, when a quarter, half, three quarters were done (positive: ` +
        `later than it was): ${eta.join(', ')}.`,
      `- At the end the counters said ` +
        (last ? `${fmt(last.doc.succeeded)} succeeded, ${fmt(last.doc.failed)} failed` : '–') +
        `; COUNT(*): ${fmt(counted!.n)} executions, ${fmt(counted!.ok)} succeeded.`,
    ].join('\n');
  } finally {
    await c.close();
  }
}
