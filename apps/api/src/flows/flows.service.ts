import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { FlowTemplatesService } from '../flow-templates/flow-templates.service';
import { decodeCursor, encodeCursor, UUID_RE } from '../platform/cursors/cursor';
import { PublishedFlowsService } from './published-flows.service';
import { WebhookSecretsService } from '../webhook-secrets/webhook-secrets.service';
import type { CreateFlowDto } from './dto/create-flow.dto';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ImportFlowDto } from './dto/import-flow.dto';
import type { ListFlowsQuery } from './dto/list-flows.query';
import type { UpdateFlowDto } from './dto/update-flow.dto';
import { flowKeyFromName, NODE_SPECS } from '@callflow/flow';
import { firstFreeKey, keyStem } from './flow-key';
import {
  assertDraftEnvelope,
  fromRow,
  isUniqueViolation,
  toSummary,
  toView,
  type FlowSummary,
  type FlowView,
} from './flow-view';
import { FlowEntity } from './flow.entity';

const KEY_CONSTRAINT = 'flows_tenant_key_uq';
/** The registered trigger types: a draft's trigger is its first node of one of them. */
const TRIGGER_TYPES = NODE_SPECS.filter((s) => s.category === 'trigger').map((s) => s.type);

const DEFAULT_LIMIT = 50;
/** Concurrent creates may pick the same free key; the loser retries with the next one. */
const KEY_ATTEMPTS = 5;

/** What insert() stores: a create without its template, or an import. */
type NewFlow = Omit<CreateFlowDto, 'templateId' | 'connections' | 'definition'> & {
  definition: Record<string, unknown>;
};

/** The portable document of GET /flows/:id/export (accepted by POST /flows/import). */
export interface FlowExport {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  name: string;
  key: string;
  description: string;
  definition: FlowEntity['definition'];
}

