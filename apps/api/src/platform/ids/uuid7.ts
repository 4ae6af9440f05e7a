import crypto from 'node:crypto';

const POOL_IDS = 256;
/** RFC 9562 variant bits (10xx) over two random bits, as a hex digit. */
const VARIANT = ['8', '9', 'a', 'b'];
const pool = Buffer.alloc(10 * POOL_IDS);
let poolAt = pool.length;
let lastMs = 0;
let seq = 0;
/** The id's first 15 characters (time and version) for lastMs, built once per millisecond. */
let prefixMs = -1;
let prefix = '';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps the ids
 * of one process strictly increasing within a millisecond (method 1), 62 random bits. Execution
 * ids are these: events accepted in one request share `created_on`, and the queue breaks that tie
 * by id, so the batch runs in the order it was sent; new rows also land at the right edge of the
 * primary key instead of on random pages.
 */
export function uuidv7(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else if (++seq > 0xfff) {
    // 4096 ids in one millisecond (or the clock went back): borrow the next millisecond.
    lastMs++;
    seq = 0;
  }
  if (poolAt === pool.length) {
    crypto.randomFillSync(pool);
    poolAt = 0;
  }
  if (prefixMs !== lastMs) {
    const t = lastMs.toString(16).padStart(12, '0');
    prefix = `${t.slice(0, 8)}-${t.slice(8)}-7`;
    prefixMs = lastMs;
  }
  const r = pool.toString('hex', poolAt, (poolAt += 10));
  const variant = VARIANT[parseInt(r[3]!, 16) & 0x3]!;
  return `${prefix}${seq.toString(16).padStart(3, '0')}-${variant}${r.slice(0, 3)}-${r.slice(4, 16)}`;
}
