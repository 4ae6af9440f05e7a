import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CampaignPauseState } from '@callflow/flow';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { rowsOn } from '../platform/database/raw-rows';
import { FETCH_LOCK_KEY } from '../queue/limited-fetch';
import { notifySql } from '../queue/queue-signals';
import { QueueService } from '../queue/queue.service';
import { campaignNotFound } from './campaign-errors';
import { CampaignProgressService } from './campaign-progress.service';

export type CampaignPauseView = CampaignPauseState<Date>;

/**
 * Pauses and resumes a campaign's deliveries: a `campaign_pauses` row, which every worker
 * process's fetch reads under the fetch lock (queue/limited-fetch.ts), so the pause holds across
 * processes and restarts. A pause takes that lock too: once it is answered, no worker claims a run
 * of the campaign (the runs already claimed finish). Both are idempotent and audited.
 */
@Injectable()
export class CampaignPauseService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly progress: CampaignProgressService,
    private readonly audit: AuditService,
    private readonly queue: QueueService,
  ) {}

  async pause(tenantId: string, userId: string, campaignId: string): Promise<CampaignPauseView> {
    await this.known(tenantId, campaignId);
    const pausedAt = await this.db.transaction(async (m) => {
      const sql = rowsOn(m.queryRunner!);
      // Waits for a fetch in progress; the fetches after it see the row.
      await sql('SELECT pg_advisory_xact_lock($1)', [FETCH_LOCK_KEY]);
      const inserted = await sql<{ paused_at: Date }>(
        `INSERT INTO campaign_pauses (tenant_id, campaign_id, paused_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING paused_at`,
        [tenantId, campaignId, userId],
      );
      if (inserted[0]) {
        // Workers hand back their standby jobs (reserved before this pause: job-ownership.ts).
        await m.query(notifySql('paused'));
        await this.audit.record(
          { tenantId, actorUserId: userId, action: 'campaign.paused', targetType: 'campaign', targetId: campaignId },
          m,
        );
        return inserted[0].paused_at;
      }
      const [row] = await sql<{ paused_at: Date }>(
        `SELECT paused_at FROM campaign_pauses WHERE tenant_id = $1 AND campaign_id = $2`,
        [tenantId, campaignId],
      );
      return row!.paused_at;
    });
    return { campaignId, paused: true, pausedAt };
  }

  async resume(tenantId: string, userId: string, campaignId: string): Promise<CampaignPauseView> {
    await this.known(tenantId, campaignId);
    const resumed = await this.db.transaction(async (m) => {
      const [row] = await rowsOn(m.queryRunner!)<{ paused_at: Date }>(
        `DELETE FROM campaign_pauses WHERE tenant_id = $1 AND campaign_id = $2 RETURNING paused_at`,
        [tenantId, campaignId],
      );
      if (row) {
        // Wakes the workers of every process at the commit (queue/queue-signals.ts).
        await m.query(notifySql('queued'));
        const details = { pausedAt: row.paused_at.toISOString() };
        await this.audit.record(
          {
            tenantId,
            actorUserId: userId,
            action: 'campaign.resumed',
            targetType: 'campaign',
            targetId: campaignId,
            details,
          },
          m,
        );
      }
      return row !== undefined;
    });
    // This process's idle workers fetch at once; the others on the notification.
    if (resumed) this.queue.committed();
    return { campaignId, paused: false, pausedAt: null };
  }

  private async known(tenantId: string, campaignId: string): Promise<void> {
    if (!(await this.progress.exists(tenantId, campaignId))) throw campaignNotFound(campaignId);
  }
}
