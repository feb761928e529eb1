import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { FieldValidationException, type FieldError } from '../common/http/validation';
import { checkReportPeriod, type ReportPeriod } from './report-period';

export const FUNNEL_STATUSES = ['submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn'] as const;
export type FunnelStatus = (typeof FUNNEL_STATUSES)[number];

export interface FunnelReport {
  from: string;
  to: string;
  programme: string | null;
  counts: Record<FunnelStatus, number>;
  medianHoursToFirstResponse: number | null;
  medianBusinessDaysToDecision: number | null;
  firstResponseMetPct: number | null;
  decisionMetPct: number | null;
  /** the instants the period covers: [start, end) */
  period: { start: string; end: string };
  /** what the medians and percentages are computed over (cases submitted in the period) */
  cohort: {
    submitted: number;
    firstResponses: number;
    decisions: number;
    firstResponseSettled: number;
    firstResponseMet: number;
    decisionSettled: number;
    decisionMet: number;
  };
  /** the clock's now: open clocks are judged against it */
  generatedAt: string;
}

const STAFF_ROLES_SQL = `('advisor', 'programme_manager', 'admin')`;

/**
 * Moves into each status whose event lies in [start, end).
 *  - `submitted`  : `submitted` events;
 *  - `withdrawn`  : `withdrawn` events (founder, or system on erasure);
 *  - every other  : `status_changed` events by their `data.to` (in_review counts reviews, resumes
 *                   after an info request and reopenings alike).
 * Programme of an event: `data.programme` for a move into accepted/referred (the decision's
 * programme), else the case's current `inbox_programme` (decided programme, else top recommendation).
 */
const COUNTS_SQL = `
  SELECT CASE e.type WHEN 'status_changed' THEN e.data->>'to' ELSE e.type END AS status, count(*)::int AS n
  FROM case_events e
  JOIN applications a ON a.id = e.application_id
  WHERE e.at >= $1 AND e.at < $2
    AND e.type IN ('submitted', 'withdrawn', 'status_changed')
    AND ($3::text IS NULL OR
         CASE WHEN e.type = 'status_changed' AND e.data->>'to' IN ('accepted', 'referred')
              THEN coalesce(e.data->>'programme', a.inbox_programme)
              ELSE a.inbox_programme END = $3)
  GROUP BY 1`;

/**
 * The cohort: cases whose `submitted` event lies in [start, end) (and, with a programme, whose
 * `inbox_programme` is it). For each, from its own events:
 *  - responded_at: the first event by staff (actor_role advisor, programme_manager or admin) that
 *    is a `status_changed` out of `submitted` or a `message_posted` (assignment and notes are not);
 *  - decided_at: the first `status_changed` into accepted, referred or declined (a later decision
 *    after a reopening does not replace it).
 * Business days to the decision: business_days_between(paris_day(submitted_at), paris_day(decided_at)),
 * computed as N(decidedDay) − N(submittedDay) where N(day) counts the business days of
 * calendar_days up to that day (the same count, by a join instead of one function call and index
 * scan per case: 4× faster over 175,000 cases; the e2e scenario decides a case across Easter Monday).
 * Service levels, mirroring serviceLevelState (src/cases/service-level.ts) and the inbox's `sla`
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
 */
