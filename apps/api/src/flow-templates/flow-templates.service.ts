import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UUID_RE } from '../platform/cursors/cursor';
import { isTriggerType, type FlowTemplateSummary } from '@callflow/flow';
import { placeholderPurpose, type FlowTemplate, type TemplateDefinition } from './flow-template.types';
import { FLOW_TEMPLATES } from './flow-templates.registry';

/** A template made into a flow draft: its definition with the picked connections filled in. */
export interface InstantiatedTemplate {
  template: FlowTemplate;
  definition: TemplateDefinition;
  /** Purposes left as placeholders (the admin picks them in the editor before publishing). */
  missingConnections: string[];
}

/** The built-in flow templates (docs/templates.md): listing, and filling one in for POST /flows. */
@Injectable()
export class FlowTemplatesService {
  private readonly byId = new Map(FLOW_TEMPLATES.map((t) => [t.id, t]));

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(): { items: FlowTemplateSummary[] } {
    return { items: FLOW_TEMPLATES.map(summary) };
  }

  get(id: string): FlowTemplate & { triggerType: string } {
    const t = this.byId.get(id);
    if (!t) throw new NotFoundException(`flow template "${id}" not found`);
    return { ...(JSON.parse(JSON.stringify(t)) as FlowTemplate), triggerType: triggerTypeOf(t) };
  }

  /**
   * The template's definition with each `connectionId` placeholder replaced by the tenant's
   * connection picked for its purpose. Purposes not given keep their placeholder (the validator
   * flags it until the admin picks one); each given id must be one of the tenant's connections
   * (another tenant's is "not found") of the required type, and every purpose one the template has.
   */
  async instantiate(
    tenantId: string,
    templateId: string,
    connections: Record<string, unknown> = {},
  ): Promise<InstantiatedTemplate> {
    const template = this.byId.get(templateId);
    if (!template) {
      throw new BadRequestException({
        message: `unknown templateId "${templateId}"`,
        details: [`templateId must be one of: ${FLOW_TEMPLATES.map((t) => t.id).join(', ')}`],
      });
    }
    const required = template.requires.connections ?? [];
    const problems: string[] = [];
    for (const purpose of Object.keys(connections)) {
      if (!required.some((r) => r.purpose === purpose))
        problems.push(
          `connections.${purpose}: this template needs no "${purpose}" ` +
            `connection${required.length ? ` (it needs: ${required.map((r) => r.purpose).join(', ')})` : ''}`,
        );
    }
    for (const r of required) {
      const id = connections[r.purpose];
      if (id === undefined) continue;
      if (typeof id !== 'string' || !UUID_RE.test(id))
        problems.push(`connections.${r.purpose}: must be a connection id (UUID)`);
    }
    const given = required.filter((r) => connections[r.purpose] !== undefined);
    if (problems.length === 0 && given.length > 0) {
      const ids = given.map((r) => connections[r.purpose] as string);
      const rows: { id: string; type: string }[] = await this.db.query(
        `SELECT id, type FROM connections WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
        [tenantId, ids],
      );
      const typeOf = new Map(rows.map((row) => [row.id, row.type]));
      for (const r of given) {
        const id = connections[r.purpose] as string;
        const type = typeOf.get(id);
        if (type === undefined) problems.push(`connections.${r.purpose}: connection ${id} not found`);
        else if (r.type !== 'any' && type !== r.type)
          problems.push(`connections.${r.purpose}: must be a ${r.type} connection, not ${type}`);
      }
    }
    if (problems.length) throw new BadRequestException({ message: problems[0], details: problems });
    const definition = JSON.parse(JSON.stringify(template.definition)) as TemplateDefinition;
    for (const n of definition.nodes) {
      const purpose = placeholderPurpose(n.config.connectionId);
      if (purpose !== undefined && typeof connections[purpose] === 'string')
        n.config.connectionId = connections[purpose] as string;
    }
    const missing = required.filter((r) => connections[r.purpose] === undefined).map((r) => r.purpose);
    return { template, definition, missingConnections: missing };
  }
}

export function triggerTypeOf(t: FlowTemplate): string {
  return t.definition.nodes.find((n) => isTriggerType(n.type))?.type ?? 'unknown';
}

function summary(t: FlowTemplate): FlowTemplateSummary {
  return {
    id: t.id,
    name: t.name,
    system: t.system,
    description: t.description,
    triggerType: triggerTypeOf(t),
    requires: JSON.parse(JSON.stringify(t.requires)) as FlowTemplate['requires'],
  };
}
