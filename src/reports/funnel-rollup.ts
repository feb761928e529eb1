import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { addCalendarDays, compareDays, parisDate, startOfParisDay, type ParisDay } from '../domain/business-calendar';
import { FunnelRepository, type InstantRanges } from './funnel.repository';

/** Days rolled up run until the day before yesterday (Paris): today and yesterday are always read live. */
const ROLLUP_LIVE_DAYS = 2;
const ROLLUP_RUN_DAYS = 31;
/** serialization failure, unique violation, deadlock: another transaction touched the same days */
const CONFLICT_CODES = new Set(['40001', '23505', '40P01']);

/**
 * The funnel's per-day rollup (`funnel_days` and its moves and cohorts, migration
 * 1795824000007): past days' moves and final cases, computed once, so that a report over a long
 * period reads them instead of the timeline. A report rolls up the days it needs first; the daily
 * maintenance job (`warm`) keeps the last 400 days ready.
 */
@Injectable()
export class FunnelRollup {
  private readonly logger = new Logger('FunnelRollup');

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: FunnelRepository,
  ) {}

  /**
   * Rolls up the days of the period that ended before yesterday (Paris) and have no fresh rollup:
   * their moves, and their final cases' cohort figures. Runs of consecutive days, at most
   * ROLLUP_RUN_DAYS per transaction. The first report over a long period pays for it once.
   * Answers how many days it rolled up.
   */
  async rollUp(period: { from: ParisDay; to: ParisDay }, now: Date): Promise<number> {
    const cutoff = rollupCutoff(now);
    const last = compareDays(period.to, cutoff) < 0 ? period.to : addCalendarDays(cutoff, -1);
    if (compareDays(period.from, last) > 0) return 0;
    const missing = await this.repository.missingDays(period.from, last);
    let days = 0;
    for (const run of consecutiveRuns(missing, ROLLUP_RUN_DAYS)) days += await this.rollUpDays(run[0], run[run.length - 1], now);
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
      await this.transactions.run(async (em) => {
        await this.repository.tune(em);
        await this.repository.rollUpDays(em, { first, last, start, end }, now);
      }, 'REPEATABLE READ');
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
}

/** Days strictly before this one may be rolled up. */
export function rollupCutoff(now: Date): ParisDay {
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
export function liveRanges(period: { from: ParisDay; to: ParisDay }, rolledUp: ReadonlySet<ParisDay>): InstantRanges {
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
