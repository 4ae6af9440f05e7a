import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import crypto from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

/** Refresh tokens live this long (each rotation starts a new period). */
export const REFRESH_TTL_SECONDS = 30 * 24 * 3600;

/** A new refresh token and its family: the sign-in session, named in access tokens as `sid`. */
export interface IssuedRefreshToken {
  token: string;
  familyId: string;
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * Opaque refresh tokens (256 random bits, stored as SHA-256), rotated on use. All tokens issued
 * from one login share a family: presenting a token that was already rotated or revoked revokes
 * the whole family (a stolen token used twice ends the session for both holders).
 */
@Injectable()
export class RefreshTokensService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issue(
    userId: string,
    tenantId: string,
    familyId: string = crypto.randomUUID(),
    m: EntityManager = this.db.manager,
  ): Promise<IssuedRefreshToken> {
    const token = 'cfr_' + crypto.randomBytes(32).toString('base64url');
    // Expired tokens are useless, even for reuse detection: drop the user's old ones as new ones are issued.
    await m.query(`DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at < now()`, [userId]);
    await m.query(
      `INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [tenantId, userId, familyId, hashToken(token), REFRESH_TTL_SECONDS],
    );
    return { token, familyId };
  }

  /** Revokes `token` and returns a new one of the same family with its user; 401 when unusable. */
  async rotate(token: string): Promise<{ userId: string; tenantId: string; refreshToken: IssuedRefreshToken }> {
    const result = await this.db.transaction(async (m) => {
      const rows: {
        id: string;
        user_id: string;
        tenant_id: string;
        family_id: string;
        revoked: boolean;
        expired: boolean;
      }[] = await m.query(
        `SELECT id, user_id, tenant_id, family_id, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.revoked) {
        await m.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [
          row.family_id,
        ]);
        return 'reused' as const;
      }
      if (row.expired) return null;
      await m.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE id = $1`, [row.id]);
      const refreshToken = await this.issue(row.user_id, row.tenant_id, row.family_id, m);
      return { userId: row.user_id, tenantId: row.tenant_id, refreshToken };
    });
    if (result === 'reused')
      throw new UnauthorizedException('this refresh token was already used; the session is revoked, sign in again');
    if (!result) throw new UnauthorizedException('the refresh token is invalid or expired');
    return result;
  }

  /** Revokes the token's whole family (sign-out). Unknown tokens are ignored. */
  async revokeFamily(token: string): Promise<void> {
    await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
       WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [hashToken(token)],
    );
  }

  /** Ends every session of a user (deactivated, password changed). */
  async revokeUser(userId: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }
}
