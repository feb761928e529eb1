import { Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared-query';
import { DataSource, EntityManager } from 'typeorm';
import type { CursorKey } from '../common/pagination/cursor';
import type { ProgrammeKind } from '../domain/case-state-machine';

export interface MessageRow {
  id: string;
  body: string;
  author_id: string | null;
  author_role: string;
  full_name: string | null;
  created_at: Date;
}

export interface ProgrammeFacts {
  slug: string;
  kind: ProgrammeKind;
  name: { fr: string; en: string };
}

export interface EnrolmentFacts {
  cohort_id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  programme: string;
}

const MESSAGE_SELECT = 'SELECT m.id, m.body, m.author_id, m.author_role, u.full_name, m.created_at FROM case_messages m LEFT JOIN users u ON u.id = m.author_id';

/**
 * The home of a case's thread (`case_messages`) and its staff notes (`case_notes`). It also
 * holds what the case's moves and emails read of the programmes and cohorts inside the caller's
 * transaction (the sender's, for an email composed at send time), as the referrals' repository
 * does for its own emails: reads only, the writes of those tables stay in their folders.
 */
@Injectable()
export class CasesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertMessage(em: EntityManager, m: { applicationId: string; authorId: string; authorRole: string; body: string; at: Date }): Promise<string> {
    const inserted: { id: string }[] = await em.query(
      'INSERT INTO case_messages (application_id, author_id, author_role, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [m.applicationId, m.authorId, m.authorRole, m.body, m.at],
    );
    return inserted[0].id;
  }

  /** A page of the thread, oldest first, after the keyset `after` (`limit` rows: ask one more to know of a next page). */
  messages(applicationId: string, after: CursorKey | null, limit: number): Promise<MessageRow[]> {
    const params: unknown[] = [applicationId, limit];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'AND (m.created_at, m.id) > ($3::timestamptz, $4::uuid)';
    }
    return preparedQuery<MessageRow>(this.dataSource, `${MESSAGE_SELECT} WHERE m.application_id = $1 ${keyset} ORDER BY m.created_at, m.id LIMIT $2`, params);
  }

  async message(id: string): Promise<MessageRow> {
    const [row]: MessageRow[] = await this.dataSource.query(`${MESSAGE_SELECT} WHERE m.id = $1`, [id]);
    return row;
  }

  /** A message an email quotes, through the caller's transaction; null when `id` names none. */
  async messageFacts(em: EntityManager, id: unknown): Promise<{ body: string; author_id: string | null; created_at: Date } | null> {
    if (typeof id !== 'string') return null;
    const rows: { body: string; author_id: string | null; created_at: Date }[] = await em.query('SELECT body, author_id, created_at FROM case_messages WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  async insertNote(em: EntityManager, n: { applicationId: string; authorId: string; body: string; at: Date }): Promise<string> {
    const inserted: { id: string }[] = await em.query('INSERT INTO case_notes (application_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [
      n.applicationId,
      n.authorId,
      n.body,
      n.at,
    ]);
    return inserted[0].id;
  }

  /** A decision's programme: its kind and whether it is active (null when there is no such programme). */
  async programmeKind(em: EntityManager, slug: string): Promise<{ kind: ProgrammeKind; active: boolean } | null> {
    const found: { kind: ProgrammeKind; active: boolean }[] = await em.query('SELECT kind, active FROM programmes WHERE slug = $1', [slug]);
    return found[0] ?? null;
  }

  programmes(em: EntityManager, slugs: string[]): Promise<ProgrammeFacts[]> {
    return em.query('SELECT slug, kind, name FROM programmes WHERE slug = ANY($1)', [slugs]);
  }

  /** An enrolment's cohort; null when `id` names none. */
  async enrolment(em: EntityManager, id: unknown): Promise<EnrolmentFacts | null> {
    if (typeof id !== 'string') return null;
    const rows: EnrolmentFacts[] = await em.query(
      `SELECT c.id AS cohort_id, c.name, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.programme
       FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  milestones(em: EntityManager, cohortId: string): Promise<{ title: string; due_on: string }[]> {
    return em.query(`SELECT title, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM milestones WHERE cohort_id = $1 ORDER BY due_on`, [cohortId]);
  }

  /** A milestone and where this enrolment stands on it (`status` null when nothing was recorded). */
  async milestone(em: EntityManager, milestoneId: unknown, enrolmentId: unknown): Promise<{ id: string; title: string; due_on: string; status: string | null } | null> {
    const rows: { id: string; title: string; due_on: string; status: string | null }[] = await em.query(
      `SELECT m.id, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, p.status
       FROM milestones m LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = $2 WHERE m.id = $1`,
      [milestoneId, enrolmentId],
    );
    return rows[0] ?? null;
  }

  /** A cohort with its capacity and how many are enrolled. */
  async cohortSeats(em: EntityManager, cohortId: unknown): Promise<{ id: string; name: string; programme: string; capacity: number; enrolled: number } | null> {
    const rows: { id: string; name: string; programme: string; capacity: number; enrolled: number }[] = await em.query(
      'SELECT c.id, c.name, c.programme, c.capacity, (SELECT count(*)::int FROM enrolments WHERE cohort_id = c.id) AS enrolled FROM cohorts c WHERE c.id = $1',
      [cohortId],
    );
    return rows[0] ?? null;
  }
}
