import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { openSql } from '../domain/case-sql';

/** A staff member who might take a case, with their open cases counted (`load`). */
export interface CandidateRow {
  id: string;
  full_name: string;
  role: string;
  active: boolean;
  programmes: string[];
  languages: string[];
  capacity: number | null;
  last_assigned_at: Date | null;
  load: number;
}

/** An assignee's load: their open cases (src/domain/case-sql.ts, the state machine's open statuses). */
const OPEN_LOAD_SQL = `(SELECT count(*)::int FROM applications o WHERE o.assignee_id = u.id AND ${openSql('o')})`;

/**
 * What assignment reads and writes of the staff's accounts: who may take a case and how loaded
 * they are, and when each was last given one. Capacity holds under concurrency: a candidate's
 * account row is locked (FOR NO KEY UPDATE) before their open cases are counted, in a statement
 * of its own — a statement's snapshot predates its lock waits, so a load counted in the locking
 * statement could miss an assignment committed meanwhile. The case row is locked by the caller
 * first, always in that order: case, then accounts (all candidates' in id order).
 */
@Injectable()
export class AssignmentRepository {
  /** One staff member for a manual assignment: their account locked, then read with their load. */
  async lockCandidate(em: EntityManager, userId: string): Promise<CandidateRow | null> {
    await em.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
    const [candidate]: CandidateRow[] = await em.query(
      `SELECT u.id, u.full_name, u.role, u.active, u.capacity, ${OPEN_LOAD_SQL} AS load FROM users u WHERE u.id = $1 AND u.erased_at IS NULL`,
      [userId],
    );
    return candidate ?? null;
  }

  /** Every advisor for an automatic assignment: their accounts locked in id order, then read with their loads. */
  async lockAdvisors(em: EntityManager): Promise<CandidateRow[]> {
    const locked: { id: string }[] = await em.query(`SELECT u.id FROM users u WHERE u.role = 'advisor' AND u.erased_at IS NULL ORDER BY u.id FOR NO KEY UPDATE`);
    return em.query(
      `SELECT u.id, u.full_name, u.role, u.active, u.programmes, u.languages, u.capacity, u.last_assigned_at, ${OPEN_LOAD_SQL} AS load
       FROM users u WHERE u.id = ANY($1::uuid[]) AND u.role = 'advisor' AND u.erased_at IS NULL ORDER BY u.id`,
      [locked.map((u) => u.id)],
    );
  }

  /** The assignee was given a case now (the automatic choice prefers who waited longest). */
  async markAssigned(em: EntityManager, userId: string, now: Date): Promise<void> {
    await em.query('UPDATE users SET last_assigned_at = $2 WHERE id = $1', [userId, now]);
  }
}
