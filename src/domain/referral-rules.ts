/**
 * The rules of referrals to partner organisations, written once (pure: no Nest, no database).
 * The service, the reminder scan, the report and the SQL that needs them derive from here.
 */
import { addBusinessDays, addCalendarDays, businessDaysBetween, parisDate, type ParisDay } from './business-calendar';

export const PARTNER_KINDS = ['incubator', 'cluster', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const REFERRAL_STATUSES = ['awaiting_consent', 'refused', 'sent', 'accepted', 'declined', 'meeting'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** What a partner may answer. */
export const REFERRAL_OUTCOMES = ['accepted', 'declined', 'meeting'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

/**
 * The statuses in which the partner sees the referral (the founder consented): before consent,
 * and after a refusal, nothing is shared and the partner gets a 404.
 */
export const SHARED_STATUSES = ['sent', 'accepted', 'declined', 'meeting'] as const satisfies readonly ReferralStatus[];

/** The statuses that count as an answer from the partner. */
export const ANSWERED_STATUSES = ['accepted', 'declined', 'meeting'] as const satisfies readonly ReferralStatus[];

export function isReferralStatus(value: unknown): value is ReferralStatus {
  return typeof value === 'string' && (REFERRAL_STATUSES as readonly string[]).includes(value);
}

export function isShared(status: ReferralStatus): boolean {
  return (SHARED_STATUSES as readonly string[]).includes(status);
}

/**
 * Every legal move, by whom. The founder answers the consent request once; the partner answers
 * a sent referral, and may still settle a proposed meeting (accepted or declined) afterwards.
 * Accepted, declined and refused are final.
 */
const MOVES: Readonly<Record<ReferralStatus, readonly { to: ReferralStatus; by: 'founder' | 'partner' }[]>> = {
  awaiting_consent: [
    { to: 'sent', by: 'founder' },
    { to: 'refused', by: 'founder' },
  ],
  sent: [
    { to: 'accepted', by: 'partner' },
    { to: 'declined', by: 'partner' },
    { to: 'meeting', by: 'partner' },
  ],
  meeting: [
    { to: 'accepted', by: 'partner' },
    { to: 'declined', by: 'partner' },
  ],
  accepted: [],
  declined: [],
  refused: [],
};

export type ReferralMoveCheck = { ok: true } | { ok: false; message: string };

export function checkReferralMove(from: ReferralStatus, to: ReferralStatus, by: 'founder' | 'partner'): ReferralMoveCheck {
  if (MOVES[from].some((m) => m.to === to && m.by === by)) return { ok: true };
  const legal = MOVES[from].filter((m) => m.by === by).map((m) => m.to);
  return {
    ok: false,
    message: legal.length === 0 ? `This referral is ${from}: it can no longer be answered` : `A referral that is ${from} can move to ${legal.join(', ')}, not ${to}`,
  };
}

/** The outcomes still open to the partner from `status` (empty when it cannot answer). */
export function partnerOutcomes(status: ReferralStatus): ReferralOutcome[] {
  return MOVES[status].filter((m) => m.by === 'partner').map((m) => m.to as ReferralOutcome);
}

// ---------------------------------------------------------------------------------------------
// Silence chased: reminders to the partner, then escalation to the case's advisor
// ---------------------------------------------------------------------------------------------

/** Business days after sending without an answer: reminder, second reminder, escalation. */
export const CHASE_STEPS = [
  { step: 1, afterBusinessDays: 5, kind: 'reminder' },
  { step: 2, afterBusinessDays: 10, kind: 'reminder' },
  { step: 3, afterBusinessDays: 15, kind: 'escalation' },
] as const;
export type ChaseStep = (typeof CHASE_STEPS)[number];

/**
 * The latest Paris day a referral may have been sent on for `afterBusinessDays` to have passed
 * by `today` (sent on that day or before: due). A referral sent on a Monday is due for its
 * 5-business-day reminder on the next Monday (the sending day does not count).
 */
export function latestSendDayDue(today: ParisDay, afterBusinessDays: number): ParisDay {
  let day = today;
  while (addBusinessDays(day, afterBusinessDays) > today) day = addCalendarDays(day, -1);
  return day;
}

/**
 * The highest step due for a referral sent at `sentAt` and chased up to `chasedStep`, or null.
 * A scan that missed a step (the worker was down) sends only the latest one due: a first
 * reminder on the day of the second would say the same thing twice.
 */
export function chaseStepDue(sentAt: Date, chasedStep: number, now: Date): ChaseStep | null {
  const elapsed = businessDaysBetween(parisDate(sentAt), parisDate(now));
  const due = [...CHASE_STEPS].reverse().find((s) => elapsed >= s.afterBusinessDays);
  return due && due.step > chasedStep ? due : null;
}

// ---------------------------------------------------------------------------------------------
// The per-partner report
// ---------------------------------------------------------------------------------------------

export interface ReportReferral {
  partnerId: string;
  status: ReferralStatus;
  sentAt: Date;
  answeredAt: Date | null;
}

export interface PartnerReportRow {
  partnerId: string;
  name: string;
  sent: number;
  answered: number;
  accepted: number;
  declined: number;
  medianBusinessDaysToAnswer: number | null;
}

/** The median of numbers (the mean of the two middle ones for an even count); null when none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The report over the referrals SENT in the period (their `sentAt` within it), one row per
 * partner, every partner listed (zeros included), by name:
 * - sent: referrals sent in the period; answered: those of them answered since (any outcome,
 *   meeting included); accepted / declined: those whose status is now that;
 * - medianBusinessDaysToAnswer: the median over the answered ones of the business days d with
 *   sentDay < d ≤ firstAnswerDay (Europe/Paris, the service levels' calendar): answered the day
 *   it was sent is 0; rounded to 0.1; null when none was answered.
 */
export function partnerReport(partners: readonly { id: string; name: string }[], referrals: readonly ReportReferral[]): PartnerReportRow[] {
  return [...partners]
    .sort((a, b) => a.name.localeCompare(b.name, 'fr') || a.id.localeCompare(b.id))
    .map((p) => {
      const mine = referrals.filter((r) => r.partnerId === p.id);
      const answered = mine.filter((r) => r.answeredAt !== null);
      const days = answered.map((r) => businessDaysBetween(parisDate(r.sentAt), parisDate(r.answeredAt as Date)));
      const m = median(days);
      return {
        partnerId: p.id,
        name: p.name,
        sent: mine.length,
        answered: answered.length,
        accepted: mine.filter((r) => r.status === 'accepted').length,
        declined: mine.filter((r) => r.status === 'declined').length,
        medianBusinessDaysToAnswer: m === null ? null : Math.round(m * 10) / 10,
      };
    });
}
