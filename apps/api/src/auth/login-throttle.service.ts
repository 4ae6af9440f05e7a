import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Failed logins counted over this window. */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
/** Failures allowed per account and address, then per address (any account), within the window. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

export class TooManyLoginsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins; try again in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** A sign-in attempt counted as a failure until `succeeded` refunds it. */
export interface LoginAttempt {
  rowIds: string[];
  accountKey: string;
}

/**
 * Login throttling kept in PostgreSQL (table login_failures), so every API process shares the
 * counts. An attempt is counted BEFORE its password is checked: `begin` takes a transaction-scoped
 * lock on the client address, counts the window's failures of the account+address and of the
 * address, and either refuses (429) or records the attempt as a failure, all under that lock, so
 * 100 concurrent wrong passwords get at most the limit checked (counting after the check let 14
 * of 100 through a limit of 5). A success takes its own rows back and clears the account+address.
 * The address is the connection's, or X-Forwarded-For's only from proxies TRUST_PROXY names.
 */
@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private keys(email: string, ip: string): { account: string; ip: string } {
    return { account: `acct:${email}|${ip}`, ip: `ip:${ip}` };
  }

  /** Counts one attempt; throws 429 (with the seconds to wait) when either counter is exhausted. */
  async begin(email: string, ip: string): Promise<LoginAttempt> {
    const k = this.keys(email, ip);
    return this.db.transaction(async (m) => {
      // Both counters involve this address: one lock serialises every attempt that could race.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [k.ip]);
      const rows: { key: string; n: number; oldest: Date }[] = await m.query(
        `SELECT key, count(*)::int AS n, min(created_at) AS oldest FROM login_failures
         WHERE key = ANY($1) AND created_at > now() - make_interval(secs => $2) GROUP BY key`,
        [[k.account, k.ip], THROTTLE_WINDOW_SECONDS],
      );
      let wait = 0;
      for (const r of rows) {
        const limit = r.key === k.account ? MAX_FAILURES_PER_ACCOUNT : MAX_FAILURES_PER_IP;
        if (r.n < limit) continue;
        // Blocked until enough of the failures age out of the window; the oldest first.
        const until = new Date(r.oldest).getTime() + THROTTLE_WINDOW_SECONDS * 1000;
        wait = Math.max(wait, Math.ceil((until - Date.now()) / 1000));
      }
      if (wait > 0) throw new TooManyLoginsException(wait);
      // The table only ever holds the last window's failures, so this stays small.
      await m.query(`DELETE FROM login_failures WHERE created_at < now() - make_interval(secs => $1)`, [
        THROTTLE_WINDOW_SECONDS,
      ]);
      const ids: { id: string }[] = await m.query(`INSERT INTO login_failures (key) VALUES ($1), ($2) RETURNING id`, [
        k.account,
        k.ip,
      ]);
      return { rowIds: ids.map((r) => String(r.id)), accountKey: k.account };
    });
  }

  /** The password was right: the attempt is no failure, and the account's failures from this address are forgiven. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE id = ANY($1::bigint[]) OR key = $2`, [
      attempt.rowIds,
      attempt.accountKey,
    ]);
  }

  /** The attempt could not be judged (e.g. the database failed mid-way): it does not count. */
  async abandoned(attempt: LoginAttempt): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE id = ANY($1::bigint[])`, [attempt.rowIds]);
  }
}
