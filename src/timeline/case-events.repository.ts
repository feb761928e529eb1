import { Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared-query';
import { DataSource, EntityManager } from 'typeorm';
import { randomBytes } from 'node:crypto';
import type { NewCaseEvent } from './case-events';
import { eventHash, type EventSeal } from './event-hash';

/**
 * The one home of the `case_events` table (a case's hash-chained timeline). Every folder appends
 * with `appendCaseEvent` inside its own transaction; TimelineService reads through
 * CaseEventsRepository. There is no update or delete path (a trigger refuses them too).
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

/**
 * Appends one event to a case's timeline inside the caller's transaction. The case row is
 * locked first (unless the caller already holds that lock), so two appends to the same case are
 * serialised and the chain has no fork; the last event is read in a statement of its own, after
 * the lock, so it sees what a previous holder committed.
 */
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

export interface CaseEventRow {
  id: string;
  seq: number;
  at: Date;
  type: string;
  actor_id: string | null;
  actor_role: string | null;
  public: boolean;
  data: Record<string, unknown>;
  prev_hash: string | null;
  hash: string;
  sealed?: EventSeal | null;
  message_body: string | null;
  note_body: string | null;
}

/** The facts of a decision event an email is composed from. */
export interface DecisionEventRow {
  at: Date;
  actor_id: string | null;
  data: { to: string; programme: string | null; reason: string | null; messageId: string | null };
}

/** The timeline's reads. */
@Injectable()
export class CaseEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A page of a case's events after `afterSeq`, with the message and note each one names; the
   * founder's view (`founder`) keeps the public events only and never reads a note.
   */
  page(applicationId: string, founder: boolean, afterSeq: number, limit: number): Promise<CaseEventRow[]> {
    // a named statement (two texts: founder or staff): planning it cost as much as reading the page
    return preparedQuery<CaseEventRow>(
      this.dataSource,
      `SELECT e.id, e.seq, e.at, e.type, e.actor_id, e.actor_role, e.public, e.data, e.prev_hash, e.hash,
              m.body AS message_body, ${founder ? 'NULL' : 'n.body'} AS note_body
       FROM case_events e
       LEFT JOIN case_messages m ON m.id = (e.data->>'messageId')::uuid
       LEFT JOIN case_notes n ON n.id = (e.data->>'noteId')::uuid
       WHERE e.application_id = $1 AND e.seq > $2 ${founder ? 'AND e.public' : ''}
       ORDER BY e.seq LIMIT $3`,
      [applicationId, afterSeq, limit],
    );
  }

  /** Every event of a case in order, with its seal: what the chain's verification re-hashes. */
  chain(applicationId: string): Promise<Omit<CaseEventRow, 'message_body' | 'note_body'>[]> {
    return this.dataSource.query('SELECT id, seq, at, type, actor_id, actor_role, public, data, sealed, prev_hash, hash FROM case_events WHERE application_id = $1 ORDER BY seq', [
      applicationId,
    ]);
  }

  /** One event, through the caller's transaction (an email composed at send time). */
  async decision(em: EntityManager, id: unknown): Promise<DecisionEventRow | null> {
    const rows: DecisionEventRow[] = await em.query('SELECT at, actor_id, data FROM case_events WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
