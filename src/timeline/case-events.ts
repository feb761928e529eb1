/** The kinds of a case's timeline events and the shape of a new one (pure). */
export const EVENT_TYPES = [
  'submitted',
  'withdrawn',
  'status_changed',
  'assigned',
  'auto_assign_attempted',
  'note_added',
  'message_posted',
  'application_updated',
  'sla_at_risk',
  'sla_breached',
  'enrolled',
  'unenrolled',
  'document_added',
  'document_removed',
  'referral_created',
  'referral_consent_given',
  'referral_consent_refused',
  'referral_answered',
  'referral_escalated',
  /** staff only: a selection committee decided (its name and rationale); the move itself is a status_changed */
  'committee_decided',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewCaseEvent {
  applicationId: string;
  at: Date;
  type: EventType;
  actor: { id: string; role: string } | null;
  /** visible to the founder */
  public: boolean;
  data: Record<string, unknown>;
}

/**
 * The timeline's writes are in its repository (the one home of `case_events`); they are
 * re-exported here, where every folder that appends an event already imports them from.
 */
export { appendCaseEvent, CASE_EVENT_INSERT_PARAMS, caseEventInsert, LAST_EVENT_SQL } from './case-events.repository';
