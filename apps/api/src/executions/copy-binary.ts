import { COPY_COLUMNS, recordedJson, withoutNulEscapes, type ExecutionRow } from './row-encoding';

/**
 * Execution rows in PostgreSQL's binary COPY format (columns as COPY_COLUMNS).
 *
 * Why binary rather than text: a text row needs its JSON escaped for COPY (a regex pass over the
 * steps, which always hold backslashes) and PostgreSQL then scans every line for delimiters and
 * parses uuids and timestamps from text; in binary each field is a length and its bytes. Rows
 * are encoded when they finish, into shared 64 KB slabs, so a batch is a few contiguous buffers
 * (no join of one large string at flush, no large allocations).
 */

/** The stream's header: signature, flags, header-extension length (PostgreSQL docs, "Binary Format"). */
export const COPY_BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** The stream's trailer: a field count of -1. */
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

const FIELDS = COPY_COLUMNS.length;
/** A tuple's bytes besides its strings: field count, a length per field, 4 uuids, 2 int4s, 2 timestamps. */
const FIXED_BYTES = 2 + FIELDS * 4 + 4 * 16 + 2 * 4 + 2 * 8;
const SLAB_BYTES = 64 * 1024;
/** Rows that may be larger than this (3 bytes per UTF-16 unit) get a buffer of their own instead of a slab's tail. */
const OWN_BUFFER_FROM = SLAB_BYTES / 4;
/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
const INT4_MAX = 2_147_483_647;

/** PostgreSQL text cannot hold U+0000 (a PBX's caller name may): stored as U+FFFD rather than losing the batch. */
const NUL = /\0/g;

const DASH = 0x2d;
/** Where each of a uuid's 16 bytes starts in its 8-4-4-4-12 text. */
const UUID_BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

function hexDigit(c: number): number {
  return c < 128 ? HEX[c]! : -1;
}

function notUuid(id: string): TypeError {
  return new TypeError(`not a uuid: ${JSON.stringify(id.slice(0, 40))}`);
}

let slab = Buffer.allocUnsafe(SLAB_BYTES);
let used = 0;

function textOf(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v.includes('\0') ? v.replace(NUL, '\uFFFD') : v;
}

function jsonOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return withoutNulEscapes(recordedJson(v));
}

/** The row as one binary COPY tuple, a view into a slab (or its own buffer when large). */
export function binaryRow(r: ExecutionRow): Buffer {
  const strings = [
    textOf(r.triggerType),
    textOf(r.status),
    textOf(r.eventId),
    textOf(r.callId),
    textOf(r.phone),
    jsonOf(r.input ?? {}),
    jsonOf(r.output),
    jsonOf(r.error),
    jsonOf(r.steps ?? []),
  ];
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a row that surely fits a slab is written in one
  // pass over its text (its exact size is only measured for a buffer of its own).
  let most = FIXED_BYTES;
  for (const s of strings) if (s !== null) most += s.length * 3;
  let buf: Buffer;
  let o: number;
  if (most > OWN_BUFFER_FROM) {
    let bytes = FIXED_BYTES;
    for (const s of strings) if (s !== null) bytes += Buffer.byteLength(s);
    buf = Buffer.allocUnsafe(bytes);
    o = 0;
  } else {
    if (SLAB_BYTES - used < most) {
      slab = Buffer.allocUnsafe(SLAB_BYTES);
      used = 0;
    }
    buf = slab;
    o = used;
  }
  const start = o;
  o = buf.writeInt16BE(FIELDS, o);
  o = uuid(buf, o, r.id);
  o = uuid(buf, o, r.tenantId);
  o = uuid(buf, o, r.flowId);
  o = int4(buf, o, r.flowVersion);
  for (const s of strings) o = text(buf, o, s);
  o = uuid(buf, o, r.retryOf);
  o = timestamp(buf, o, r.startedAt);
  o = timestamp(buf, o, r.finishedAt);
  o = int4(buf, o, r.durationMs);
  if (buf === slab) used = o;
  return buf.subarray(start, o);
}

function text(buf: Buffer, o: number, s: string | null): number {
  if (s === null) return buf.writeInt32BE(-1, o);
  const n = buf.write(s, o + 4);
  buf.writeInt32BE(n, o);
  return o + 4 + n;
}

function int4(buf: Buffer, o: number, v: number | null | undefined): number {
  if (v === null || v === undefined || !Number.isFinite(v)) return buf.writeInt32BE(-1, o);
  buf.writeInt32BE(4, o);
  return buf.writeInt32BE(Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(v))), o + 4);
}

/** timestamptz: int64 microseconds since 2000-01-01 UTC, written as two 32-bit halves (exact below 2^53). */
function timestamp(buf: Buffer, o: number, d: Date | null | undefined): number {
  const ms = d === null || d === undefined ? NaN : d.getTime();
  if (!Number.isFinite(ms)) return buf.writeInt32BE(-1, o);
  const us = (ms - PG_EPOCH_MS) * 1000;
  const hi = Math.floor(us / TWO_32);
  buf.writeInt32BE(8, o);
  buf.writeInt32BE(hi, o + 4);
  return buf.writeUInt32BE(us - hi * TWO_32, o + 8);
}

/** uuid: its 16 bytes, from the canonical 8-4-4-4-12 hex form. */
function uuid(buf: Buffer, o: number, id: string | null | undefined): number {
  if (id === null || id === undefined) return buf.writeInt32BE(-1, o);
  if (
    id.length !== 36 ||
    id.charCodeAt(8) !== DASH ||
    id.charCodeAt(13) !== DASH ||
    id.charCodeAt(18) !== DASH ||
    id.charCodeAt(23) !== DASH
  )
    throw notUuid(id);
  buf.writeInt32BE(16, o);
  let p = o + 4;
  for (const i of UUID_BYTE_AT) {
    const hi = hexDigit(id.charCodeAt(i));
    const lo = hexDigit(id.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) throw notUuid(id);
    buf[p++] = (hi << 4) | lo;
  }
  return p;
}

/**
 * Rows' buffers with neighbours in the same slab merged (they were encoded one after the other),
 * so a batch is written as a few chunks rather than one per row.
 */
export function contiguous(rows: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let first: Buffer | undefined;
  let length = 0;
  for (const b of rows) {
    if (first !== undefined && b.buffer === first.buffer && b.byteOffset === first.byteOffset + length)
      length += b.length;
    else {
      if (first !== undefined)
        out.push(length === first.length ? first : Buffer.from(first.buffer, first.byteOffset, length));
      first = b;
      length = b.length;
    }
  }
  if (first !== undefined)
    out.push(length === first.length ? first : Buffer.from(first.buffer, first.byteOffset, length));
  return out;
}
