import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';

type Account = { id: string; tenantId: string };

/** How the sign-in came: the editor (cookie session) or a client of the API (tokens in the body). */
export type SignInVia = 'editor' | 'api';

/**
 * Sign-ins in the audit log (`auth.signed_in`, `auth.sign_in_failed`), with the email typed, the
 * client address and how it came; never the password.
 *
 * A failure is recorded in the tenant of the account the email names, when it names exactly one
 * active account (or `tenantId` was given). An email may exist in several tenants, and a failure
 * cannot tell which was meant: recording it in each would show one tenant another's sign-ins (and
 * addresses), so it goes to none. An unknown email has no tenant to go to.
 *
 * Write cost under a guessing flood: a failure is one INSERT, run for every failed attempt whether
 * or not it inserts a row (the timing must not tell a known email from an unknown one), and only
 * for attempts the login throttle let through (it refuses, 429, before any password check once an
 * address or account+address has had its failures); each such attempt has already paid an argon2
 * check and two throttle rows.
 */
@Injectable()
export class SignInAudit {
  private readonly logger = new Logger('SignInAudit');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async succeeded(user: Account, email: string, ip: string, via: SignInVia): Promise<void> {
    const details = { email, ip, via };
    const entry = { action: 'auth.signed_in' as const, targetType: 'user', targetId: user.id, details };
    await this.audit
      .record({ tenantId: user.tenantId, actorUserId: user.id, ...entry })
      .catch((err: unknown) => this.logger.error({ err }, 'sign-in not recorded in the audit log'));
  }

  /** `accounts`: the active accounts the email names (the password opened none of them). */
  async failed(accounts: readonly Account[], email: string, ip: string, via: SignInVia): Promise<void> {
    const one = accounts.length === 1 ? accounts : [];
    await this.db
      .query(
        `INSERT INTO audit_log (tenant_id, actor_user_id, action, target_type, target_id, details)
         SELECT a.tenant_id, NULL, 'auth.sign_in_failed', 'user', a.user_id::text, $3::jsonb
         FROM unnest($1::uuid[], $2::uuid[]) AS a(tenant_id, user_id)`,
        [one.map((a) => a.tenantId), one.map((a) => a.id), JSON.stringify({ email, ip, via })],
      )
      .catch((err: unknown) => this.logger.error({ err }, 'failed sign-in not recorded in the audit log'));
  }
}
