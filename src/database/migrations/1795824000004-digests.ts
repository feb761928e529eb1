import { MigrationInterface, QueryRunner } from 'typeorm';

const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/**
 * The French public holidays of `year` as this migration wrote them, frozen here so that the
 * migration inserts the same rows forever whatever later becomes of the live calendar
 * (`src/domain/business-calendar.ts`, which a unit test keeps equal to this copy).
 */
export function frozenFrenchPublicHolidays(year: number): string[] {
  // Easter Sunday: anonymous Gregorian algorithm (Meeus/Jones/Butcher)
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const easter = Date.UTC(year, Math.floor((h + l - 7 * m + 114) / 31) - 1, ((h + l - 7 * m + 114) % 31) + 1);
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const fixed = (month: number, d: number): string => day(Date.UTC(year, month - 1, d));
  const afterEaster = (n: number): string => day(easter + n * 86_400_000);
  const days = [fixed(1, 1), afterEaster(1), fixed(5, 1), fixed(5, 8), afterEaster(39), afterEaster(50), fixed(7, 14), fixed(8, 15), fixed(11, 1), fixed(11, 11), fixed(12, 25)];
  return [...new Set(days)].sort();
}

/**
 * Weekly digests: one snapshot per recipient and ISO week (figures computed set-based at fan-out,
 * rendered by the email sender), and the business-day calendar as a table so reports can count
 * Europe/Paris business days in SQL with exactly the calendar the service levels use.
 */
export class Digests1795824000004 implements MigrationInterface {
  name = 'Digests1795824000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digests (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES users (id),
        week       text NOT NULL CHECK (week ~ '^\\d{4}-W\\d{2}$'),
        kind       text NOT NULL CHECK (kind IN ('advisor', 'manager')),
        content    jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (user_id, week)
      )`);

    await q.query(`CREATE TABLE calendar_days (day date PRIMARY KEY, business boolean NOT NULL)`);
    const holidays: string[] = [];
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) holidays.push(...frozenFrenchPublicHolidays(year));
    await q.query(
      `INSERT INTO calendar_days (day, business)
       SELECT d::date, extract(isodow FROM d) < 6 AND NOT (d::date = ANY($1::date[]))
       FROM generate_series($2::date, $3::date, interval '1 day') AS d`,
      [holidays, `${FIRST_YEAR}-01-01`, `${LAST_YEAR}-12-31`],
    );
    // business days d with from < d <= to, as businessDaysBetween() in src/domain/business-calendar.ts
    await q.query(`
      CREATE FUNCTION business_days_between(from_day date, to_day date) RETURNS integer
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT count(*)::integer FROM calendar_days WHERE business AND day > from_day AND day <= to_day
      $$`);
    await q.query(`
      CREATE FUNCTION paris_day(at timestamptz) RETURNS date
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (at AT TIME ZONE 'Europe/Paris')::date $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION paris_day(timestamptz)`);
    await q.query(`DROP FUNCTION business_days_between(date, date)`);
    await q.query(`DROP TABLE calendar_days`);
    await q.query(`DROP TABLE digests`);
  }
}
