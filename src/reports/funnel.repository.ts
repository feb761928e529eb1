import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ParisDay } from '../domain/business-calendar';
import { closedSql, decisionPausedSql, decisionRunningSql, firstResponseRunningSql, openSql, PROGRAMME_DECISION_STATUSES, statusIn, withdrawnSql } from '../domain/case-sql';

/** The instant ranges [starts[i], ends[i]) of the days read live (not rolled up). */
export interface InstantRanges {
  starts: Date[];
  ends: Date[];
}

/** Moves into a status, under a programme ('' for none). */
export interface MoveCount {
  status: string;
  programme: string;
  n: number;
}

/**
 * Moves into each status whose event matches `where` (a period), per Paris day and the
 * programme they count under ('' for none):
 *  - `submitted`  : `submitted` events;
 *  - `withdrawn`  : `withdrawn` events (founder, or system on erasure);
 *  - every other  : `status_changed` events by their `data.to` (in_review counts reviews, resumes
 *                   after an info request and reopenings alike).
 * Programme of an event: `data.programme` for a move into accepted/referred (the decision's
 * programme), else the case's current `inbox_programme` (decided programme, else top recommendation).
 */
function movesSql(where: string, attribute: boolean): string {
  if (!attribute) {
    // every programme together: the case's programme does not matter, no join
    return `
      SELECT paris_day(e.at)::text AS day, '' AS programme, CASE e.type WHEN 'status_changed' THEN e.data->>'to' ELSE e.type END AS status, count(*)::int AS n
      FROM case_events e
      WHERE e.type IN ('submitted', 'withdrawn', 'status_changed') AND ${where}
      GROUP BY 1, 2, 3`;
  }
  return `
    SELECT paris_day(e.at)::text AS day,
           coalesce(CASE WHEN e.type = 'status_changed' AND ${statusIn(`e.data->>'to'`, PROGRAMME_DECISION_STATUSES)}
                         THEN coalesce(e.data->>'programme', a.inbox_programme)
                         ELSE a.inbox_programme END, '') AS programme,
           CASE e.type WHEN 'status_changed' THEN e.data->>'to' ELSE e.type END AS status,
           count(*)::int AS n
    FROM case_events e
    JOIN applications a ON a.id = e.application_id
    WHERE e.type IN ('submitted', 'withdrawn', 'status_changed') AND ${where}
    GROUP BY 1, 2, 3`;
}

/** `(column >= $i AND column < $j) OR …` for instant ranges, their bounds appended to `params`. */
function inRanges(column: string, ranges: InstantRanges, params: unknown[]): string {
  if (ranges.starts.length === 0) return 'false';
  const parts = ranges.starts.map((start, i) => {
    params.push(start, ranges.ends[i]);
    return `(${column} >= $${params.length - 1}::timestamptz AND ${column} < $${params.length}::timestamptz)`;
  });
  return `(${parts.join(' OR ')})`;
}

/**
 * A case's funnel facts, from its row (`source` and `where` select the cases, as `a`; `now` is the SQL of the
 * clock's now). The cohort of a period is the cases whose `submitted_at` lies in it:
 *  - responded_at: `first_responded_at`, the first staff answer (a `status_changed` out of
 *    `submitted` or a `message_posted` by staff; assignment and notes are not);
 *  - decided_at: `first_decided_at`, the first move into accepted, referred or declined (a later
 *    decision after a reopening does not replace it);
 *  - decision_days: business_days_between(paris_day(submitted_at), paris_day(decided_at)),
 *    computed as N(decidedDay) − N(submittedDay) with N = `calendar_days.business_seq`.
 * Service levels, mirroring serviceLevelState (src/domain/service-level.ts) and the inbox's `sla`
 * filter; true = met, false = missed, null = not settled (left out of the percentage):
 *  - first response: answered → met iff responded_at ≤ first_response_due_at; not answered and
 *    still `submitted` with the due date before now → missed; withdrawn without an answer after
 *    the due date had passed → missed (it was breached); otherwise (still running, or withdrawn in
 *    time) not settled.
 *  - decision: decided → met iff decided_at ≤ decision_due_at (the column already includes every
 *    finished info_requested pause); `submitted`/`in_review` with decision_due_at before now →
 *    missed; `info_requested` → missed only if the due date moved by the pause so far (business
 *    days d with paris_day(paused_at) < d ≤ paris_day(now)) is before now, i.e. it was already
 *    breached before the pause; withdrawn after decision_due_at → missed; otherwise not settled.
 * For a case in a final status (accepted, referred, declined, withdrawn) none of this depends on
 * now: that is what lets the rollup keep it.
 */