const COHORT_SQL = `
  WITH cohort AS (
    SELECT e.application_id AS id, min(e.at) AS submitted_at
    FROM case_events e
    JOIN applications a ON a.id = e.application_id
    WHERE e.type = 'submitted' AND e.at >= $1 AND e.at < $2 AND ($3::text IS NULL OR a.inbox_programme = $3)
    GROUP BY e.application_id
  ),
  firsts AS (
    SELECT c.id, c.submitted_at,
           min(r.at) FILTER (WHERE r.actor_role IN ${STAFF_ROLES_SQL}
                               AND ((r.type = 'status_changed' AND r.data->>'from' = 'submitted') OR r.type = 'message_posted')) AS responded_at,
           min(r.at) FILTER (WHERE r.type = 'status_changed' AND r.data->>'to' IN ('accepted', 'referred', 'declined')) AS decided_at
    FROM cohort c
    LEFT JOIN case_events r ON r.application_id = c.id AND r.at >= c.submitted_at AND r.type IN ('status_changed', 'message_posted')
    GROUP BY c.id, c.submitted_at
  ),
  clocks AS (
    SELECT f.submitted_at, f.responded_at, f.decided_at, a.status, a.first_response_due_at, a.decision_due_at, a.withdrawn_at,
           CASE WHEN pause.days = 0 THEN a.decision_due_at
                ELSE (SELECT (d.day + 1)::timestamp AT TIME ZONE 'Europe/Paris' - interval '1 millisecond'
                      FROM calendar_days d WHERE d.business AND d.day > paris_day(a.decision_due_at)
                      ORDER BY d.day OFFSET pause.days - 1 LIMIT 1)
           END AS decision_due_now
    FROM firsts f
    JOIN applications a ON a.id = f.id
    CROSS JOIN LATERAL (
      SELECT CASE WHEN a.status = 'info_requested' AND a.paused_at IS NOT NULL
                  THEN business_days_between(paris_day(a.paused_at), paris_day($4::timestamptz)) ELSE 0 END AS days
    ) pause
  ),
  -- N(day) = business days up to and including day, so business_days_between(x, y) = N(y) - N(x) for x <= y
  calendar AS MATERIALIZED (
    SELECT day, (count(*) FILTER (WHERE business) OVER (ORDER BY day))::int AS n FROM calendar_days
  ),
  settled AS (
    SELECT submitted_at, responded_at, decided_at,
           cd.n - cs.n AS decision_business_days,
           CASE WHEN responded_at IS NOT NULL THEN responded_at <= first_response_due_at
                WHEN status = 'submitted' AND first_response_due_at < $4 THEN false
                WHEN status = 'withdrawn' AND first_response_due_at < withdrawn_at THEN false
           END AS first_response_met,
           CASE WHEN decided_at IS NOT NULL THEN decided_at <= decision_due_at
                WHEN status IN ('submitted', 'in_review') AND decision_due_at < $4 THEN false
                WHEN status = 'info_requested' AND decision_due_now < $4 THEN false
                WHEN status = 'withdrawn' AND decision_due_at < withdrawn_at THEN false
           END AS decision_met
    FROM clocks
    LEFT JOIN calendar cs ON cs.day = paris_day(clocks.submitted_at)
    LEFT JOIN calendar cd ON cd.day = paris_day(clocks.decided_at)
  )
  SELECT count(*)::int AS submitted,
         count(responded_at)::int AS first_responses,
         count(decided_at)::int AS decisions,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - submitted_at) / 3600)
           FILTER (WHERE responded_at IS NOT NULL) AS median_hours,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY decision_business_days) FILTER (WHERE decided_at IS NOT NULL) AS median_business_days,
         count(first_response_met)::int AS first_response_settled,
         count(*) FILTER (WHERE first_response_met)::int AS first_response_met,
         count(decision_met)::int AS decision_settled,
         count(*) FILTER (WHERE decision_met)::int AS decision_met
  FROM settled`;

interface CohortRow {
  submitted: number;
  first_responses: number;
  decisions: number;
  median_hours: number | null;
  median_business_days: number | null;
  first_response_settled: number;
  first_response_met: number;
  decision_settled: number;
  decision_met: number;
}

