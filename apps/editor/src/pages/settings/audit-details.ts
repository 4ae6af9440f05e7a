/**
 * An audit entry's details in readable form ("address 10.0.0.5 · via editor", "changed fields.baseUrl,
 * allowedOrigins") rather than raw JSON: keys in words, lists joined, role ids and user ids by name.
 */
import type { AuditEntry } from '../../api/access-types';
import { t, type MessageId } from '../../i18n/i18n';
import { CONNECTION_TYPES } from './ConnectionForm';

export interface Names {
  users: Record<string, string>;
  roles: Record<string, string>;
}

const LABELS: Record<string, MessageId> = {
  ip: 'settings.audit.key.ip',
  via: 'settings.audit.key.via',
  roleIds: 'settings.audit.key.roleIds',
  permissions: 'settings.audit.key.permissions',
  passwordChanged: 'settings.audit.key.passwordChanged',
  keyPrefix: 'settings.audit.key.keyPrefix',
  flowKeys: 'settings.audit.key.flowKeys',
  secretsSet: 'settings.audit.key.secretsSet',
  secretsCleared: 'settings.audit.key.secretsCleared',
  originsAdded: 'settings.audit.key.originsAdded',
  originsRemoved: 'settings.audit.key.originsRemoved',
  allowedOrigins: 'settings.audit.key.allowedOrigins',
  previousName: 'settings.audit.key.previousName',
  chosen: 'settings.audit.key.chosen',
  version: 'settings.audit.key.version',
  note: 'settings.audit.key.note',
  type: 'settings.audit.key.type',
  fields: 'settings.audit.key.fields',
  scopes: 'settings.audit.key.scopes',
  changed: 'settings.audit.key.changed',
  before: 'settings.audit.key.before',
  after: 'settings.audit.key.after',
  key: 'settings.audit.key.key',
  fingerprint: 'settings.audit.key.fingerprint',
  pausedAt: 'settings.audit.key.pausedAt',
  requestId: 'settings.audit.key.requestId',
  flowId: 'settings.audit.key.flowId',
  code: 'settings.audit.key.code',
  queued: 'settings.audit.key.queued',
  skipped: 'settings.audit.key.skipped',
  tenantId: 'settings.audit.key.tenantId',
  adminEmail: 'settings.audit.key.adminEmail',
  email: 'settings.audit.key.email',
  name: 'settings.audit.key.name',
};

/** What the audit log's targets are, in words. */
const TARGETS: Record<string, MessageId> = {
  api_key: 'settings.audit.target.apiKey',
  campaign: 'settings.audit.target.campaign',
  connection: 'settings.audit.target.connection',
  flow: 'settings.audit.target.flow',
  role: 'settings.audit.target.role',
  tenant: 'settings.audit.target.tenant',
  user: 'settings.audit.target.user',
};

/** A target type in words (one the editor does not know yet as the server names it). */
export function targetType(type: string): string {
  const id = TARGETS[type];
  return id ? t(id) : type.replace('_', ' ');
}

/** Known keys in words; any other key's camelCase split into words (as the server names it). */
const words = (k: string) => {
  const id = LABELS[k];
  return id ? t(id) : k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
};

function value(key: string, v: unknown, names: Names): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('settings.audit.yes') : t('settings.audit.no');
  if (key === 'type' && typeof v === 'string') {
    const type = CONNECTION_TYPES.find((c) => c.value === v);
    if (type) return t(type.label);
  }
  if (key === 'via')
    return v === 'api' ? t('settings.audit.viaApi') : v === 'editor' ? t('settings.audit.viaEditor') : String(v);
  if (Array.isArray(v)) {
    if (!v.length) return t('settings.audit.none');
    const map = key === 'roleIds' ? names.roles : key === 'userIds' ? names.users : undefined;
    const one = (x: unknown) => {
      if (map && typeof x === 'string') return map[x] ?? x.slice(0, 8);
      return typeof x === 'object' ? JSON.stringify(x) : String(x);
    };
    return v.map(one).join(', ');
  }
  if (typeof v === 'object') {
    return describe(v as Record<string, unknown>, names, [])
      .map((p) => `${p.label} ${p.value}`)
      .join('; ');
  }
  return String(v);
}

function describe(d: Record<string, unknown>, names: Names, skip: string[]): { label: string; value: string }[] {
  return Object.entries(d)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => ({ label: words(k), value: value(k, v, names) }));
}

/** The entry's details as label/value pairs; what the target column already says (its name, email) is left out. */
export function detailParts(a: AuditEntry, names: Names): { label: string; value: string }[] {
  const d = a.details;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return [];
  return describe(d as Record<string, unknown>, names, ['name', 'email']);
}

/** The target as a person reads it: its current name, else the name recorded with the entry, else a short id. */
export function targetLabel(a: AuditEntry & { targetName?: string | null }, names: Names): string {
  const d = (a.details && typeof a.details === 'object' ? a.details : {}) as Record<string, unknown>;
  const recorded = [d.name, d.email, d.key].find((v): v is string => typeof v === 'string');
  // A role by the name the Roles page shows (a built-in one's in the language in force).
  if (a.targetType === 'role' && a.targetId && names.roles[a.targetId]) return names.roles[a.targetId]!;
  if (a.targetName) return a.targetName;
  if (a.targetId && a.targetType === 'user' && names.users[a.targetId]) return names.users[a.targetId]!;
  if (recorded) return recorded;
  return a.targetId ? a.targetId.slice(0, 8) : '';
}
