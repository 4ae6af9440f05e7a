import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';

/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$I2dmI8aU6mz/5LtaaJ6TOg$V6r7B/Bj5qW9a33XShOzW/rd09gkfGAdXM65OrMT7Lw';

/**
 * Most accounts one email may open without `tenantId` (oldest first). An email is unique per
 * tenant only, so the same address may exist in several tenants; each costs one password check.
 */
export const MAX_SIGN_IN_CANDIDATES = 8;

/** What an email and password open: nothing, one account, or accounts in several tenants. */
export type SignInOutcome =
  /** `accounts`: the active accounts the email names, none of which the password opened (for the audit log). */
  | { kind: 'none'; accounts: { id: string; tenantId: string }[] }
  | { kind: 'one'; user: { id: string; tenantId: string } }
  | { kind: 'several'; tenants: { tenantId: string; name: string }[] };

/** 409 for a password valid in several tenants: the caller proved it owns each, so they are named. */
export function severalTenants(tenants: { tenantId: string; name: string }[]): ConflictException {
  const message = 'this email and password open accounts in several tenants: sign in again with the tenantId of one';
  return new ConflictException({ message, details: { tenants } });
}

interface CandidateRow {
  id: string;
  tenant_id: string;
  tenant_name: string;
  password_hash: string;
}

/**
 * Finds the account an email and password open, without depending on what other tenants create.
 * Sign-in has no tenant field: the active users with that email (in every tenant, or in `tenantId`
 * when given) are the candidates, oldest first, and the password is checked against each of them
 * at once (argon2 runs on the thread pool), so a tenant that adds a user with someone else's email
 * adds a password check, never a refusal. A caller without a valid password learns nothing:
 * unknown email, wrong password and an email that also exists elsewhere all end in `null` after at
 * least one full check (`none`: the same 401 for the caller). Only a password valid in several
 * tenants (the same person, the same password) asks which tenant (`several`: 409 naming them).
 */
@Injectable()
export class PasswordSignIn {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(email: string, password: string, tenantId?: string): Promise<SignInOutcome> {
    const rows: CandidateRow[] = await this.db.query(
      `SELECT u.id, u.tenant_id, t.name AS tenant_name, u.password_hash
       FROM users u JOIN tenants t ON t.id = u.tenant_id
       WHERE u.email = $1 AND u.active AND ($2::uuid IS NULL OR u.tenant_id = $2::uuid)
       ORDER BY u.created_at, u.id LIMIT $3`,
      [email, tenantId ?? null, MAX_SIGN_IN_CANDIDATES],
    );
    const hashes = rows.length > 0 ? rows.map((r) => r.password_hash) : [DUMMY_HASH];
    const ok = await Promise.all(hashes.map((h) => verify(h, password).catch(() => false)));
    const opened = rows.filter((_r, i) => ok[i]);
    if (opened.length === 0) return { kind: 'none', accounts: rows.map((r) => ({ id: r.id, tenantId: r.tenant_id })) };
    if (opened.length > 1) {
      return { kind: 'several', tenants: opened.map((r) => ({ tenantId: r.tenant_id, name: r.tenant_name })) };
    }
    return { kind: 'one', user: { id: opened[0]!.id, tenantId: opened[0]!.tenant_id } };
  }
}