function factsSql(source: string, where: string, now: string, rollup: boolean): string {
  // the rollup groups by day and programme and computes business days by a hash join on the
  // calendar (half a million decided cases a year); a live read skips the grouping columns and
  // looks the calendar up for its few decided cases only
  const decisionDays = rollup
    ? 'cd.business_seq - cs.business_seq'
    : `CASE WHEN a.first_decided_at IS NOT NULL
            THEN (SELECT business_seq FROM calendar_days WHERE day = paris_day(a.first_decided_at))
                 - (SELECT business_seq FROM calendar_days WHERE day = paris_day(a.submitted_at)) END`;
  return `
    SELECT ${rollup ? `paris_day(a.submitted_at) AS day, coalesce(a.inbox_programme, '') AS programme,` : ''}
           a.first_responded_at AS responded_at, a.first_decided_at AS decided_at,
           extract(epoch FROM a.first_responded_at - a.submitted_at)::float8 / 3600 AS response_hours,
           ${decisionDays} AS decision_days,
           CASE WHEN a.first_responded_at IS NOT NULL THEN a.first_responded_at <= a.first_response_due_at
                WHEN ${firstResponseRunningSql('a')} AND a.first_response_due_at < ${now} THEN false
                WHEN ${withdrawnSql('a')} AND a.first_response_due_at < a.withdrawn_at THEN false
           END AS first_response_met,
           CASE WHEN a.first_decided_at IS NOT NULL THEN a.first_decided_at <= a.decision_due_at
                WHEN ${decisionRunningSql('a')} AND a.decision_due_at < ${now} THEN false
                WHEN ${decisionPausedSql('a')} AND
                     CASE WHEN pause.days = 0 THEN a.decision_due_at
                          -- the pause.days-th business day after the due day, to its last millisecond
                          ELSE (SELECT (d.day + 1)::timestamp AT TIME ZONE 'Europe/Paris' - interval '1 millisecond'
                                FROM calendar_days d
                                WHERE d.business AND d.business_seq = (SELECT business_seq FROM calendar_days WHERE day = paris_day(a.decision_due_at)) + pause.days)
                     END < ${now} THEN false
                WHEN ${withdrawnSql('a')} AND a.decision_due_at < a.withdrawn_at THEN false
           END AS decision_met
    FROM ${source}
    CROSS JOIN LATERAL (
      -- business_days_between(paris_day(paused_at), paris_day(now)), by the calendar's running count
      SELECT CASE WHEN ${decisionPausedSql('a')} AND a.paused_at IS NOT NULL
                  THEN greatest(0, (SELECT business_seq FROM calendar_days WHERE day = paris_day(${now}))
                                   - (SELECT business_seq FROM calendar_days WHERE day = paris_day(a.paused_at)))
                  ELSE 0 END AS days
    ) pause
    ${rollup ? `LEFT JOIN calendar_days cs ON cs.day = paris_day(a.submitted_at)
    LEFT JOIN calendar_days cd ON cd.day = paris_day(a.first_decided_at)` : ''}
    WHERE ${where}`;
}

