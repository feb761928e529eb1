/**
 * The data each email template needs, one interface per template (docs/notifications.md "Emails"; who gets which: docs/domain.md "Emails").
 * Plain types, no Nest or TypeORM import: the notification jobs build these from the database
 * and `TemplateRenderer.render` checks them against the template name at compile time.
 *
 * Conventions:
 * - `Date` for instants (submitted at, due at...): the templates format them in Europe/Paris,
 *   in the recipient's locale (`formatDate`, `formatDateTime` helpers).
 * - `CalendarDay` (`YYYY-MM-DD`) for calendar dates that have no time (cohort start, milestone
 *   due date, purge date): formatted as that very day, whatever the time zone.
 * - Free texts written by people (messages, reasons) are passed as written; the HTML part
 *   escapes them, the text part shows them as they are.
 * - Optional facts are `T | null`, never absent keys: templates run in Handlebars strict mode,
 *   where printing a key the context does not have throws.
 * - Links are built in the templates from `publicUrl` and ids (`{{url "applications" id}}`).
 */

import type { CaseStatus, ProgrammeKind } from '../../domain/case-state-machine';

export const TEMPLATE_LOCALES = ['fr', 'en'] as const;
export type TemplateLocale = (typeof TEMPLATE_LOCALES)[number];

export const TEMPLATE_NAMES = [
  'application-received',
  'case-assigned',
  'info-requested',
  'founder-replied',
  'decision-accepted',
  'decision-referred',
  'decision-declined',
  'draft-reminder',
  'info-request-reminder',
  'sla-warning',
  'sla-breached',
  'cohort-enrolled',
  'seat-freed',
  'milestone-due',
  'weekly-digest-advisor',
  'weekly-digest-manager',
  'retention-warning',
  'new-message',
  'verify-email',
  'password-reset',
  'invitation',
  'referral-consent',
  'referral-received',
  'referral-reminder',
  'referral-answered',
  'referral-escalated',
  'review-invited',
  'review-reminder',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** `YYYY-MM-DD`, a Europe/Paris calendar day. */
export type CalendarDay = string;

/** Every email knows whom it greets, in which language, and where the web app lives. */
export interface BaseEmailContext {
  recipientName: string;
  locale: TemplateLocale;
  /** e.g. `https://guichet.campus.example` (PUBLIC_URL); a trailing slash is tolerated */
  publicUrl: string;
}

/** Enough to name a case and link to it. */
export interface CaseRef {
  id: string;
  /** `GU-2026-000123` */
  reference: string;
  startupName: string;
}

export interface ProgrammeRef {
  slug: string;
  /** in the recipient's locale */
  name: string;
  kind: ProgrammeKind;
}

/** A routing reason, its `text` already in the recipient's locale. */
export interface ReasonText {
  code: string;
  text: string;
}

export interface RecommendedProgramme {
  /** in the recipient's locale */
  name: string;
  kind: ProgrammeKind;
  score: number;
  reasons: ReasonText[];
}

/** The two clocks of the contract's "Service levels". */
export type ServiceLevelKind = 'first_response' | 'decision';

/** Application fields a founder may still have to fill in (labels in template-labels.ts). */
export const APPLICATION_FIELDS = [
  'startupName',
  'projectSummary',
  'stage',
  'trl',
  'domains',
  'needs',
  'incorporated',
  'incorporationDate',
  'siren',
  'academicAffiliation',
  'lookingForCofounder',
  'teamSize',
  'fundingSoughtEur',
  'website',
] as const;
export type ApplicationField = (typeof APPLICATION_FIELDS)[number];

// ---------------------------------------------------------------------------------------------
// Founder-facing

/** To the founder, on submit. */
export interface ApplicationReceivedContext extends BaseEmailContext {
  application: CaseRef;
  submittedAt: Date;
  firstResponseDueAt: Date;
  decisionDueAt: Date;
  /** the eligible programmes, best first (may be empty) */
  recommendations: RecommendedProgramme[];
}

/** To the founder: an advisor needs more information (`info_requested`). */
export interface InfoRequestedContext extends BaseEmailContext {
  application: CaseRef;
  advisorName: string;
  /** the advisor's question, as written */
  message: string;
  requestedAt: Date;
  /** document kinds the advisor asked for (may be empty) */
  documents: string[];
}

/** To the founder: still no answer 5 business days after a request (once per request). */
export interface InfoRequestReminderContext extends BaseEmailContext {
  application: CaseRef;
  advisorName: string;
  /** the original question */
  message: string;
  requestedAt: Date;
}

/** To the founder: accepted into an internal programme. */
export interface DecisionAcceptedContext extends BaseEmailContext {
  application: CaseRef;
  programme: ProgrammeRef;
  advisorName: string;
  decidedAt: Date;
  /** why (the transition's reason), when the advisor gave one */
  reason: string | null;
  /** a personal word from the advisor, when there is one */
  message: string | null;
}

/** To the founder: referred to an external programme. */
export interface DecisionReferredContext extends BaseEmailContext {
  application: CaseRef;
  programme: ProgrammeRef;
  advisorName: string;
  decidedAt: Date;
  reason: string | null;
  message: string | null;
  /** the routing reasons that made this programme a fit (may be empty) */
  reasons: ReasonText[];
}

/** To the founder: declined (a reason is mandatory for this move). */
export interface DecisionDeclinedContext extends BaseEmailContext {
  application: CaseRef;
  advisorName: string;
  decidedAt: Date;
  reason: string;
  message: string | null;
}

/** To the founder: a draft untouched for 7 days (once). */
export interface DraftReminderContext extends BaseEmailContext {
  draft: CaseRef;
  createdAt: Date;
  lastEditedAt: Date;
  /** the fields still required to submit (may be empty: then only the submit click is missing) */
  missingFields: ApplicationField[];
}

/** To the founder: enrolled in a cohort of the programme they were accepted into. */
export interface CohortEnrolledContext extends BaseEmailContext {
  application: CaseRef;
  programme: ProgrammeRef;
  cohort: { id: string; name: string; startsOn: CalendarDay; endsOn: CalendarDay };
  /** the cohort's milestones known so far, in due order (may be empty) */
  milestones: { title: string; dueOn: CalendarDay }[];
}

/** To the programme's managers: a case left `accepted` (its decision undone), so its cohort seat is free. */
export interface SeatFreedContext extends BaseEmailContext {
  application: CaseRef & { status: CaseStatus };
  programme: ProgrammeRef;
  cohort: { id: string; name: string };
  capacity: number;
  seatsLeft: number;
}

/** To the founder and to the programme's managers: a milestone is due within 3 days. */
export interface MilestoneDueContext extends BaseEmailContext {
  /** the founder is told what to do; a manager which startup to follow up */
  audience: 'founder' | 'manager';
  application: CaseRef;
  programme: ProgrammeRef;
  cohort: { id: string; name: string };
  /** `daysLeft`: Paris calendar days from the day the email is sent to `dueOn` (0 = today) */
  milestone: { id: string; title: string; dueOn: CalendarDay; daysLeft: number };
}

/** To the founder: their abandoned draft or closed case will be purged (data retention). */
export interface RetentionWarningContext extends BaseEmailContext {
  /** `draft`: an abandoned draft; `closed_case`: a case decided or withdrawn long ago */
  kind: 'draft' | 'closed_case';
  application: CaseRef & { status: CaseStatus };
  lastActivityAt: Date;
  /** the day the data is deleted */
  purgeOn: CalendarDay;
}

// ---------------------------------------------------------------------------------------------
// Staff-facing

/** To the advisor a case was given to, manually or automatically. */
export interface CaseAssignedContext extends BaseEmailContext {
  application: CaseRef & { status: CaseStatus };
  /** who assigned it; null for an automatic assignment */
  assignedByName: string | null;
  submittedAt: Date;
  /** null once the first response was given */
  firstResponseDueAt: Date | null;
  decisionDueAt: Date;
  /** routing's top recommendation, in the recipient's locale, if any */
  suggestedProgrammeName: string | null;
}

/** To the assignee: the founder answered a request for information. */
export interface FounderRepliedContext extends BaseEmailContext {
  application: CaseRef;
  founderName: string;
  /** the founder's answer, as written */
  message: string;
  repliedAt: Date;
  /** the decision due date, moved by the business days spent waiting */
  decisionDueAt: Date;
}

/** To the assignee: a service level is due within 1 business day. */
export interface SlaWarningContext extends BaseEmailContext {
  application: CaseRef & { status: CaseStatus };
  serviceLevel: ServiceLevelKind;
  dueAt: Date;
}

/** To the programme's managers (all admins when the case has no programme): a service level is breached. */
export interface SlaBreachedContext extends BaseEmailContext {
  application: CaseRef & { status: CaseStatus };
  serviceLevel: ServiceLevelKind;
  dueAt: Date;
  /** null when nobody holds the case */
  assigneeName: string | null;
  /** null when the case has no programme yet (then admins receive it) */
  programmeName: string | null;
}

/**
 * A message in the thread that moves nothing: to the founder when staff write to them (outside
 * a request for information), to the assignee when the founder writes on a case that is not
 * waiting on them (e.g. already decided).
 */
export interface NewMessageContext extends BaseEmailContext {
  audience: 'founder' | 'staff';
  /** `status`: the case's status when the message was written */
  application: CaseRef & { status: CaseStatus };
  authorName: string;
  /** the message, as written */
  message: string;
  sentAt: Date;
}

// ---------------------------------------------------------------------------------------------
// Weekly digests (Monday 08:00 Europe/Paris), one per recipient per ISO week

export interface DigestBaseContext extends BaseEmailContext {
  /** the ISO week the digest belongs to, e.g. `2026-W48` */
  week: string;
  /** first and last day the figures cover (normally the 7 days before the Monday it is sent) */
  periodStartsOn: CalendarDay;
  periodEndsOn: CalendarDay;
  /** one-click unsubscribe link (RFC 8058), also sent as `List-Unsubscribe` */
  unsubscribeUrl: string;
}

/** A case whose service level is at risk or breached. */
export interface DigestDueCase extends CaseRef {
  serviceLevel: ServiceLevelKind;
  dueAt: Date;
}

export interface DigestNewCase extends CaseRef {
  assignedAt: Date;
  status: CaseStatus;
}

export interface DigestWaitingCase extends CaseRef {
  /** when the founder was asked */
  requestedAt: Date;
  businessDaysWaiting: number;
}

export interface WeeklyDigestAdvisorContext extends DigestBaseContext {
  /** the recipient's open cases by status */
  openByStatus: { submitted: number; in_review: number; info_requested: number };
  openTotal: number;
  atRisk: DigestDueCase[];
  breached: DigestDueCase[];
  /** cases assigned to the recipient during the period */
  newThisWeek: DigestNewCase[];
  /** their cases in `info_requested`, oldest request first */
  waitingOnFounders: DigestWaitingCase[];
  /** their cases closed (accepted, referred, declined, withdrawn) during the period */
  closedLastWeek: number;
}

export interface ManagerProgrammeDigest {
  slug: string;
  /** in the recipient's locale */
  name: string;
  kind: ProgrammeKind;
  /** moves into each status during the period */
  funnel: { submitted: number; accepted: number; referred: number; declined: number; withdrawn: number };
  /** null when no case had a first response during the period */
  medianHoursToFirstResponse: number | null;
  /** null when no case was decided during the period */
  medianBusinessDaysToDecision: number | null;
  openCohorts: { id: string; name: string; capacity: number; seatsLeft: number }[];
  overdueMilestones: {
    applicationId: string;
    reference: string;
    startupName: string;
    cohortName: string;
    title: string;
    dueOn: CalendarDay;
  }[];
  /** service levels breached during the period */
  breaches: number;
}

export interface WeeklyDigestManagerContext extends DigestBaseContext {
  /** the programmes the recipient manages */
  programmes: ManagerProgrammeDigest[];
}

// ---------------------------------------------------------------------------------------------
// Accounts: to the account's owner. The links carry a one-time token (see accounts/account-token.ts).

/** After sign-up (or on request): prove the address is yours. */
export interface VerifyEmailContext extends BaseEmailContext {
  /** `PUBLIC_URL/verify-email?token=…` */
  verifyUrl: string;
  /** the address being verified */
  email: string;
  expiresAt: Date;
}

/** Someone (hopefully the owner) asked to reset the password. */
export interface PasswordResetContext extends BaseEmailContext {
  /** `PUBLIC_URL/password/reset?token=…` */
  resetUrl: string;
  email: string;
  expiresAt: Date;
}

/** An admin created an account for the recipient, who chooses their own password. */
export interface InvitationContext extends BaseEmailContext {
  /** `PUBLIC_URL/invitation?token=…` */
  invitationUrl: string;
  email: string;
  /** the account's role (labels: `role.<value>`) */
  role: InvitedRole;
  /** who invited them; null when that account is gone */
  invitedByName: string | null;
  expiresAt: Date;
}

/** The roles an invitation may carry (staff, partner organisations' contacts, outside experts). */
export type InvitedRole = 'advisor' | 'programme_manager' | 'admin' | 'partner' | 'expert';

// ---------------------------------------------------------------------------------------------
// Referrals to partner organisations (links: `/referrals/:id/consent`, `/partner/referrals/:id`)

export type PartnerKindName = 'incubator' | 'cluster' | 'other';
export type ReferralOutcomeName = 'accepted' | 'declined' | 'meeting';

/** To the founder: an advisor proposes to send the application to a partner; nothing is shared before consent. */
export interface ReferralConsentContext extends BaseEmailContext {
  application: CaseRef;
  referralId: string;
  partnerName: string;
  partnerKind: PartnerKindName;
  /** who referred; null when that account is gone */
  advisorName: string | null;
  /** the note for the partner, as written (null: none) */
  note: string | null;
}

/** To each contact of the partner: a referral to read and answer (the founder consented). */
export interface ReferralReceivedContext extends BaseEmailContext {
  application: CaseRef;
  referralId: string;
  partnerName: string;
  advisorName: string | null;
  note: string | null;
  sentAt: Date;
}

/** To each contact of the partner: no answer after 5 or 10 business days. */
export interface ReferralReminderContext extends BaseEmailContext {
  application: CaseRef;
  referralId: string;
  partnerName: string;
  sentAt: Date;
  businessDays: number;
}

/** To the founder and the case's assignee: the partner's answer. */
export interface ReferralAnsweredContext extends BaseEmailContext {
  audience: 'founder' | 'staff';
  application: CaseRef;
  referralId: string;
  partnerName: string;
  outcome: ReferralOutcomeName;
  /** the partner's reason (declined) or meeting proposal, as written; null when none */
  reason: string | null;
  answeredAt: Date;
}

/** To the case's assignee (or the advisor who referred): no answer after 15 business days. */
export interface ReferralEscalatedContext extends BaseEmailContext {
  application: CaseRef;
  referralId: string;
  partnerName: string;
  sentAt: Date;
  businessDays: number;
}

// ---------------------------------------------------------------------------------------------
// Reviewers (staff or outside experts): links open `PUBLIC_URL/reviews/:id`

/** Staff invited the recipient to review an application on its programme's rubric. */
export interface ReviewInvitedContext extends BaseEmailContext {
  review: { id: string; dueOn: CalendarDay };
  /** before declaring, a reviewer knows the reference, the startup's name and the programme only */
  application: CaseRef;
  /** in the recipient's locale */
  programmeName: string;
  /** who invited them; null when that account is gone */
  invitedByName: string | null;
  /** a new expert: their account waits for the `invitation` email's link */
  newAccount: boolean;
}

/** Two business days before the due date, to a reviewer who has not submitted (once). */
export interface ReviewReminderContext extends BaseEmailContext {
  review: { id: string; dueOn: CalendarDay };
  application: CaseRef;
  programmeName: string;
  /** the reviewer already declared no conflict (what is left is the scoring) */
  declared: boolean;
}

// ---------------------------------------------------------------------------------------------

export interface TemplateContexts {
  'application-received': ApplicationReceivedContext;
  'case-assigned': CaseAssignedContext;
  'info-requested': InfoRequestedContext;
  'founder-replied': FounderRepliedContext;
  'decision-accepted': DecisionAcceptedContext;
  'decision-referred': DecisionReferredContext;
  'decision-declined': DecisionDeclinedContext;
  'draft-reminder': DraftReminderContext;
  'info-request-reminder': InfoRequestReminderContext;
  'sla-warning': SlaWarningContext;
  'sla-breached': SlaBreachedContext;
  'cohort-enrolled': CohortEnrolledContext;
  'seat-freed': SeatFreedContext;
  'milestone-due': MilestoneDueContext;
  'weekly-digest-advisor': WeeklyDigestAdvisorContext;
  'weekly-digest-manager': WeeklyDigestManagerContext;
  'retention-warning': RetentionWarningContext;
  'new-message': NewMessageContext;
  'verify-email': VerifyEmailContext;
  'password-reset': PasswordResetContext;
  invitation: InvitationContext;
  'referral-consent': ReferralConsentContext;
  'referral-received': ReferralReceivedContext;
  'referral-reminder': ReferralReminderContext;
  'referral-answered': ReferralAnsweredContext;
  'referral-escalated': ReferralEscalatedContext;
  'review-invited': ReviewInvitedContext;
  'review-reminder': ReviewReminderContext;
}

// Compile-time check that TEMPLATE_NAMES and TemplateContexts list the same templates.
type MissingContext = Exclude<TemplateName, keyof TemplateContexts>;
type MissingName = Exclude<keyof TemplateContexts, TemplateName>;
const _sameTemplates: [MissingContext, MissingName] extends [never, never] ? true : never = true;
void _sameTemplates;
