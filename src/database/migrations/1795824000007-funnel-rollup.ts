import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The funnel report over long periods (issue 9: a year of a 1,000,000-case database in ≤ 500 ms).
 *
 * Computing it from the timeline took 17 s at that size: every move of the year (3.5 M events)
 * joined to its case, and every case of the cohort re-reading its own events. Two changes:
 *
 * 1. `applications.first_decided_at`: the first move into accepted, referred or declined, never
 *    reset by a reopening (unlike `decided_at`). With `first_responded_at` (set once, by the first
 *    staff answer) a case's funnel facts are columns of its row, not a scan of its events.
 *    Backfilled here from the timeline.
 *
 * 2. A per-day rollup, filled lazily by the report itself (in src/reports/) for
 *    Paris days that ended before yesterday:
 *    - `funnel_day_moves`: moves into each status on that day, per programme they count under;
 *    - `funnel_day_cohorts`: the cases submitted that day whose status is final (accepted,
 *      referred, declined, withdrawn): their counts, met/settled figures and the values the
 *      medians need. A final case's figures no longer depend on the time of reading. Open cases
 *      are always read live (a few percent of the cases).
 *    A day's rows are trusted only while `funnel_days.stale` is false. Triggers mark days stale:
 *    - a case whose programme changes, or which enters or leaves a final status (decision,
 *      withdrawal, reopening): every day it has events on (its moves count under its programme,
 *      and its submission day's cohort changed). Upsert, so that a report computing that day in a
 *      concurrent REPEATABLE READ transaction fails to store it (serialization failure) rather
 *      than store a stale day;
 *    - an event inserted on a day already rolled up (only demo seeding or a test clock writes
 *      into the past: the app stamps events with the current time).
 *    Events are never deleted (the table is append-only; retention scrubs text only).
 */
export class FunnelRollup1795824000007 implements MigrationInterface {
  name = 'FunnelRollup1795824000007';

  async up(q: QueryRunner): Promise<void> {
    // the backfill rewrites every decided case (about a minute at 1,000,000 cases): no 30 s limit here
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`ALTER TABLE applications ADD COLUMN first_decided_at timestamptz(3)`);
    await q.query(`
      UPDATE applications a SET first_decided_at = d.at
      FROM (SELECT application_id, min(at) AS at FROM case_events
            WHERE type = 'status_changed' AND data->>'to' IN ('accepted', 'referred', 'declined')
            GROUP BY application_id) d
      WHERE a.id = d.application_id`);
    // N(day) = business days up to and including day, so business_days_between(x, y) = N(y) - N(x)
    await q.query(`ALTER TABLE calendar_days ADD COLUMN business_seq integer`);
    await q.query(`
      UPDATE calendar_days c SET business_seq = x.n
      FROM (SELECT day, (count(*) FILTER (WHERE business) OVER (ORDER BY day))::int AS n FROM calendar_days) x
      WHERE c.day = x.day`);
    await q.query(`ALTER TABLE calendar_days ALTER COLUMN business_seq SET NOT NULL`);
    // the n-th business day after a day: business_seq = N(day) + n
    await q.query(`CREATE UNIQUE INDEX calendar_days_business_seq_idx ON calendar_days (business_seq) WHERE business`);
    // the cohort's open cases, read live by every report
    await q.query(`
      CREATE INDEX applications_open_submitted_idx ON applications (submitted_at)
      INCLUDE (status, inbox_programme, first_responded_at, first_decided_at, first_response_due_at, decision_due_at, paused_at, withdrawn_at)
      WHERE status IN ('submitted', 'in_review', 'info_requested')`);

    await q.query(`CREATE TABLE funnel_days (day date PRIMARY KEY, stale boolean NOT NULL, computed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`
      CREATE TABLE funnel_day_moves (
        day       date NOT NULL REFERENCES funnel_days (day) ON DELETE CASCADE,
        programme text NOT NULL,
        status    text NOT NULL,
        n         integer NOT NULL,
        PRIMARY KEY (day, programme, status)
      )`);
    await q.query(`
      CREATE TABLE funnel_day_cohorts (
        day                    date NOT NULL REFERENCES funnel_days (day) ON DELETE CASCADE,
        programme              text NOT NULL,
        submitted              integer NOT NULL,
        first_responses        integer NOT NULL,
        decisions              integer NOT NULL,
        first_response_settled integer NOT NULL,
        first_response_met     integer NOT NULL,
        decision_settled       integer NOT NULL,
        decision_met           integer NOT NULL,
        -- the medians' values, packed (a year is half a million values: read as two byte strings
        -- and selected in the app rather than unnested and sorted in SQL)
        response_hours         bytea NOT NULL, -- float4send() of each answered case's hours to first response
        decision_days          bytea NOT NULL, -- int2send() of each decided case's business days to decision
        PRIMARY KEY (day, programme)
      )`);

    await q.query(`
      CREATE FUNCTION funnel_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO funnel_days (day, stale)
        SELECT DISTINCT paris_day(e.at), true FROM case_events e
        WHERE e.application_id = NEW.id AND paris_day(e.at) < paris_day(NEW.updated_at) - 1
        ON CONFLICT (day) DO UPDATE SET stale = true;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER applications_funnel_changed AFTER UPDATE ON applications
      FOR EACH ROW WHEN (OLD.submitted_at IS NOT NULL AND (
        OLD.inbox_programme IS DISTINCT FROM NEW.inbox_programme
        OR (OLD.status IN ('accepted', 'referred', 'declined', 'withdrawn')) IS DISTINCT FROM (NEW.status IN ('accepted', 'referred', 'declined', 'withdrawn'))))
      EXECUTE FUNCTION funnel_case_changed()`);
    await q.query(`
      CREATE FUNCTION funnel_events_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE funnel_days SET stale = true WHERE NOT stale AND day IN (SELECT paris_day(at) FROM new_events);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER case_events_funnel_added AFTER INSERT ON case_events
      REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION funnel_events_added()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER case_events_funnel_added ON case_events`);
    await q.query(`DROP FUNCTION funnel_events_added`);
    await q.query(`DROP TRIGGER applications_funnel_changed ON applications`);
    await q.query(`DROP FUNCTION funnel_case_changed`);
    await q.query(`DROP TABLE funnel_day_cohorts`);
    await q.query(`DROP TABLE funnel_day_moves`);
    await q.query(`DROP TABLE funnel_days`);
    await q.query(`DROP INDEX applications_open_submitted_idx`);
    await q.query(`ALTER TABLE calendar_days DROP COLUMN business_seq`);
    await q.query(`ALTER TABLE applications DROP COLUMN first_decided_at`);
  }
}