/** The figures of a set of facts rows (`facts`), one row per group. */
const COHORT_AGGREGATES = `
  count(*)::int AS submitted,
  count(responded_at)::int AS first_responses,
  count(decided_at)::int AS decisions,
  count(first_response_met)::int AS first_response_settled,
  count(*) FILTER (WHERE first_response_met)::int AS first_response_met,
  count(decision_met)::int AS decision_settled,
  count(*) FILTER (WHERE decision_met)::int AS decision_met`;

/**
 * The cohort's figures: the rolled-up days' final cases ($1: days, with $2: programme) plus, read
 * live, the open cases submitted in the period [$3, $4) and the final ones submitted on the days
 * not rolled up (`live` ranges); $5: now. The medians' values of both, packed as in the rollup.
 */
function cohortSql(live: InstantRanges, params: unknown[]): string {
  const programme = `($2::text IS NULL OR a.inbox_programme = $2)`;
  return `
  WITH cached AS (
    SELECT * FROM funnel_day_cohorts WHERE day = ANY($1::date[]) AND ($2::text IS NULL OR programme = $2)
  ),
  live AS (
    ${factsSql('applications a', `${openSql('a')} AND a.submitted_at >= $3 AND a.submitted_at < $4 AND ${programme}`, '$5::timestamptz', false)}
    UNION ALL
    ${factsSql('applications a', `${inRanges('a.submitted_at', live, params)} AND ${closedSql('a')} AND ${programme}`, '$5::timestamptz', false)}
  ),
  figures AS (
    SELECT submitted, first_responses, decisions, first_response_settled, first_response_met, decision_settled, decision_met FROM cached
    UNION ALL
    SELECT ${COHORT_AGGREGATES} FROM live
  )
  SELECT coalesce(sum(submitted), 0)::int AS submitted,
         coalesce(sum(first_responses), 0)::int AS first_responses,
         coalesce(sum(decisions), 0)::int AS decisions,
         coalesce(sum(first_response_settled), 0)::int AS first_response_settled,
         coalesce(sum(first_response_met), 0)::int AS first_response_met,
         coalesce(sum(decision_settled), 0)::int AS decision_settled,
         coalesce(sum(decision_met), 0)::int AS decision_met,
         coalesce((SELECT string_agg(response_hours, ''::bytea) FROM cached), ''::bytea) || (SELECT ${PACKED_HOURS} FROM live) AS response_hours,
         coalesce((SELECT string_agg(decision_days, ''::bytea) FROM cached), ''::bytea) || (SELECT ${PACKED_DAYS} FROM live) AS decision_days
  FROM figures`;
}

/**
 * The medians' values of a set of facts rows, packed big-endian: hours as 4-byte floats (7
 * significant digits: 0.02 s on 100 h, far below the 0.1 h the report shows), business days as
 * 2-byte integers. A year of a million-case database is 1.6 MB instead of 4.5 MB of float8: what
 * moves from PostgreSQL to the app is what the report's time goes into.
 */
const PACKED_HOURS = `coalesce(string_agg(float4send(response_hours::float4), ''::bytea) FILTER (WHERE responded_at IS NOT NULL), ''::bytea)`;
const PACKED_DAYS = `coalesce(string_agg(int2send(least(decision_days, 32767)::int2), ''::bytea) FILTER (WHERE decided_at IS NOT NULL), ''::bytea)`;

export interface CohortRow {
  submitted: number;
  first_responses: number;
  decisions: number;
  response_hours: Buffer;
  decision_days: Buffer;
  first_response_settled: number;
  first_response_met: number;
  decision_settled: number;
  decision_met: number;
}

/**
 * Every statement of the funnel report and of its per-day rollup (`funnel_days`,
 * `funnel_day_moves`, `funnel_day_cohorts`, migration 1795824000007), over the timeline
 * (`case_events`) and the cases' own columns. The status and service-level predicates come from
 * src/domain/case-sql.ts. The report and the rollup each read in one REPEATABLE READ transaction
 * their service opens; `tune` is the first statement of both.
 */
