import http from 'node:http';
import type { ServerResponse } from 'node:http';
import type { LoopbackServer, SeenRequest } from '../../../../libs/engine/test/loopback';
import type { TestApp } from '../harness';
import { chainFlow, postNode, publishFlow, sleep } from './triggers';

/**
 * A dialer's campaign as the campaign tests push it, and a mock CRM that answers each contact as
 * its `fail` field says: '' → 200, '500' → HTTP 500 (the run fails with HTTP_STATUS), 'net' → the
 * socket is destroyed (HTTP_NETWORK). `failing` switched off, every contact succeeds (a fixed CRM).
 */
export class CampaignCrm {
  readonly deliveries = new Map<string, number>();
  failing = true;
  delayMs = 0;

  constructor(readonly mock: LoopbackServer) {
    mock.on('POST /crm', (req: SeenRequest, res: ServerResponse) => this.answer(req, res));
  }

  get url(): string {
    return `${this.mock.base}/crm`;
  }

  deliveredOf(campaign: string): number {
    let n = 0;
    for (const key of this.deliveries.keys()) if (key.startsWith(`${campaign}|`)) n++;
    return n;
  }

  private async answer(req: SeenRequest, res: ServerResponse): Promise<void> {
    const { campaign, contact, fail } = JSON.parse(req.body) as { campaign: string; contact: string; fail: string };
    const key = `${campaign}|${contact}`;
    this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
    if (this.delayMs) await sleep(this.delayMs);
    if (this.failing && fail === 'net') return void res.socket?.destroy();
    res.writeHead(this.failing && fail === '500' ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  }
}

/** Publishes a campaign flow (trigger.campaign with `config`: campaignIds …) that POSTs each contact to the CRM. */
export function publishCampaignFlow(t: TestApp, key: string, crm: CampaignCrm, config: Record<string, unknown> = {}) {
  const trigger = { id: 't', type: 'trigger.campaign', name: 'start', config };
  const body = '{"campaign":"{{campaign.id}}","contact":"{{contact.id}}","fail":"{{contact.fail}}"}';
  return publishFlow(t, key, chainFlow(trigger, postNode(crm.url, body)));
}

/** `n` campaign.contact events of `campaign`; `fail(i)` says how contact i's CRM call fails ('' for none). */
export function contactEvents(campaign: string, n: number, fail: (i: number) => string = () => '', from = 0) {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: `${campaign}-${i}`,
      type: 'campaign.contact',
      campaign: { id: campaign },
      contact: { id: `k${i}`, phone: `+1555${String(i).padStart(7, '0')}`, fail: fail(i) },
    };
  });
}

/** POSTs events in batches of `batch`, `parallel` requests at a time, with the given API key. */
export async function postEvents(t: TestApp, key: string, events: unknown[], batch = 250, parallel = 4) {
  const batches: unknown[][] = [];
  for (let i = 0; i < events.length; i += batch) batches.push(events.slice(i, i + batch));
  for (let i = 0; i < batches.length; i += parallel)
    await Promise.all(
      batches
        .slice(i, i + parallel)
        .map((b) => t.http().post('/api/v1/events').set('x-api-key', key).send(b).expect(202)),
    );
}

export interface CounterRow {
  campaign_id: string;
  flow_id: string;
  accepted: number;
  retried: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
}

const COUNTERS = `SELECT campaign_id, flow_id, accepted::int, retried::int, queued::int, running::int,
  succeeded::int, failed::int FROM campaign_counters WHERE tenant_id = $1 ORDER BY 1, 2`;

/** The same figures counted from the executions themselves (what the counters must equal). */
const COUNTED = `SELECT campaign_id, flow_id,
    (count(*) FILTER (WHERE trigger_type = 'event'))::int AS accepted,
    (count(*) FILTER (WHERE trigger_type = 'retry'))::int AS retried,
    (count(*) FILTER (WHERE status = 'queued' AND retried_by IS NULL))::int AS queued,
    (count(*) FILTER (WHERE status = 'running' AND retried_by IS NULL))::int AS running,
    (count(*) FILTER (WHERE status = 'succeeded' AND retried_by IS NULL))::int AS succeeded,
    (count(*) FILTER (WHERE status IN ('failed', 'timeout') AND retried_by IS NULL))::int AS failed
  FROM executions WHERE tenant_id = $1 AND campaign_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`;

const FAILURES = `SELECT campaign_id, flow_id, code, failed::int FROM campaign_failures
  WHERE tenant_id = $1 AND failed <> 0 ORDER BY 1, 2, 3`;
const FAILURES_COUNTED = `SELECT campaign_id, flow_id, coalesce(error->>'code', 'UNKNOWN') AS code,
    count(*)::int AS failed
  FROM executions WHERE tenant_id = $1 AND campaign_id IS NOT NULL AND retried_by IS NULL
    AND status IN ('failed', 'timeout') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/**
 * Counters and COUNT(*)s of one tenant read in ONE snapshot (repeatable read): the transactions
 * that move runs update both, so they must agree exactly at any moment, not only at the end.
 */
export async function countsInOneSnapshot(t: TestApp, tenantId: string) {
  return t.db.transaction('REPEATABLE READ', async (m) => ({
    counters: (await m.query(COUNTERS, [tenantId])) as CounterRow[],
    counted: (await m.query(COUNTED, [tenantId])) as CounterRow[],
    failures: (await m.query(FAILURES, [tenantId])) as unknown[],
    failuresCounted: (await m.query(FAILURES_COUNTED, [tenantId])) as unknown[],
  }));
}

export async function tenantOf(t: TestApp): Promise<string> {
  const [{ tenant_id }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
  return tenant_id as string;
}

/** One server-sent event. */
export interface StreamEvent {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * Opens `path` with `Accept: text/event-stream` and collects its events into `events` as they come;
 * `status` is the answer's status, `close()` ends it.
 */
export function openStream(t: Pick<TestApp, 'baseUrl' | 'token'>, path: string, token = t.token) {
  const events: StreamEvent[] = [];
  let status = 0;
  let contentType = '';
  let ended = false;
  let buffered = '';
  const req = http.get(`${t.baseUrl}${path}`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let cut: number;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          const fields = new Map<string, string>();
          for (const line of frame.split('\n')) {
            if (line.startsWith(':') || !line.includes(':')) continue;
            const at = line.indexOf(':');
            fields.set(line.slice(0, at), line.slice(at + 1).trimStart());
          }
          if (fields.has('data'))
            events.push({
              event: fields.get('event') ?? 'message',
              id: fields.get('id'),
              data: JSON.parse(fields.get('data')!),
            });
        }
      });
      res.on('end', () => (ended = true));
      resolve();
    });
    req.on('error', reject);
  });
  return {
    events,
    ready,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    get ended() {
      return ended;
    },
    close: () => req.destroy(),
  };
}