/**
 * The funnel report (`GET /reports/funnel`), computed in SQL over the timeline (case_events
 * joined to applications): two set-based queries in one snapshot whatever the number of cases,
 * nothing loaded into memory case by case.
 *
 * Definitions (also in README.md, "Reports"):
 * - Period: [from 00:00 Europe/Paris, the day after `to` 00:00 Europe/Paris).
 * - counts.<status>: the number of moves into that status whose timeline event lies in the
 *   period (a case that goes in_review → info_requested → in_review counts twice in in_review).
 *   With `programme`: moves into accepted/referred count under the decision's programme; every
 *   other move under the case's `inbox_programme` (its decided programme, else its top
 *   recommendation), as the inbox's programme filter.
 * - The cohort: cases whose `submitted` event lies in the period (with `programme`: whose
 *   inbox_programme is it). Medians and percentages are over the cohort, whenever its responses
 *   and decisions happened (up to now).
 * - medianHoursToFirstResponse: percentile_cont(0.5) of the hours from the `submitted` event to
 *   the first response (first staff `status_changed` out of `submitted` or first staff
 *   `message_posted`), over the cohort's answered cases; rounded to 0.1 h; null if none.
 * - medianBusinessDaysToDecision: percentile_cont(0.5) of
 *   business_days_between(paris_day(submitted), paris_day(first decision)) — business days d with
 *   submittedDay < d ≤ decidedDay, the service levels' calendar — over the cohort's decided cases
 *   (first move into accepted, referred or declined); rounded to 0.1; null if none.
 * - firstResponseMetPct / decisionMetPct: 100 × met / settled, rounded to 0.1; null when nothing
 *   is settled. Settled = done (met iff done at or before the due date column) or past due and
 *   not done while the clock ran (see COHORT_SQL for the exact cases, including info_requested
 *   pauses and withdrawals). Withdrawal is not a response nor a decision: a case withdrawn
 *   before its due date is left out.
 */
@Injectable()
export class FunnelService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Validates the query (400 naming every failing field) and computes the report. */
  async funnel(query: { from?: unknown; to?: unknown; programme?: unknown }): Promise<FunnelReport> {
    const { period, errors } = checkReportPeriod(query.from, query.to);
    const programme = await this.checkProgramme(query.programme, errors);
    if (errors.length > 0 || period === null) throw new FieldValidationException(errors);
    return this.compute(period, programme, this.clock.now());
  }

  async compute(period: ReportPeriod, programme: string | null, now: Date): Promise<FunnelReport> {
    const params = [period.start, period.end, programme];
    // one snapshot for both queries (the counts and the cohort agree); no JIT: these plans cost
    // enough to trigger it, yet compiling them takes longer than running them (1.6 s vs 0.4 s for
    // a month of a 200,000-case database)
    const { countRows, cohort } = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET LOCAL jit = off');
      const countRows: { status: string; n: number }[] = await em.query(COUNTS_SQL, params);
      const [cohort]: CohortRow[] = await em.query(COHORT_SQL, [...params, now]);
      return { countRows, cohort };
    });
    const counts = Object.fromEntries(FUNNEL_STATUSES.map((s) => [s, 0])) as Record<FunnelStatus, number>;
    for (const row of countRows) if ((FUNNEL_STATUSES as readonly string[]).includes(row.status)) counts[row.status as FunnelStatus] = row.n;
    return {
      from: period.from,
      to: period.to,
      programme,
      counts,
      medianHoursToFirstResponse: round1(cohort.median_hours),
      medianBusinessDaysToDecision: round1(cohort.median_business_days),
      firstResponseMetPct: percent(cohort.first_response_met, cohort.first_response_settled),
      decisionMetPct: percent(cohort.decision_met, cohort.decision_settled),
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      cohort: {
        submitted: cohort.submitted,
        firstResponses: cohort.first_responses,
        decisions: cohort.decisions,
        firstResponseSettled: cohort.first_response_settled,
        firstResponseMet: cohort.first_response_met,
        decisionSettled: cohort.decision_settled,
        decisionMet: cohort.decision_met,
      },
      generatedAt: now.toISOString(),
    };
  }

  /** An optional existing slug (active or not: past periods may involve retired programmes). */
  private async checkProgramme(value: unknown, errors: FieldError[]): Promise<string | null> {
    if (value === undefined || value === '') return null;
    const unknown = (): null => {
      errors.push({ field: 'programme', messages: ['programme must be the slug of an existing programme'] });
      return null;
    };
    if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(value)) return unknown();
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM programmes WHERE slug = $1', [value]);
    return rows.length > 0 ? value : unknown();
  }
}

function round1(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}

function percent(met: number, settled: number): number | null {
  return settled === 0 ? null : Math.round((1000 * met) / settled) / 10;
}
