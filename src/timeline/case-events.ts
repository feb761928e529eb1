import type { EntityManager } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { eventHash } from './event-hash';

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
 * Appends one event to a case's timeline inside the caller's transaction. The case row is
 * locked first (unless the caller already holds that lock), so two appends to the same case are
 * serialised and the chain has no fork; the last event is read in a statement of its own, after
 * the lock, so it sees what a previous holder committed.
 * There is no update or delete path (a trigger refuses them too).
 */
/** The newest event of a case, to chain the next one to (read after taking the case's row lock). */
export const LAST_EVENT_SQL = (caseParam: string): string =>
  `(SELECT seq FROM case_events WHERE application_id = ${caseParam} ORDER BY seq DESC LIMIT 1) AS last_seq,
   (SELECT hash FROM case_events WHERE application_id = ${caseParam} ORDER BY seq DESC LIMIT 1) AS last_hash`;

/** How many `$n` parameters caseEventInsert's statement takes (compose others after them). */
export const CASE_EVENT_INSERT_PARAMS = 11;

/**
 * The INSERT of the event following `last` (null for a case's first event), with its chained
 * hash; `$n` placeholders start after `offset` so it can be composed with other statements.
 */
export function caseEventInsert(event: NewCaseEvent, last: { seq: number; hash: string } | null, offset = 0): { sql: string; params: unknown[]; seq: number } {
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? null;
  const at = new Date(event.at.getTime()); // timestamptz(3): millisecond precision, as hashed
  const fields = {
    applicationId: event.applicationId,
    seq,
    at: at.toISOString(),
    type: event.type,
    actorId: event.actor?.id ?? null,
    actorRole: event.actor?.role ?? null,
    public: event.public,
    data: event.data,
    sealed: { salt: randomBytes(16).toString('hex') },
  };
  const hash = eventHash(prevHash, fields);
  const p = Array.from({ length: CASE_EVENT_INSERT_PARAMS }, (_, i) => `$${offset + i + 1}`);
  return {
    sql: `INSERT INTO case_events (application_id, seq, at, type, actor_id, actor_role, public, data, prev_hash, hash, sealed) VALUES (${p.join(', ')}) RETURNING id`,
    params: [event.applicationId, seq, at, event.type, fields.actorId, fields.actorRole, event.public, JSON.stringify(event.data), prevHash, hash, JSON.stringify(fields.sealed)],
    seq,
  };
}

export async function appendCaseEvent(em: EntityManager, event: NewCaseEvent, options: { caseLocked?: boolean } = {}): Promise<{ id: string; seq: number }> {
  // callers that already hold the case's row lock in this transaction say so and save a round trip.
  // NO KEY UPDATE, not UPDATE: it serialises the chain all the same, but does not block (nor
  // deadlock with) a transaction inserting a row that references the case (an outbox email's
  // foreign-key check takes KEY SHARE on it), see docs/notifications.md "Emails" (lock order)
  if (!options.caseLocked) await em.query('SELECT 1 FROM applications WHERE id = $1 FOR NO KEY UPDATE', [event.applicationId]);
  const [last]: { last_seq: number | null; last_hash: string | null }[] = await em.query(`SELECT ${LAST_EVENT_SQL('$1')}`, [event.applicationId]);
  const insert = caseEventInsert(event, last.last_seq === null ? null : { seq: last.last_seq, hash: last.last_hash as string });
  const rows: { id: string }[] = await em.query(insert.sql, insert.params);
  return { id: rows[0].id, seq: insert.seq };
}