/** Flow drafts: CRUD with optimistic concurrency, keys, export/import. Every query is per tenant. */
@Injectable()
export class FlowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(FlowEntity) private readonly flows: Repository<FlowEntity>,
    private readonly webhookSecrets: WebhookSecretsService,
    /** Trigger lookups by key cached in this process (absent when the runs feature is not loaded). */
    @Optional() @Inject(PublishedFlowsService) private readonly published?: PublishedFlowsService,
    @Optional() @Inject(FlowTemplatesService) private readonly templates?: FlowTemplatesService,
  ) {}

  /** By name (case-insensitive), keyset-paginated. */
  async list(tenantId: string, q: ListFlowsQuery): Promise<{ items: FlowSummary[]; nextCursor?: string }> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (q.q) {
      params.push(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(name ILIKE $${params.length} OR key ILIKE $${params.length})`);
    }
    if (q.cursor) {
      const [name, id] = decodeCursor(
        q.cursor,
        2,
        ([a, b]) => typeof a === 'string' && typeof b === 'string' && UUID_RE.test(b),
      );
      params.push(name, id);
      where.push(`(lower(name), id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(TRIGGER_TYPES);
    const triggers = `$${params.length}::text[]`;
    params.push(limit + 1);
    // The definition stays in the database; only the trigger node's type comes out.
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT id, tenant_id, key, name, description, revision, published_version, latest_version, updated_by,
         created_at, updated_at, lower(name) AS sort_name,
         (SELECT email FROM users u WHERE u.id = flows.updated_by AND u.tenant_id = flows.tenant_id)
           AS updated_by_email,
         (SELECT n->>'type' FROM jsonb_array_elements(
           CASE WHEN jsonb_typeof(definition->'nodes') = 'array' THEN definition->'nodes' ELSE '[]'::jsonb END)
            WITH ORDINALITY AS e(n, i) WHERE n->>'type' = ANY(${triggers}) ORDER BY i LIMIT 1) AS trigger_type
       FROM flows WHERE ${where.join(' AND ')} ORDER BY lower(name), id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        ...toSummary(fromRow(r)),
        triggerType: (r.trigger_type as string | null) ?? null,
        updatedByEmail: (r.updated_by_email as string | null) ?? null,
      })),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor([last.sort_name as string, last.id as string]) }
        : {}),
    };
  }

  async get(tenantId: string, id: string): Promise<FlowView> {
    const flow = await this.find(tenantId, id);
    const [user]: { email: string }[] = flow.updatedBy
      ? await this.db.query('SELECT email FROM users WHERE id = $1 AND tenant_id = $2', [flow.updatedBy, tenantId])
      : [];
    return { ...toView(flow), updatedByEmail: user?.email ?? null };
  }

  /** The flow or a 404 (also for another tenant's id). */
  async find(tenantId: string, id: string): Promise<FlowEntity> {
    const flow = await this.flows.findOne({ where: { id, tenantId } });
    if (!flow) throw new NotFoundException('flow not found');
    return flow;
  }

  /**
   * An explicit key that is taken is a 409; a derived one is de-duplicated. The draft is
   * `definition`, or made from `templateId` (+ `connections`): exactly one of the two (else 400).
   */
  async create(tenantId: string, userId: string | null, dto: CreateFlowDto): Promise<FlowView> {
    const { templateId, connections, ...rest } = dto;
    if (templateId === undefined) {
      if (connections !== undefined)
        throw new BadRequestException('connections is only for flows created from a templateId');
      if (dto.definition === undefined) throw new BadRequestException('give either a definition or a templateId');
      return this.insert(
        tenantId,
        userId,
        { ...rest, definition: dto.definition },
        { dedupeKey: dto.key === undefined },
      );
    }
    if (dto.definition !== undefined)
      throw new BadRequestException('give either a definition or a templateId, not both');
    if (!this.templates) throw new BadRequestException('flow templates are not available');
    const made = await this.templates.instantiate(tenantId, templateId, connections);
    const description = dto.description ?? made.template.description.slice(0, 2000);
    return this.insert(
      tenantId,
      userId,
      { ...rest, description, definition: made.definition as unknown as Record<string, unknown> },
      { dedupeKey: dto.key === undefined },
    );
  }

  async update(tenantId: string, userId: string | null, id: string, dto: UpdateFlowDto): Promise<FlowView> {
    const params: unknown[] = [id, tenantId, dto.revision, userId];
    const sets = ['revision = revision + 1', 'updated_at = now()', 'updated_by = $4'];
    const where = ['id = $1', 'tenant_id = $2', 'revision = $3'];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (dto.name !== undefined) set('name', dto.name);
    if (dto.key !== undefined) {
      await this.assertKeyChangeable(tenantId, id, dto.key);
      // Not a key under which another tenant's flow holds this flow's webhook secret (409).
      await this.webhookSecrets.assertKeyUsable(tenantId, id, dto.key);
      set('key', dto.key);
      // A publish between that check and this write must not let the key change either.
      where.push(`(latest_version = 0 OR key = $${params.length})`);
    }
    if (dto.description !== undefined) set('description', dto.description);
    if (dto.definition !== undefined) {
      assertDraftEnvelope(dto.definition);
      set('definition', JSON.stringify(dto.definition), '::jsonb');
    }
    let rows: Record<string, any>[];
    try {
      // The revision check and the write are one statement: of two PUTs of the same revision, one wins.
      [rows] = await this.db.query(
        `UPDATE flows SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`,
        params,
      );
    } catch (err) {
      if (isUniqueViolation(err, KEY_CONSTRAINT))
        throw new ConflictException({
          message: `the key "${dto.key}" is already used by another flow`,
          details: { key: dto.key },
        });
      throw err;
    }
    if (rows[0]) {
      if (dto.key !== undefined) this.published?.invalidate(tenantId);
      return toView(fromRow(rows[0]));
    }
    const current = await this.find(tenantId, id);
    if (dto.key !== undefined && current.revision === dto.revision) this.refuseKeyChange(current, dto.key);
    throw new ConflictException({
      message:
        `the flow was changed since revision ${dto.revision} (now ${current.revision}); ` +
        'reload it and apply the edit again',
      details: { currentRevision: current.revision },
    });
  }

  /** A published flow's key is in the PBX's and CRMs' URLs (/ivr/:flowKey): it no longer changes (409). */
  private async assertKeyChangeable(tenantId: string, id: string, key: string): Promise<void> {
    this.refuseKeyChange(await this.find(tenantId, id), key);
  }

  private refuseKeyChange(flow: FlowEntity, key: string): void {
    if (flow.key === key || flow.latestVersion === 0) return;
    throw new ConflictException({
      message:
        `the key cannot change once the flow has been published: "${flow.key}" is in its trigger URLs ` +
        '(/ivr/…, /hooks/…) that callers use',
      details: { key: flow.key },
    });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const result = await this.flows.delete({ id, tenantId });
    if (!result.affected) throw new NotFoundException('flow not found');
    this.published?.invalidate(tenantId);
  }

  async export(tenantId: string, id: string): Promise<FlowExport> {
    const f = await this.find(tenantId, id);
    return {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      name: f.name,
      key: f.key,
      description: f.description,
      definition: f.definition,
    };
  }

  /** A new flow from an export document; its key is de-duplicated when taken. */
  import(tenantId: string, userId: string | null, dto: ImportFlowDto): Promise<FlowView> {
    return this.insert(
      tenantId,
      userId,
      { name: dto.name, key: dto.key, description: dto.description, definition: dto.definition },
      { dedupeKey: true },
    );
  }

  private async insert(
    tenantId: string,
    userId: string | null,
    dto: NewFlow,
    opts: { dedupeKey: boolean },
  ): Promise<FlowView> {
    assertDraftEnvelope(dto.definition);
    const wanted = dto.key ?? flowKeyFromName(dto.name);
    for (let attempt = 1; ; attempt++) {
      const key = opts.dedupeKey ? await this.freeKey(tenantId, wanted) : wanted;
      try {
        const row = await this.flows.save(
          this.flows.create({
            tenantId,
            key,
            name: dto.name,
            description: dto.description ?? '',
            definition: dto.definition,
            revision: 1,
            publishedVersion: null,
            latestVersion: 0,
            updatedBy: userId,
          }),
        );
        return toView(row);
      } catch (err) {
        if (!isUniqueViolation(err, KEY_CONSTRAINT)) throw err;
        if (!opts.dedupeKey)
          throw new ConflictException({
            message: `the key "${key}" is already used by another flow`,
            details: { key },
          });
        if (attempt >= KEY_ATTEMPTS)
          throw new ConflictException({
            message: `could not find a free key for "${wanted}"; choose one`,
            details: { key: wanted },
          });
      }
    }
  }

  /** `key`, or the first free `stem-2`, `stem-3` … in the tenant. */
  private async freeKey(tenantId: string, key: string): Promise<string> {
    // Keys hold only [a-z0-9-], so the LIKE pattern needs no escaping.
    const rows: { key: string }[] = await this.db.query(
      `SELECT key FROM flows WHERE tenant_id = $1 AND (key = $2 OR key LIKE $3)`,
      [tenantId, key, `${keyStem(key)}-%`],
    );
    return firstFreeKey(key, new Set(rows.map((r) => r.key)));
  }
}
