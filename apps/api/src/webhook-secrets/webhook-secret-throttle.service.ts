import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  FAILURE_WINDOW_SECONDS,
  recordAndCountFailure,
  retryAfterSeconds,
  type FailureCount,
} from '../platform/throttle/failure-log';
import { TooManyAttemptsException } from '../platform/throttle/too-many-attempts.exception';

/** Wrong secrets allowed per flow key and client address in the window (then 429). */
export const MAX_SECRET_FAILURES = 10;
/** Chosen secret values a tenant may set on flows with one key in the window (each one answers "is it taken?"). */
export const MAX_CHOSEN_SETS = 10;
/** Addresses (per flow key) this process keeps state for. */
const MAX_ENTRIES = 10_000;
/** Values remembered as good per flow key and address. */
const MAX_GOOD = 8;

const WINDOW_MS = FAILURE_WINDOW_SECONDS * 1000;

interface Local {
  /** Failures this process knows of since `since`: its own, or the shared count, whichever is more. */
  failures: number;
  since: number;
  /** Values refused without a check until then (epoch ms); 0: not blocked. */
  blockedUntil: number;
}

/** Keeps at most `max` entries, the least recently set evicted first. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/**
 * Throttles guessing of webhook secrets, per flow key and client address: after 10 wrong values in
 * 15 minutes, the address's further values for that key are refused with 429 and Retry-After,
 * without being checked. Failures are counted in PostgreSQL (common/throttle/failure-log, with the
 * sign-in throttle), so every process sees them; each process also counts its own at once, so
 * concurrent guesses in one process stop at the limit exactly (across N processes, at most N times
 * the limit are checked before each has seen the shared count).
 *
 * A valid call costs no database round trip: `gate` and `passed` only read and write this
 * process's maps. A value that opened the flow from an address keeps working from there while the
 * address is blocked (a counterpart behind a shared egress, or a call center's NAT, is not locked
 * out by someone else's wrong values); an unknown value is refused unchecked, so a blocked guesser
 * learns nothing.
 */
@Injectable()
export class WebhookSecretThrottle {
  private readonly local = new Map<string, Local>();
  private readonly good = new Map<string, Set<string>>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Before a presented value is checked: 0 when it may be, else the seconds to wait (the address
   * is blocked for this key and `digest` is not a value that opened it from there). No I/O.
   */
  gate(flowKey: string, ip: string, digest: string): number {
    if (this.local.size === 0) return 0;
    const key = `${flowKey} ${ip}`;
    const e = this.local.get(key);
    if (!e) return 0;
    const now = Date.now();
    if (e.blockedUntil > now) return this.good.get(key)?.has(digest) ? 0 : Math.ceil((e.blockedUntil - now) / 1000);
    if (e.blockedUntil > 0 || now - e.since > WINDOW_MS) this.local.delete(key);
    return 0;
  }

  /** The value opened the flow from this address: it keeps working there during a block. No I/O. */
  passed(flowKey: string, ip: string, digest: string): void {
    const key = `${flowKey} ${ip}`;
    const set = this.good.get(key);
    if (set?.has(digest)) return;
    const next = new Set(set ? [...set].slice(-(MAX_GOOD - 1)) : []).add(digest);
    touch(this.good, key, next, MAX_ENTRIES);
  }

  /**
   * A wrong value: counted here at once and in PostgreSQL. Returns the seconds to wait when the
   * shared count was already past the limit (the caller answers 429), else 0 (401); at the limit,
   * the address is blocked for this key from the next value on.
   */
  async failed(flowKey: string, ip: string): Promise<number> {
    const key = `${flowKey} ${ip}`;
    const now = Date.now();
    const e = this.local.get(key) ?? { failures: 0, since: now, blockedUntil: 0 };
    e.failures++;
    if (e.failures >= MAX_SECRET_FAILURES && e.blockedUntil === 0) e.blockedUntil = now + WINDOW_MS;
    touch(this.local, key, e, MAX_ENTRIES);
    let shared: FailureCount;
    try {
      shared = await recordAndCountFailure(this.db, `hook:${flowKey}|${ip}`);
    } catch {
      // The database failed: this process's count still holds the line.
      return 0;
    }
    e.failures = Math.max(e.failures, shared.n);
    if (shared.n >= MAX_SECRET_FAILURES) e.blockedUntil = shared.oldest.getTime() + WINDOW_MS;
    return shared.n > MAX_SECRET_FAILURES ? retryAfterSeconds(shared, MAX_SECRET_FAILURES) : 0;
  }

  /**
   * Counts one chosen value set by `tenantId` on its flow with this key, before anything is
   * checked; 429 past the limit. Whether a chosen value is refused tells whether another tenant's
   * flow with this key holds it, so the endpoint must not become a faster guessing oracle than
   * calling the webhook.
   */
  async chosenSet(tenantId: string, flowKey: string): Promise<void> {
    const count = await recordAndCountFailure(this.db, `hookset:${tenantId}|${flowKey}`);
    if (count.n > MAX_CHOSEN_SETS) {
      const wait = retryAfterSeconds(count, MAX_CHOSEN_SETS);
      throw new TooManyAttemptsException(
        `too many chosen webhook secrets for flows with the key "${flowKey}"; try again in ${wait} s, ` +
          'or omit the value to have one generated',
        wait,
      );
    }
  }
}
