import type { AuditEntry } from '../audit/audit.service';
import type { ConnectionEntity } from './connection.entity';
import type { ParsedConnection } from './connection-body';

/** What the audit log keeps of a connection: never a secret's value, only which secrets are set. */
type Snapshot = Pick<ConnectionEntity, 'name' | 'type' | 'description' | 'config' | 'fields' | 'allowedOrigins'>;

export function snapshot(row: ConnectionEntity): Snapshot {
  const { name, type, description, config, fields, allowedOrigins } = row;
  const origins = [...(allowedOrigins ?? [])];
  return { name, type, description, config: { ...config }, fields: { ...fields }, allowedOrigins: origins };
}

const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** Object keys sorted at every depth (stored jsonb comes back with its keys re-ordered). */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sorted(o[k])]),
    );
  }
  return v;
}

/** Names of the keys whose values differ between two records, `prefix.`-qualified. */
function changedKeys(prefix: string, a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !same(a[k], b[k]))
    .sort()
    .map((k) => `${prefix}${k}`);
}

type Entry = Omit<AuditEntry, 'tenantId' | 'actorUserId'>;

export function connectionCreated(row: ConnectionEntity): Entry {
  const details = {
    name: row.name,
    type: row.type,
    fields: Object.keys(row.fields).sort(),
    allowedOrigins: row.allowedOrigins ?? [],
    secretsSet: Object.keys(row.secrets).sort(),
  };
  return { action: 'connection.created', targetType: 'connection', targetId: row.id, details };
}

/**
 * The names of what an update changed (settings, `fields.<name>`, allowedOrigins with the origins
 * added and removed, which are not secret) and of the secrets it set or cleared, never their values.
 */
export function connectionUpdated(before: Snapshot, row: ConnectionEntity, p: ParsedConnection): Entry {
  const changed = [
    ...(['name', 'type', 'description'] as const).filter((k) => before[k] !== row[k]),
    ...changedKeys('', before.config, row.config),
    ...changedKeys('fields.', before.fields, row.fields),
  ];
  const details: Record<string, unknown> = { name: row.name, changed };
  if (before.name !== row.name) details.previousName = before.name;
  const now = row.allowedOrigins ?? [];
  const added = now.filter((o) => !before.allowedOrigins.includes(o));
  const removed = before.allowedOrigins.filter((o) => !now.includes(o));
  if (added.length || removed.length) {
    changed.push('allowedOrigins');
    details.originsAdded = added;
    details.originsRemoved = removed;
  }
  const secrets = Object.entries(p.secrets);
  const set = secrets
    .filter(([, v]) => v !== null)
    .map(([k]) => k)
    .sort();
  const cleared = secrets
    .filter(([, v]) => v === null)
    .map(([k]) => k)
    .sort();
  if (set.length) details.secretsSet = set;
  if (cleared.length) details.secretsCleared = cleared;
  return { action: 'connection.updated', targetType: 'connection', targetId: row.id, details };
}

export function connectionDeleted(row: ConnectionEntity): Entry {
  const details = { name: row.name, type: row.type };
  return { action: 'connection.deleted', targetType: 'connection', targetId: row.id, details };
}
