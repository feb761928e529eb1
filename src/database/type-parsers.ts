import { types } from 'pg';

/** The OIDs of the two types whose text node-postgres parses on almost every row Guichet reads. */
const TIMESTAMPTZ: number = types.builtins.TIMESTAMPTZ;
/** `_text`, which @types/pg's builtins do not list */
const TEXT_ARRAY = 1009;

const builtin = (oid: number, format?: 'text' | 'binary'): unknown => types.getTypeParser(oid as never, format as 'text');
const parseTimestamptz = builtin(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;
const parseTextArray = builtin(TEXT_ARRAY, 'text') as (text: string) => (string | null)[] | null;

const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const two = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);
const isDigits = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

/**
 * A `timestamptz` as node-postgres's own parser (postgres-date) reads it, for the form a UTC
 * session writes — `2026-12-02 09:05:07.123456+00`, years 1000–9999, 0 to 6 decimals — without
 * its regular expressions: the same Date, the fraction truncated to the millisecond. Any other
 * form (another offset, BC, infinity) goes to that parser. A staff inbox page holds about 230
 * instants and 50 text arrays; node-postgres's parsers spent about a tenth of the request's CPU
 * on them.
 */
export function fastTimestamptz(text: string): Date | number | null {
  const n = text.length;
  if (n >= 22 && n <= 29 && text.charCodeAt(n - 3) === 43 /* + */ && text.charCodeAt(n - 2) === 48 && text.charCodeAt(n - 1) === 48 && text.charCodeAt(0) !== 48) {
    const fraction = n - 3 - 19; // characters between the seconds and the offset: none, or "." and 1 to 6 digits
    if (
      text[4] === '-' && text[7] === '-' && text[10] === ' ' && text[13] === ':' && text[16] === ':' &&
      isDigits(text, 0, 4) && isDigits(text, 5, 7) && isDigits(text, 8, 10) && isDigits(text, 11, 13) && isDigits(text, 14, 16) && isDigits(text, 17, 19) &&
      (fraction === 0 || (fraction >= 2 && fraction <= 7 && text[19] === '.' && isDigits(text, 20, n - 3)))
    ) {
      let ms = 0;
      for (let i = 0; i < 3; i++) ms = ms * 10 + (20 + i < n - 3 ? digit(text, 20 + i) : 0);
      return new Date(Date.UTC(digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2), two(text, 5) - 1, two(text, 8), two(text, 11), two(text, 14), two(text, 17), ms));
    }
  }
  return parseTimestamptz(text);
}

/**
 * A `text[]` as node-postgres's own parser (postgres-array) reads it, for the plain form — no
 * element quoted, none NULL, one dimension: `{medtech,ai}` — by splitting at the commas; any
 * other form goes to that parser. (PostgreSQL quotes an element holding a comma, brace, quote,
 * backslash or space, or one that is empty or reads NULL.)
 */
export function fastTextArray(text: string): (string | null)[] | null {
  const n = text.length;
  if (n >= 2 && text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(n - 1) === 125 /* } */) {
    if (n === 2) return [];
    const inner = text.slice(1, -1);
    if (!/["\\{}]/.test(inner)) {
      const elements = inner.split(',');
      if (!elements.includes('NULL')) return elements;
    }
  }
  return parseTextArray(text);
}

/**
 * The pool's type parsers (node-postgres's `types` option): node-postgres's own for every type,
 * but `timestamptz` and `text[]` read by the fast paths above. Given to the app's pool only;
 * node-postgres's global table is left as it is.
 */
export const TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (format !== 'binary') {
      if (oid === TIMESTAMPTZ) return fastTimestamptz;
      if (oid === TEXT_ARRAY) return fastTextArray;
    }
    return builtin(oid, format);
  },
};
