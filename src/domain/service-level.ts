/**
 * Service levels of a case (pure). See docs/domain.md "Service levels".
 *
 * Definitions (the SQL side mirrors them exactly; all instants compared as timestamptz):
 *
 * - first response due = dueAt(submittedAt, 5), decision due = dueAt(submittedAt, 30): the end
 *   (23:59:59.999 Europe/Paris) of the Nth business day after the Paris day of submission.
 * - threshold(now)   = atRiskThreshold(now) = end of the next business day after now's Paris day
 *                      (e.g. now on Friday → end of Monday; now on Saturday → end of Monday;
 *                      now on 24 Dec → end of 26 Dec).
 * - met              : doneAt ≠ null and doneAt ≤ dueAt.
 * - missed           : doneAt ≠ null and doneAt > dueAt.
 * - breached         : doneAt = null and now > dueAt.
 * - at_risk          : doneAt = null and now ≤ dueAt ≤ threshold(now)
 *                      ("due within 1 business day", which includes due today).
 * - on_track         : doneAt = null and dueAt > threshold(now).
 * - no due date (dueAt = null, e.g. a draft): 'met' when done, otherwise 'on_track' — there is
 *   nothing that can be missed or breached.
 *
 * In SQL, with $threshold = atRiskThreshold(now) computed here and passed as a parameter:
 *   breached: done_at IS NULL AND due_at < now()
 *   at_risk : done_at IS NULL AND due_at >= now() AND due_at <= $threshold
 *
 * The decision clock pauses while a case is `info_requested`: on resume, the decision due date
 * moves by businessDaysBetween(parisDate(pausedAt), parisDate(resumedAt)) business days, i.e.
 * every business day d with pausedDay < d ≤ resumedDay (a request and answer on the same day
 * moves nothing; request on Friday and answer on Monday moves it by one day).
 */
import { addBusinessDays, businessDaysBetween, dueAt, endOfParisDay, extendDue, parisDate } from './business-calendar';

export const FIRST_RESPONSE_BUSINESS_DAYS = 5;
export const DECISION_BUSINESS_DAYS = 30;

export const SERVICE_LEVEL_STATES = ['on_track', 'at_risk', 'breached', 'met', 'missed'] as const;
export type ServiceLevelState = (typeof SERVICE_LEVEL_STATES)[number];

export interface ServiceLevelInput {
  dueAt: Date | null;
  doneAt: Date | null;
  now: Date;
  /**
   * Optional, for the decision clock only: when the case is currently `info_requested`, the
   * instant the clock was paused. The state is then computed against the due date the case
   * would have if it resumed now (`decisionDueAfterPause(dueAt, pausedAt, now)`), so waiting on
   * the founder never makes a decision at risk or breached by itself.
   */
  pausedAt?: Date | null;
}

/** First response due: end of the 5th business day after the Paris day of submission. */
export function firstResponseDueAt(submittedAt: Date): Date {
  return dueAt(submittedAt, FIRST_RESPONSE_BUSINESS_DAYS);
}

/** Decision due (before any pause): end of the 30th business day after the Paris day of submission. */
export function decisionDueAt(submittedAt: Date): Date {
  return dueAt(submittedAt, DECISION_BUSINESS_DAYS);
}

/** End (23:59:59.999 Paris) of the next business day after now's Paris day. */
export function atRiskThreshold(now: Date): Date {
  // a page of cases asks with the same `now` for every row: Intl date parts are costly (the
  // benchmark's profile had them at 19% of the inbox's CPU), so the last answer is kept
  const at = now.getTime();
  if (lastThreshold?.at !== at) lastThreshold = { at, value: endOfParisDay(addBusinessDays(parisDate(now), 1)) };
  return new Date(lastThreshold.value.getTime());
}
let lastThreshold: { at: number; value: Date } | null = null;

/**
 * The decision due date after a pause (info_requested) from `pausedAt` to `resumedAt`:
 * extendDue by the business days d with parisDate(pausedAt) < d ≤ parisDate(resumedAt);
 * unchanged (same instant, a copy) when that is 0.
 */
export function decisionDueAfterPause(decisionDueAt: Date, pausedAt: Date, resumedAt: Date): Date {
  const days = businessDaysBetween(parisDate(pausedAt), parisDate(resumedAt));
  return extendDue(decisionDueAt, days);
}

/** See the definitions at the top of this file. */
export function serviceLevelState(input: ServiceLevelInput): ServiceLevelState {
  const { doneAt, now } = input;
  if (input.dueAt === null) return doneAt === null ? 'on_track' : 'met';
  if (doneAt !== null) return doneAt.getTime() <= input.dueAt.getTime() ? 'met' : 'missed';

  const due = input.pausedAt ? decisionDueAfterPause(input.dueAt, input.pausedAt, now) : input.dueAt;
  if (now.getTime() > due.getTime()) return 'breached';
  if (due.getTime() <= atRiskThreshold(now).getTime()) return 'at_risk';
  return 'on_track';
}
