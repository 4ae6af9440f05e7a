import { BadRequestException } from '@nestjs/common';

/**
 * Opaque keyset cursors: the sort key of the last item of a page, as base64url JSON. Clients
 * pass them back verbatim; anything that does not decode to the expected shape is a 400.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor with `arity` values checked by `check`. */
export function decodeCursor(cursor: string, arity: number, check: (values: unknown[]) => boolean): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length !== arity || !check(values))
    throw new BadRequestException('cursor is invalid; pass back the nextCursor of a previous page');
  return values;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
