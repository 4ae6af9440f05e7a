import { Inject, Injectable, NotFoundException, Optional, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { validateFlow, type FlowVersionDetail, type FlowVersionSummary, type PublishResult } from '@callflow/flow';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConnectionUseCheck } from '../connections/connection-use-check.service';
import { PublishedFlowsService } from './published-flows.service';
import type { PublishFlowDto } from './dto/publish-flow.dto';
import { FlowVersionEntity } from './flow-version.entity';
import { FlowEntity } from './flow.entity';
import { FlowsService } from './flows.service';

/** The versions' views (libs/flow/src/api/flows.ts). */
export type VersionSummary = FlowVersionSummary<Date>;
export type VersionDetail = FlowVersionDetail<Date>;
export type { PublishResult };

/** Publishing: immutable versions, the published pointer, rollback. */
@Injectable()
export class FlowVersionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(FlowVersionEntity) private readonly versions: Repository<FlowVersionEntity>,
    private readonly flows: FlowsService,
    /** Trigger lookups cached in this process (absent when the runs feature is not loaded). */
    @Optional() @Inject(PublishedFlowsService) private readonly published?: PublishedFlowsService,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly origins?: ConnectionUseCheck,
  ) {}

  /** Without `version`: the draft becomes the next version (422 when invalid). With it: roll back to that version. */
  async publish(tenantId: string, userId: string | null, id: string, dto: PublishFlowDto): Promise<PublishResult> {
    const result =
      dto.version !== undefined
        ? await this.rollback(tenantId, id, dto.version)
        : await this.publishDraft(tenantId, userId, id, dto.note);
    this.published?.invalidate(tenantId);
    await this.audit?.record({
      tenantId,
      actorUserId: userId,
      action: dto.version !== undefined ? 'flow.rolled_back' : 'flow.published',
      targetType: 'flow',
      targetId: id,
      details: { version: result.version, note: dto.note ?? null },
    });
    return result;
  }

  async unpublish(tenantId: string, id: string, userId: string | null = null): Promise<{ publishedVersion: null }> {
    const [, affected]: [unknown, number] = await this.db.query(
      `UPDATE flows SET published_version = NULL WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    if (!affected) throw new NotFoundException('flow not found');
    this.published?.invalidate(tenantId);
    await this.audit?.record({
      tenantId,
      actorUserId: userId,
      action: 'flow.unpublished',
      targetType: 'flow',
      targetId: id,
    });
    return { publishedVersion: null };
  }

  /** Newest first, without definitions. */
  async list(tenantId: string, id: string): Promise<{ items: VersionSummary[] }> {
    const flow = await this.flows.find(tenantId, id);
    const rows = await this.versions.find({
      where: { flowId: id, tenantId },
      select: { version: true, triggerType: true, note: true, createdAt: true, createdBy: true },
      order: { version: 'DESC' },
    });
    const authors = [...new Set(rows.map((v) => v.createdBy).filter((u): u is string => !!u))];
    const emails: { id: string; email: string }[] = authors.length
      ? await this.db.query(`SELECT id, email FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
          tenantId,
          authors,
        ])
      : [];
    const emailOf = new Map(emails.map((u) => [u.id, u.email]));
    return {
      items: rows.map((v) => ({
        ...this.summary(v, flow.publishedVersion),
        createdByEmail: v.createdBy ? (emailOf.get(v.createdBy) ?? null) : null,
      })),
    };
  }

  async get(tenantId: string, id: string, version: number): Promise<VersionDetail> {
    const flow = await this.flows.find(tenantId, id);
    const v = await this.versions.findOne({ where: { flowId: id, tenantId, version } });
    if (!v) throw new NotFoundException(`version ${version} of this flow not found`);
    return { ...this.summary(v, flow.publishedVersion), definition: v.definition, triggerConfig: v.triggerConfig };
  }

  private publishDraft(
    tenantId: string,
    userId: string | null,
    id: string,
    note: string | undefined,
  ): Promise<PublishResult> {
    return this.db.transaction(async (m) => {
      // Locked: concurrent publishes number their versions one after the other, and no PUT slips in between.
      const flow = await m
        .getRepository(FlowEntity)
        .findOne({ where: { id, tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!flow) throw new NotFoundException('flow not found');
      const result = validateFlow(flow.definition);
      if (!result.valid || !result.flow) {
        throw new UnprocessableEntityException({
          message: `the flow is not valid: ${result.errors[0]?.message ?? 'unknown error'}`,
          details: result.errors,
        });
      }
      // A node using its connection in a way it cannot serve: origins (issue 16 §5), secret names, token placement.
      const misdirected = (await this.origins?.issues(tenantId, flow.definition)) ?? [];
      if (misdirected.length > 0)
        throw new UnprocessableEntityException({
          message: `the flow is not valid: ${misdirected[0]!.message}`,
          details: misdirected,
        });
      const version = flow.latestVersion + 1;
      await m.query(
        `INSERT INTO flow_versions
           (tenant_id, flow_id, version, definition, trigger_type, trigger_config, note, created_by)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7, $8)`,
        [
          tenantId,
          id,
          version,
          JSON.stringify(flow.definition),
          result.flow.trigger.node.type,
          JSON.stringify(result.flow.trigger.config ?? {}),
          note ?? '',
          userId,
        ],
      );
      await m.query(`UPDATE flows SET latest_version = $3, published_version = $3 WHERE id = $1 AND tenant_id = $2`, [
        id,
        tenantId,
        version,
      ]);
      return { version, publishedVersion: version };
    });
  }

  private async rollback(tenantId: string, id: string, version: number): Promise<PublishResult> {
    await this.flows.find(tenantId, id);
    const exists = await this.versions.exists({ where: { flowId: id, tenantId, version } });
    if (!exists) throw new NotFoundException(`version ${version} of this flow not found`);
    const [, affected]: [unknown, number] = await this.db.query(
      `UPDATE flows SET published_version = $3 WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId, version],
    );
    if (!affected) throw new NotFoundException('flow not found');
    return { version, publishedVersion: version };
  }

  private summary(v: FlowVersionEntity, publishedVersion: number | null): VersionSummary {
    return {
      version: v.version,
      triggerType: v.triggerType,
      note: v.note,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      published: v.version === publishedVersion,
    };
  }
}
