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

/**
 * Login throttling kept in PostgreSQL (table login_failures), so every API process shares the
 * counts. Each failure adds a row per key (account+address, address); a success clears the
 * account+address key. Rows older than the window are deleted whenever a failure is recorded.
 */
@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private keys(email: string, ip: string): { account: string; ip: string } {
    return { account: `acct:${email}|${ip}`, ip: `ip:${ip}` };
  }

  /** Throws 429 (with the seconds to wait) when either counter is exhausted. */
  async check(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    const rows: { key: string; n: number; oldest: Date }[] = await this.db.query(
      `SELECT key, count(*)::int AS n, min(created_at) AS oldest FROM (
         SELECT key, created_at FROM login_failures WHERE key = ANY($1) AND created_at > now() - make_interval(secs => $2)
       ) f GROUP BY key`,
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
  }

  async failed(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    // The table only ever holds the last window's failures, so this stays small.
    await this.db.query(`DELETE FROM login_failures WHERE created_at < now() - make_interval(secs => $1)`, [THROTTLE_WINDOW_SECONDS]);
    await this.db.query(`INSERT INTO login_failures (key) VALUES ($1), ($2)`, [k.account, k.ip]);
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE key = $1`, [this.keys(email, ip).account]);
  }
}
