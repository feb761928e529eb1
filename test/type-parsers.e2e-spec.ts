import { types } from 'pg';
import { fastTextArray, fastTimestamptz } from '../src/database/type-parsers';
import { withServer } from './support/databases';

const pgDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;
const pgTextArray = types.getTypeParser(1009 as never, 'text') as (text: string) => (string | null)[] | null;

/**
 * The app's pool reads timestamptz and text[] through fast paths (src/database/type-parsers.ts):
 * on what the real PostgreSQL writes, they answer what node-postgres's own parsers answer.
 */
describe('fast type parsers on what PostgreSQL writes', () => {
  it('read 20,000 random instants of every precision, in a UTC session and in a Paris one, as postgres-date does', async () => {
    await withServer(async (c) => {
      for (const zone of ['UTC', 'Europe/Paris']) {
        await c.query(`SET TimeZone = '${zone}'`);
        // an instant a row, written at each precision 0 to 6 (`i * 0` ties random() to the row,
        // or the lateral subquery is computed once for all of them)
        const { rows } = await c.query<{ t: string }>(
          `SELECT CASE i % 7 ${[0, 1, 2, 3, 4, 5].map((p) => `WHEN ${p} THEN x::timestamptz(${p})::text`).join(' ')} ELSE x::text END AS t
           FROM generate_series(1, 10000) i, LATERAL (SELECT timestamptz '1000-01-01 00:00:00+00' + (i * 0 + random()) * interval '8999 years' AS x) r`,
        );
        for (const { t } of rows) {
          const fast = fastTimestamptz(t) as Date;
          const own = pgDate(t) as Date;
          if (fast.getTime() !== own.getTime()) throw new Error(`${zone} ${t}: ${fast.toISOString()} against ${own.toISOString()}`);
        }
      }
    });
  });

  it('read text arrays, plain or not, as postgres-array does', async () => {
    await withServer(async (c) => {
      const { rows } = await c.query<{ t: string }>(
        `SELECT a::text AS t FROM (VALUES
           (ARRAY[]::text[]), (ARRAY['medtech', 'ai']), (ARRAY['a', NULL, 'b']), (ARRAY['NULL']), (ARRAY['']), (ARRAY['a,b', 'c d']),
           (ARRAY['quote"d', 'back\\slash', '{brace}']), (ARRAY['é', '日本']), (ARRAY[['a', 'b'], ['c', 'd']])) v(a)`,
      );
      expect(rows.length).toBe(9);
      for (const { t } of rows) expect(fastTextArray(t)).toEqual(pgTextArray(t));
    });
  });
});
