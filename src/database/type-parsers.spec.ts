import { types } from 'pg';
import { fastTextArray, fastTimestamptz, TYPE_PARSERS } from './type-parsers';

const pgDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;
const pgTextArray = types.getTypeParser(1009 as never, 'text') as (text: string) => (string | null)[] | null;

/** How PostgreSQL writes a timestamptz in a UTC session: trailing zeros of the fraction dropped. */
function pgText(instantMs: number, micros: number): string {
  const iso = new Date(instantMs).toISOString(); // yyyy-mm-ddThh:mm:ss.mmmZ
  const fraction = String(micros).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

const same = (a: unknown, b: unknown): void => {
  if (a instanceof Date && b instanceof Date) expect(a.getTime()).toBe(b.getTime());
  else expect(a).toEqual(b);
};

describe('fastTimestamptz', () => {
  it('reads every fraction of a second, 0 to 6 digits, as postgres-date does', () => {
    const second = Date.UTC(2026, 11, 2, 9, 5, 7);
    for (let micros = 0; micros < 1_000_000; micros++) {
      const text = pgText(second, micros);
      const fast = fastTimestamptz(text) as Date;
      if (fast.getTime() !== (pgDate(text) as Date).getTime()) throw new Error(`${text}: ${fast.toISOString()} against ${(pgDate(text) as Date).toISOString()}`);
    }
  });

  it('reads 50,000 random instants of years 1000 to 9999 as postgres-date does', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const from = Date.UTC(1000, 0, 1);
    const to = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 50_000; i++) {
      const text = pgText(Math.floor((from + random() * (to - from)) / 1000) * 1000, Math.floor(random() * 1_000_000));
      same(fastTimestamptz(text), pgDate(text));
    }
  });

  it('leaves every other form to postgres-date, with its answer', () => {
    const others = [
      '2026-12-02 10:05:07.123+01',
      '2026-12-02 04:35:07-05:30',
      '2026-03-29 03:00:00+02',
      '0999-12-31 23:59:59.999+00',
      '0044-03-15 12:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      'infinity',
      '-infinity',
      '2026-12-02 09:05:07.+00',
      '2026-12-02 09:05:07.1234567+00',
      '2026-12-02T09:05:07+00',
      '12026-12-02 09:05:07+00',
    ];
    for (const text of others) same(fastTimestamptz(text), pgDate(text));
  });
});

describe('fastTextArray', () => {
  it('reads arrays as postgres-array does, splitting only the plain ones', () => {
    const arrays = [
      '{}',
      '{medtech}',
      '{medtech,ai,diagnostics}',
      '{NULL}',
      '{a,NULL,b}',
      '{"NULL"}',
      '{""}',
      '{"a,b",c}',
      '{"with space",x}',
      '{"quote\\"inside"}',
      '{"back\\\\slash"}',
      '{{a,b},{c,d}}',
      '[0:1]={a,b}',
      '{é,ü,日本}',
      '{NULLS,xNULL}',
    ];
    for (const text of arrays) expect(fastTextArray(text)).toEqual(pgTextArray(text));
  });
});

describe('TYPE_PARSERS', () => {
  it('gives the fast paths for text timestamptz and text[], and node-postgres’s own parser for everything else', () => {
    expect(TYPE_PARSERS.getTypeParser(1184, 'text')).toBe(fastTimestamptz);
    expect(TYPE_PARSERS.getTypeParser(1184)).toBe(fastTimestamptz);
    expect(TYPE_PARSERS.getTypeParser(1009, 'text')).toBe(fastTextArray);
    expect(TYPE_PARSERS.getTypeParser(1184, 'binary')).toBe(types.getTypeParser(1184 as never, 'binary'));
    expect(TYPE_PARSERS.getTypeParser(20, 'text')).toBe(types.getTypeParser(20 as never, 'text'));
    expect(TYPE_PARSERS.getTypeParser(1114, 'text')).toBe(types.getTypeParser(1114 as never, 'text'));
  });
});
