import { BadRequestException } from '@nestjs/common';
import { isTriggerType, type FlowDefinition, type FlowDetail, type FlowSummary as FlowSummaryOf } from '@callflow/flow';
import { QueryFailedError } from 'typeorm';
import { isPlainObject } from '../platform/json/json-fields';
import { draftValidation } from './flow-validation-cache';
import { FlowEntity } from './flow.entity';

export { validation } from './flow-validation-cache';

/** A flow as the API returns it (libs/flow/src/api/flows.ts): the draft, its validation, and its version pointers. */
export type FlowView = FlowDetail<Date>;

/** A list item: no definition. */
export type FlowSummary = FlowSummaryOf<Date>;

/** The type of the first trigger node of a (possibly invalid) definition. */
export function draftTriggerType(definition: unknown): string | null {
  if (!isPlainObject(definition) || !Array.isArray(definition.nodes)) return null;
  for (const n of definition.nodes)
    if (isPlainObject(n) && typeof n.type === 'string' && isTriggerType(n.type)) return n.type;
  return null;
}

/**
 * Drafts may be invalid, but never shapeless: a JSON object with schemaVersion (a number) and
 * nodes and edges arrays. Everything else about them is the validator's business.
 */
export function assertDraftEnvelope(definition: unknown): asserts definition is FlowDefinition {
  if (
    !isPlainObject(definition) ||
    typeof definition.schemaVersion !== 'number' ||
    !Array.isArray(definition.nodes) ||
    !Array.isArray(definition.edges)
  ) {
    throw new BadRequestException(
      'definition must be a JSON object with schemaVersion (a number) and nodes and edges (arrays)',
    );
  }
}

export function toView(f: FlowEntity): FlowView {
  return { ...toSummary(f), definition: f.definition, validation: draftValidation(f) };
}

export function toSummary(f: FlowEntity): FlowSummary {
  return {
    id: f.id,
    key: f.key,
    name: f.name,
    description: f.description,
    revision: f.revision,
    triggerType: draftTriggerType(f.definition),
    publishedVersion: f.publishedVersion,
    latestVersion: f.latestVersion,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    updatedBy: f.updatedBy,
  };
}

/** A `flows` row read with raw SQL (RETURNING *) as an entity. */
export function fromRow(r: Record<string, any>): FlowEntity {
  return Object.assign(new FlowEntity(), {
    id: r.id,
    tenantId: r.tenant_id,
    key: r.key,
    name: r.name,
    description: r.description,
    definition: r.definition,
    revision: r.revision,
    publishedVersion: r.published_version,
    latestVersion: r.latest_version,
    updatedBy: r.updated_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

/** True for a unique-constraint violation (optionally of the named constraint). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const d = err.driverError as { code?: string; constraint?: string } | undefined;
  return d?.code === '23505' && (!constraint || d.constraint === constraint);
}