@Injectable()
export class FunnelRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** No JIT (compiling these plans takes longer than running them), and room for the hash joins. */
  async tune(em: EntityManager): Promise<void> {
    await em.query('SET LOCAL jit = off');
    await em.query(`SET LOCAL work_mem = '64MB'`);
  }

  /** The period's days rolled up and still fresh, among those before `cutoff`. */
  async freshDays(em: EntityManager, period: { from: ParisDay; to: ParisDay }, cutoff: ParisDay): Promise<ParisDay[]> {
    const rows: { day: string }[] = await em.query(
      'SELECT day::text AS day FROM funnel_days WHERE NOT stale AND day >= $1::date AND day <= $2::date AND day < $3::date ORDER BY day',
      [period.from, period.to, cutoff],
    );
    return rows.map((r) => r.day);
  }

  /** The moves of rolled-up days, per status and programme. */
  rolledUpMoves(em: EntityManager, days: ParisDay[]): Promise<MoveCount[]> {
    return em.query(`SELECT status, programme, sum(n)::int AS n FROM funnel_day_moves WHERE day = ANY($1::date[]) GROUP BY 1, 2`, [days]);
  }

  /** The moves of the days read live, per status and programme (programme '' for all when not `attribute`d). */
  liveMoves(em: EntityManager, live: InstantRanges, attribute: boolean): Promise<MoveCount[]> {
    const params: unknown[] = [];
    const where = inRanges('e.at', live, params);
    return em.query(movesSql(where, attribute), params);
  }

  /**
   * The cohort's figures: the rolled-up days' final cases, plus the open cases of the period and
   * the final ones of the days read live (see cohortSql).
   */
  async cohort(em: EntityManager, q: { rolledUp: ParisDay[]; programme: string | null; start: Date; end: Date; now: Date; live: InstantRanges }): Promise<CohortRow> {
    const params: unknown[] = [q.rolledUp, q.programme, q.start, q.end, q.now];
    const [row]: CohortRow[] = await em.query(cohortSql(q.live, params), params);
    return row;
  }

  /** The days of [from, last] with no fresh rollup. */
  async missingDays(from: ParisDay, last: ParisDay): Promise<ParisDay[]> {
    const rows: { day: string }[] = await this.dataSource.query(
      `SELECT d::date::text AS day FROM generate_series($1::date, $2::date, interval '1 day') AS d
       WHERE NOT EXISTS (SELECT 1 FROM funnel_days f WHERE f.day = d::date AND NOT f.stale) ORDER BY 1`,
      [from, last],
    );
    return rows.map((r) => r.day);
  }

  /**
   * Rolls the days [first, last] (the instants [start, end)) up afresh: their moves, and their
   * final cases' cohort figures as of `now`.
   */
  async rollUpDays(em: EntityManager, days: { first: ParisDay; last: ParisDay; start: Date; end: Date }, now: Date): Promise<void> {
    await em.query('DELETE FROM funnel_days WHERE day >= $1::date AND day <= $2::date', [days.first, days.last]);
    await em.query(`INSERT INTO funnel_days (day, stale) SELECT d::date, false FROM generate_series($1::date, $2::date, interval '1 day') AS d`, [days.first, days.last]);
    await em.query(`INSERT INTO funnel_day_moves (day, programme, status, n) SELECT day::date, programme, status, n FROM (${movesSql('e.at >= $1 AND e.at < $2', true)}) m`, [days.start, days.end]);
    await em.query(
      `INSERT INTO funnel_day_cohorts (day, programme, submitted, first_responses, decisions, first_response_settled, first_response_met,
                                       decision_settled, decision_met, response_hours, decision_days)
       SELECT day, programme, ${COHORT_AGGREGATES},
              ${PACKED_HOURS}, ${PACKED_DAYS}
       FROM (${factsSql('applications a', `a.submitted_at >= $1 AND a.submitted_at < $2 AND ${closedSql('a')}`, '$3::timestamptz', true)}) f
       GROUP BY day, programme`,
      [days.start, days.end, now],
    );
  }
}
