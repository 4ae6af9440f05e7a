/**
 * An audit entry's details in readable form ("address 10.0.0.5 · via editor", "changed fields.baseUrl,
 * allowedOrigins") rather than raw JSON: keys in words, lists joined, role ids and user ids by name.
 */
import type { AuditEntry } from '../../api/access-types';

export interface Names {
  users: Record<string, string>;
  roles: Record<string, string>;
}

const LABELS: Record<string, string> = {
  ip: 'address',
  via: 'via',
  roleIds: 'roles',
  permissions: 'grants',
  passwordChanged: 'password changed',
  keyPrefix: 'key prefix',
  flowKeys: 'flows',
  secretsSet: 'secrets set',
  secretsCleared: 'secrets cleared',
  originsAdded: 'origins added',
  originsRemoved: 'origins removed',
  allowedOrigins: 'allowed origins',
  previousName: 'was named',
  chosen: 'own value',
};

/** camelCase → words, for keys without a label. */
const words = (k: string) => LABELS[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

function value(key: string, v: unknown, names: Names): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (key === 'via') return v === 'api' ? 'the API' : String(v);
  if (Array.isArray(v)) {
    if (!v.length) return 'none';
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
  if (a.targetName) return a.targetName;
  if (a.targetId && a.targetType === 'user' && names.users[a.targetId]) return names.users[a.targetId]!;
  if (recorded) return recorded;
  return a.targetId ? a.targetId.slice(0, 8) : '';
}
