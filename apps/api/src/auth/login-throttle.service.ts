import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { countFailures, recordFailures, retryAfterSeconds } from '../platform/throttle/failure-log';

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
 * Login throttling kept in PostgreSQL (common/throttle/failure-log), so every API process shares
 * the counts. An attempt is counted BEFORE its password is checked: `begin` takes a transaction-scoped
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
      const counts = await countFailures(m, [k.account, k.ip]);
      // Blocked until enough of the failures age out of the window; the oldest first.
      const wait = Math.max(
        retryAfterSeconds(counts.get(k.account), MAX_FAILURES_PER_ACCOUNT),
        retryAfterSeconds(counts.get(k.ip), MAX_FAILURES_PER_IP),
      );
      if (wait > 0) throw new TooManyLoginsException(wait);
      return { rowIds: await recordFailures(m, [k.account, k.ip]), accountKey: k.account };
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
