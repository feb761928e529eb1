import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { CLOSED_STATUSES, OPEN_STATUSES } from '../domain/case-state-machine';
import { ProgrammesService } from '../programmes/programmes.service';
import { median, unpack } from './funnel-median';
import { checkFunnelQuery, requestedProgramme, type FunnelQueryInput } from './funnel-query';
import { FunnelRepository } from './funnel.repository';
import { FunnelRollup, liveRanges, rollupCutoff } from './funnel-rollup';
import type { ReportPeriod } from './report-period';

/** The statuses the funnel counts moves into: every one a submitted case can be in, in the state machine's order. */
export const FUNNEL_STATUSES = [...OPEN_STATUSES, ...CLOSED_STATUSES] as const;
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

/**
 * The funnel report (`GET /reports/funnel`), computed in SQL: the moves from the timeline
 * (case_events), the cohort from the cases' own columns, past days from the per-day rollup
 * (FunnelRollup, migration 1795824000007) and the rest live, all read in one snapshot whatever the
 * number of cases; only the medians' values come to the app, packed, to be selected
 * (funnel-median.ts). The query is checked by funnel-query.ts, the SQL is FunnelRepository's.
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
 *   not done while the clock ran (see factsSql in funnel.repository.ts for the exact cases, including info_requested
 *   pauses and withdrawals). Withdrawal is not a response nor a decision: a case withdrawn
 *   before its due date is left out.
 */
@Injectable()
export class FunnelService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: FunnelRepository,
    private readonly rollup: FunnelRollup,
    private readonly programmes: ProgrammesService,
    private readonly clock: Clock,
  ) {}

  /** Validates the query (400 naming every failing field) and computes the report. */
  async funnel(query: FunnelQueryInput): Promise<FunnelReport> {
    const slug = requestedProgramme(query.programme);
    const exists = slug !== null && (await this.programmes.unknownSlugs([slug])).length === 0;
    const { period, programme } = checkFunnelQuery(query, exists);
    return this.compute(period, programme, this.clock.now());
  }

  async compute(period: ReportPeriod, programme: string | null, now: Date): Promise<FunnelReport> {
    await this.rollup.rollUp(period, now);
    // one snapshot for every read (the counts and the cohort agree, and with the rolled-up days they read)
    const { countRows, cohort } = await this.transactions.run(async (em) => {
      await this.repository.tune(em);
      const rolledUp = await this.repository.freshDays(em, period, rollupCutoff(now));
      const live = liveRanges(period, new Set(rolledUp));
      const countRows = await this.repository.rolledUpMoves(em, rolledUp);
      if (live.starts.length > 0) countRows.push(...(await this.repository.liveMoves(em, live, programme !== null)));
      const cohort = await this.repository.cohort(em, { rolledUp, programme, start: period.start, end: period.end, now, live });
      return { countRows: countRows.filter((row) => programme === null || row.programme === programme), cohort };
    }, 'REPEATABLE READ');
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
}

function round1(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}

function percent(met: number, settled: number): number | null {
  return settled === 0 ? null : Math.round((1000 * met) / settled) / 10;
}
