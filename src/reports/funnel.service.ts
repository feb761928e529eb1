import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addCalendarDays, compareDays, parisDate, startOfParisDay, type ParisDay } from '../domain/business-calendar';
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

const FINAL_SQL = `('accepted', 'referred', 'declined', 'withdrawn')`;
const OPEN_SQL = `('submitted', 'in_review', 'info_requested')`;

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
           coalesce(CASE WHEN e.type = 'status_changed' AND e.data->>'to' IN ('accepted', 'referred')
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
function inRanges(column: string, ranges: { starts: Date[]; ends: Date[] }, params: unknown[]): string {
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
                WHEN a.status = 'submitted' AND a.first_response_due_at < ${now} THEN false
                WHEN a.status = 'withdrawn' AND a.first_response_due_at < a.withdrawn_at THEN false
           END AS first_response_met,
           CASE WHEN a.first_decided_at IS NOT NULL THEN a.first_decided_at <= a.decision_due_at
                WHEN a.status IN ('submitted', 'in_review') AND a.decision_due_at < ${now} THEN false
                WHEN a.status = 'info_requested' AND
                     CASE WHEN pause.days = 0 THEN a.decision_due_at
                          -- the pause.days-th business day after the due day, to its last millisecond
                          ELSE (SELECT (d.day + 1)::timestamp AT TIME ZONE 'Europe/Paris' - interval '1 millisecond'
                                FROM calendar_days d
                                WHERE d.business AND d.business_seq = (SELECT business_seq FROM calendar_days WHERE day = paris_day(a.decision_due_at)) + pause.days)
                     END < ${now} THEN false
                WHEN a.status = 'withdrawn' AND a.decision_due_at < a.withdrawn_at THEN false
           END AS decision_met
    FROM ${source}
    CROSS JOIN LATERAL (
      -- business_days_between(paris_day(paused_at), paris_day(now)), by the calendar's running count
      SELECT CASE WHEN a.status = 'info_requested' AND a.paused_at IS NOT NULL
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
function cohortSql(live: { starts: Date[]; ends: Date[] }, params: unknown[]): string {
  const programme = `($2::text IS NULL OR a.inbox_programme = $2)`;
  return `
  WITH cached AS (
    SELECT * FROM funnel_day_cohorts WHERE day = ANY($1::date[]) AND ($2::text IS NULL OR programme = $2)
  ),
  live AS (
    ${factsSql('applications a', `a.status IN ${OPEN_SQL} AND a.submitted_at >= $3 AND a.submitted_at < $4 AND ${programme}`, '$5::timestamptz', false)}
    UNION ALL
    ${factsSql('applications a', `${inRanges('a.submitted_at', live, params)} AND a.status IN ${FINAL_SQL} AND ${programme}`, '$5::timestamptz', false)}
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

interface CohortRow {
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
 * The funnel report (`GET /reports/funnel`), computed in SQL: the moves from the timeline
 * (case_events), the cohort from the cases' own columns, past days from the per-day rollup
 * (`rollUp`, migration 1795824000007) and the rest live, all read in one snapshot whatever the
 * number of cases; only the medians' values come to the app, packed, to be selected.
 *
 * Definitions (also in docs/reports.md "The funnel"):
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
 *   not done while the clock ran (see factsSql for the exact cases, including info_requested
 *   pauses and withdrawals). Withdrawal is not a response nor a decision: a case withdrawn
 *   before its due date is left out.
 */
@Injectable()
export class FunnelService {
  private readonly logger = new Logger(FunnelService.name);

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
    await this.rollUp(period, now);
    // one snapshot for every read (the counts and the cohort agree, and with the rolled-up days
    // they read); no JIT: compiling these plans takes longer than running them
    const { countRows, cohort } = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET LOCAL jit = off');
      await em.query(`SET LOCAL work_mem = '64MB'`);
      const fresh: { day: string }[] = await em.query(
        'SELECT day::text AS day FROM funnel_days WHERE NOT stale AND day >= $1::date AND day <= $2::date AND day < $3::date ORDER BY day',
        [period.from, period.to, rollupCutoff(now)],
      );
      const rolledUp = fresh.map((r) => r.day);
      const live = liveRanges(period, new Set(rolledUp));
      const liveMoves: unknown[] = [];
      const movesWhere = inRanges('e.at', live, liveMoves);
      const countRows: { status: string; programme: string; n: number }[] = await em.query(
        `SELECT status, programme, sum(n)::int AS n FROM funnel_day_moves WHERE day = ANY($1::date[]) GROUP BY 1, 2`,
        [rolledUp],
      );
      if (live.starts.length > 0) {
        const rows: { status: string; programme: string; n: number }[] = await em.query(movesSql(movesWhere, programme !== null), liveMoves);
        countRows.push(...rows);
      }
      const cohortParams: unknown[] = [rolledUp, programme, period.start, period.end, now];
      const [cohort]: CohortRow[] = await em.query(cohortSql(live, cohortParams), cohortParams);
      return { countRows: countRows.filter((row) => programme === null || row.programme === programme), cohort };
    });
    const counts = Object.fromEntries(FUNNEL_STATUSES.map((s) => [s, 0])) as Record<FunnelStatus, number>;
    for (const row of countRows) if ((FUNNEL_STATUSES as readonly string[]).includes(row.status)) counts[row.status as FunnelStatus] += row.n;
    return {
      from: period.from,
      to: period.to,
      programme,
      counts,
      medianHoursToFirstResponse: round1(median(unpack(cohort.response_hours, 'float4'))),
      medianBusinessDaysToDecision: round1(median(unpack(cohort.decision_days, 'int2'))),
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

  /**
   * Rolls up the days of the period that ended before yesterday (Paris) and have no fresh rollup:
   * their moves, and their final cases' cohort figures (see migration 1795824000007). Runs of
   * consecutive days, at most ROLLUP_RUN_DAYS per transaction. The first report over a long
   * period pays for it once; the daily maintenance job (`warm`) keeps the last year ready.
   */
  async rollUp(period: { from: ParisDay; to: ParisDay }, now: Date): Promise<number> {
    const cutoff = rollupCutoff(now);
    const last = compareDays(period.to, cutoff) < 0 ? period.to : addCalendarDays(cutoff, -1);
    if (compareDays(period.from, last) > 0) return 0;
    const missing: { day: string }[] = await this.dataSource.query(
      `SELECT d::date::text AS day FROM generate_series($1::date, $2::date, interval '1 day') AS d
       WHERE NOT EXISTS (SELECT 1 FROM funnel_days f WHERE f.day = d::date AND NOT f.stale) ORDER BY 1`,
      [period.from, last],
    );
    let days = 0;
    for (const run of consecutiveRuns(missing.map((r) => r.day), ROLLUP_RUN_DAYS)) days += await this.rollUpDays(run[0], run[run.length - 1], now);
    return days;
  }

  /** Keeps the rollup of the last 400 days ready (the daily maintenance job calls it). */
  warm(now: Date): Promise<number> {
    const today = parisDate(now);
    return this.rollUp({ from: addCalendarDays(today, -400), to: today }, now);
  }

  private async rollUpDays(first: ParisDay, last: ParisDay, now: Date): Promise<number> {
    const start = startOfParisDay(first);
    const end = startOfParisDay(addCalendarDays(last, 1));
    try {
      await this.dataSource.transaction('REPEATABLE READ', async (em) => {
        await em.query('SET LOCAL jit = off');
        await em.query(`SET LOCAL work_mem = '64MB'`);
        await em.query('DELETE FROM funnel_days WHERE day >= $1::date AND day <= $2::date', [first, last]);
        await em.query(`INSERT INTO funnel_days (day, stale) SELECT d::date, false FROM generate_series($1::date, $2::date, interval '1 day') AS d`, [first, last]);
        await em.query(`INSERT INTO funnel_day_moves (day, programme, status, n) SELECT day::date, programme, status, n FROM (${movesSql('e.at >= $1 AND e.at < $2', true)}) m`, [start, end]);
        await em.query(
          `INSERT INTO funnel_day_cohorts (day, programme, submitted, first_responses, decisions, first_response_settled, first_response_met,
                                           decision_settled, decision_met, response_hours, decision_days)
           SELECT day, programme, ${COHORT_AGGREGATES},
                  ${PACKED_HOURS}, ${PACKED_DAYS}
           FROM (${factsSql('applications a', `a.submitted_at >= $1 AND a.submitted_at < $2 AND a.status IN ${FINAL_SQL}`, '$3::timestamptz', true)}) f
           GROUP BY day, programme`,
          [start, end, now],
        );
      });
      return daysBetween(first, last);
    } catch (error) {
      // a case of these days changed meanwhile (its trigger marked them stale): they are read
      // live this time, and rolled up by the next report
      if (CONFLICT_CODES.has((error as { code?: string }).code ?? '')) {
        this.logger.debug({ first, last }, 'funnel rollup skipped: concurrent change');
        return 0;
      }
      throw error;
    }
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

/** The packed values (big-endian 4-byte floats or 2-byte integers, see PACKED_HOURS) as numbers. */
export function unpack(packed: Buffer, type: 'float4' | 'int2'): Float64Array {
  const values = new Float64Array(packed.length / (type === 'float4' ? 4 : 2));
  for (let i = 0; i < values.length; i++) values[i] = type === 'float4' ? packed.readFloatBE(i * 4) : packed.readInt16BE(i * 2);
  return values;
}

/**
 * percentile_cont(0.5): the middle value, or the mean of the two middle ones, by selection
 * (Hoare's quickselect, linear on average) rather than sorting. Reorders `values`.
 */
export function median(values: Float64Array): number | null {
  const n = values.length;
  if (n === 0) return null;
  const k = (n - 1) >> 1;
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  if (n % 2 === 1) return values[k];
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if (values[i] < next) next = values[i];
  return (values[k] + next) / 2;
}

function round1(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}

function percent(met: number, settled: number): number | null {
  return settled === 0 ? null : Math.round((1000 * met) / settled) / 10;
}

/** Days rolled up run until the day before yesterday (Paris): today and yesterday are always read live. */
const ROLLUP_LIVE_DAYS = 2;
const ROLLUP_RUN_DAYS = 31;
/** serialization failure, unique violation, deadlock: another transaction touched the same days */
const CONFLICT_CODES = new Set(['40001', '23505', '40P01']);

/** Days strictly before this one may be rolled up. */
function rollupCutoff(now: Date): ParisDay {
  return addCalendarDays(parisDate(now), 1 - ROLLUP_LIVE_DAYS);
}

function daysBetween(first: ParisDay, last: ParisDay): number {
  return Math.round((startOfParisDay(last).getTime() - startOfParisDay(first).getTime()) / 86_400_000) + 1;
}

/** Sorted days → runs of consecutive days, each at most `max` long. */
export function consecutiveRuns(days: readonly ParisDay[], max: number): ParisDay[][] {
  const runs: ParisDay[][] = [];
  for (const day of days) {
    const run = runs[runs.length - 1];
    if (run && run.length < max && addCalendarDays(run[run.length - 1], 1) === day) run.push(day);
    else runs.push([day]);
  }
  return runs;
}

/** The instant ranges of the period's days that are not rolled up, consecutive days merged. */
export function liveRanges(period: { from: ParisDay; to: ParisDay }, rolledUp: ReadonlySet<ParisDay>): { starts: Date[]; ends: Date[] } {
  const starts: Date[] = [];
  const ends: Date[] = [];
  let runStart: ParisDay | null = null;
  for (let day = period.from; ; day = addCalendarDays(day, 1)) {
    const past = compareDays(day, period.to) > 0;
    if (!past && !rolledUp.has(day)) {
      runStart ??= day;
    } else if (runStart !== null) {
      starts.push(startOfParisDay(runStart));
      ends.push(startOfParisDay(day));
      runStart = null;
    }
    if (past) break;
  }
  return { starts, ends };
}
