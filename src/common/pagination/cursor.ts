import { FieldValidationException } from '../http/validation';

/**
 * Opaque keyset cursors: the sort key and id of the last row of a page, base64url JSON.
 * Keyset (not offset) pagination never repeats or skips a row when rows are inserted meanwhile.
 */
export type CursorKey = (string | number | null)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isTimestampOrNull = (v: unknown): boolean => v === null || (typeof v === 'string' && ISO_TIMESTAMP.test(v) && new Date(v).toISOString() === v);
const isUuid = (v: unknown): boolean => typeof v === 'string' && UUID.test(v);
const isSequence = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * What each position of a key holds, by arity: every list's key is `[timestamp or null, id]`
 * (inboxes, threads, users, emails) or `[sequence]` (timelines). A forged cursor is refused here
 * (400) rather than reaching the database as a value it cannot cast (which would be a 500).
 */
const KEY_SHAPES: Record<number, ((v: unknown) => boolean)[]> = {
  1: [isSequence],
  2: [isTimestampOrNull, isUuid],
};

export function decodeCursor(cursor: string | undefined, arity: number): CursorKey | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const shape = KEY_SHAPES[arity];
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((v) => v === null || typeof v === 'string' || typeof v === 'number') &&
      (!shape || key.every((v, i) => shape[i](v)))
    ) {
      return key as CursorKey;
    }
  } catch {
    // fall through
  }
  throw new FieldValidationException([{ field: 'cursor', messages: ['cursor is not a cursor returned by this list'] }]);
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
