import crypto from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { TestApp } from './harness';

/** A well-formed UUID that names nothing. */
export const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** trigger.ivr → http GET `${base}${path}` (a loopback CRM) → respond with what the CRM said. */
export function ivrFlow(base: string, path = '/crm/{{call.callerId}}') {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 't',
        type: 'trigger.ivr',
        name: 'ivr',
        position: { x: 0, y: 0 },
        config: { deadlineMs: 2000, fallback: { queue: 'default' } },
      },
      { id: 'h', type: 'http', name: 'lookup', config: { method: 'GET', url: `${base}${path}` } },
      {
        id: 'r',
        type: 'respond',
        name: 'answer',
        config: {
          body: {
            type: 'json',
            template: '{"queue":"{{nodes.lookup.body.queue}}","vip":{{json nodes.lookup.body.vip}}}',
          },
        },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'h' },
      { id: 'e2', source: 'h', sourceHandle: 'success', target: 'r' },
    ],
  };
}

/** A draft that saves but does not validate: no trigger, and an edge to nowhere. */
export const INVALID = {
  schemaVersion: 1,
  nodes: [{ id: 'r', type: 'respond', name: 'answer', config: {} }],
  edges: [{ id: 'e1', source: 'r', target: 'ghost' }],
};

/** Signs in a new user of the admin's tenant holding exactly `permissions`; returns the access token. */
export async function signInWith(t: TestApp, permissions: string[]): Promise<string> {
  const email = `u${crypto.randomBytes(4).toString('hex')}@test.local`;
  const [{ tenant_id }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
  await t.db.query(`INSERT INTO users (tenant_id, email, password_hash, permissions) VALUES ($1, $2, $3, $4)`, [
    tenant_id,
    email,
    await hash('password123'),
    permissions,
  ]);
  return (await t.http().post('/api/v1/auth/login').send({ email, password: 'password123' }).expect(200)).body
    .accessToken;
}

export interface SignedIn {
  token: string;
  refreshToken: string;
  userId: string;
  email: string;
}

/**
 * Signs in a new user of a tenant (default: the bootstrap admin's) holding the named roles
 * (e.g. 'Admin', 'Integration editor', 'Viewer') and the given direct grants.
 */
export async function signInWithRoles(
  t: TestApp,
  roleNames: string[],
  permissions: string[] = [],
  tenantId?: string,
): Promise<SignedIn> {
  const email = `u${crypto.randomBytes(4).toString('hex')}@test.local`;
  const tid: string = tenantId ?? (await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`))[0].tenant_id;
  const [{ id }] = await t.db.query(
    `INSERT INTO users (tenant_id, email, password_hash, permissions) VALUES ($1, $2, $3, $4) RETURNING id`,
    [tid, email, await hash('password123'), permissions],
  );
  if (roleNames.length) {
    const roles: { id: string }[] = await t.db.query(`SELECT id FROM roles WHERE tenant_id = $1 AND name = ANY($2)`, [
      tid,
      roleNames,
    ]);
    if (roles.length !== roleNames.length) throw new Error(`unknown roles ${roleNames.join(', ')}`);
    await t.db.query(`INSERT INTO user_roles (user_id, role_id) SELECT $1, unnest($2::uuid[])`, [
      id,
      roles.map((r) => r.id),
    ]);
  }
  const login = await t.http().post('/api/v1/auth/login').send({ email, password: 'password123' }).expect(200);
  return { token: login.body.accessToken, refreshToken: login.body.refreshToken, userId: id, email };
}
