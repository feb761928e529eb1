import { BadRequestException } from '@nestjs/common';

/**
 * Opaque keyset cursors: the sort key and id of the last row of a page, base64url JSON.
 * Keyset (not offset) pagination never repeats or skips a row when rows are inserted meanwhile.
 */
export type CursorKey = (string | number | null)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): CursorKey | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
      return key as CursorKey;
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({ message: ['cursor is not a cursor returned by this list'], errors: [{ field: 'cursor', messages: ['cursor is not a cursor returned by this list'] }] });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fetch limit + 1 rows; this trims the extra one and builds the next cursor from the last item kept. */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, keyOf: (row: R) => CursorKey): Page<T> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  return { items: kept.map(view), nextCursor: hasMore ? encodeCursor(keyOf(kept[kept.length - 1])) : null };
}
