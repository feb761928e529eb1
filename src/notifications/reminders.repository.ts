import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decisionRunningSql, firstResponseRunningSql, statusIn } from '../domain/case-sql';
import { dedupeKeySql, isoInstantSql } from './outbox/outbox-email';

/** Held for the scan's transaction: one scan at a time across every worker. */
const SCAN_LOCK = 724_130_002;

/** A service-level clock that reached a state (at risk, breached) not yet recorded on the timeline. */
export interface DueRow {
  id: string;
  kind: 'first_response' | 'decision';
  due_at: Date;
  assignee_id: string | null;
  inbox_programme: string | null;
}

/**
 * What the reminder scan (RemindersService) reads: the cases, enrolments and people each kind
 * of reminder is about. Every statement runs in the scan's transaction; the emails it leads to
 * are written by `enqueueEmails`, the timeline events by `appendCaseEvent`.
 */
@Injectable()
export class RemindersRepository {
  /** Takes the scan's advisory lock for the transaction; false when another scan holds it. */
  async tryScanLock(em: EntityManager): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SCAN_LOCK]);
    return locked;
  }

  /** Drafts untouched since `untouchedSince` whose founder has not had their reminder yet. */
  draftsToRemind(em: EntityManager, untouchedSince: Date): Promise<{ id: string; owner_id: string; updated_at: Date }[]> {
    return em.query(
      `SELECT a.id, a.owner_id, a.updated_at FROM applications a
       WHERE ${statusIn('a.status', ['draft'])} AND a.updated_at <= $1
         AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.dedupe_key = ${dedupeKeySql('draft-reminder', 'a.id', 'a.owner_id')})`,
      [untouchedSince],
    );
  }

  /** Cases waiting on the founder since `pausedBy` or before, with the request's message. */
  waitingOnFounder(em: EntityManager, pausedBy: Date): Promise<{ id: string; owner_id: string; paused_at: Date; message_id: string | null }[]> {
    return em.query(
      `SELECT a.id, a.owner_id, a.paused_at,
              (SELECT e.data->>'messageId' FROM case_events e WHERE e.application_id = a.id AND e.type = 'status_changed' AND ${statusIn(`e.data->>'to'`, ['info_requested'])} ORDER BY e.seq DESC LIMIT 1) AS message_id
       FROM applications a
       WHERE ${statusIn('a.status', ['info_requested'])} AND a.paused_at <= $1`,
      [pausedBy],
    );
  }

  /** Milestones due between two days (inclusive) that an enrolled startup has not settled. */
  pendingMilestonesDue(em: EntityManager, fromDay: string, toDay: string): Promise<{ milestone_id: string; enrolment_id: string; application_id: string; owner_id: string; programme: string }[]> {
    return em.query(
      `SELECT m.id AS milestone_id, e.id AS enrolment_id, a.id AS application_id, a.owner_id, e.programme
       FROM milestones m JOIN enrolments e ON e.cohort_id = m.cohort_id JOIN applications a ON a.id = e.application_id
       LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
       WHERE m.due_on BETWEEN $1::date AND $2::date AND coalesce(p.status, 'pending') = 'pending'`,
      [fromDay, toDay],
    );
  }

  /** Active programme managers, with their programmes. */
  programmeManagers(em: EntityManager): Promise<{ id: string; programmes: string[] }[]> {
    return em.query(`SELECT id, programmes FROM users WHERE role = 'programme_manager' AND active AND erased_at IS NULL`);
  }

  /** Active programme managers and admins: who hears of a breached service level. */
  managersAndAdmins(em: EntityManager): Promise<{ id: string; role: string; programmes: string[] }[]> {
    return em.query(`SELECT id, role, programmes FROM users WHERE role IN ('programme_manager', 'admin') AND active AND erased_at IS NULL`);
  }

  /**
   * The running clocks whose due date is past (`breached`) or within the at-risk window
   * (`at_risk`: from `now` to `atRiskUntil`), and whose state for this very due date is not on the
   * timeline yet; ordered by case id (the order in which the scan then locks the cases).
   */
  clocksReaching(em: EntityManager, state: 'at_risk' | 'breached', now: Date, atRiskUntil: Date): Promise<DueRow[]> {
    const window = state === 'breached' ? `< $1` : `BETWEEN $1 AND $2`;
    const params: unknown[] = state === 'breached' ? [now] : [now, atRiskUntil];
    const eventType = state === 'breached' ? 'sla_breached' : 'sla_at_risk';
    return em.query(
      `SELECT * FROM (
         SELECT a.id, 'first_response' AS kind, a.first_response_due_at AS due_at, a.assignee_id, a.inbox_programme
         FROM applications a WHERE ${firstResponseRunningSql('a')} AND a.first_response_due_at ${window}
         UNION ALL
         SELECT a.id, 'decision', a.decision_due_at, a.assignee_id, a.inbox_programme
         FROM applications a WHERE ${decisionRunningSql('a')} AND a.decision_due_at ${window}
       ) due
       WHERE NOT EXISTS (
         SELECT 1 FROM case_events ev WHERE ev.application_id = due.id AND ev.type = '${eventType}'
           AND ev.data->>'serviceLevel' = due.kind AND ev.data->>'dueAt' = ${isoInstantSql('due.due_at')})
       ORDER BY due.id, due.kind`,
      params,
    );
  }
}
