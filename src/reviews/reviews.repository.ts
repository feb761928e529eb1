import { Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared-query';
import { DataSource, type EntityManager } from 'typeorm';
import { statusIn } from '../domain/case-sql';
import { dedupeKeySql } from '../notifications/outbox/outbox-email';
import type { Rubric } from '../programmes/rubric';
import { PENDING_STATUSES, sqlList, type ReviewRecommendation, type ReviewStatus } from '../domain/review-rules';

/** A row of `reviews`, as the services read it (dates as `YYYY-MM-DD`, instants as Date). */
export interface ReviewRow {
  id: string;
  application_id: string;
  reviewer_id: string;
  programme: string;
  status: ReviewStatus;
  due_on: string;
  invited_by: string | null;
  declared_at: Date | null;
  conflict_details: string | null;
  rubric_version: number | null;
  scores: Record<string, number> | null;
  weighted_score: number | null;
  comment: string | null;
  recommendation: ReviewRecommendation | null;
  submitted_at: Date | null;
  withdrawn_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A review with who wrote it and what it is about, for lists. */
export interface ReviewListRow extends ReviewRow {
  reference: string;
  startup_name: string;
  reviewer_name: string;
  reviewer_role: string;
  reviewer_email: string;
}

export interface CommitteeRow {
  id: string;
  programme: string;
  name: string;
  meets_on: string;
  created_by: string | null;
  created_at: Date;
}

export interface CommitteeItemRow {
  committee_id: string;
  application_id: string;
  position: number;
  decision: 'accepted' | 'declined' | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  reference: string;
  startup_name: string;
  status: string;
  version: number;
}

const REVIEW_COLUMNS = `r.id, r.application_id, r.reviewer_id, r.programme, r.status, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.invited_by, r.declared_at,
  r.conflict_details, r.rubric_version, r.scores, r.weighted_score, r.comment, r.recommendation, r.submitted_at, r.withdrawn_at, r.created_at, r.updated_at`;
const LIST_COLUMNS = `${REVIEW_COLUMNS}, a.reference, a.startup_name, u.full_name AS reviewer_name, u.role AS reviewer_role, u.email AS reviewer_email`;
const LIST_FROM = 'reviews r JOIN applications a ON a.id = r.application_id JOIN users u ON u.id = r.reviewer_id';

const UNIQUE_VIOLATION = '23505';
/** Held for the reminder scan's transaction: one scan at a time across every worker. */
const SCAN_LOCK = 724_130_019;

/**
 * Every statement on `reviews`, `programme_rubric_versions`, `committees` and `committee_items`,
 * and what the reviews read of programmes and accounts.
 */
@Injectable()
export class ReviewsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The pool's manager, for reads outside a transaction through methods that take one. */
  get reads(): EntityManager {
    return this.dataSource.manager;
  }

  async programme(em: EntityManager, slug: string): Promise<{ slug: string; kind: 'internal' | 'external'; name: { fr: string; en: string }; rubric: Rubric; rubric_version: number } | null> {
    const rows: { slug: string; kind: 'internal' | 'external'; name: { fr: string; en: string }; rubric: Rubric; rubric_version: number }[] = await em.query(
      'SELECT slug, kind, name, rubric, rubric_version FROM programmes WHERE slug = $1',
      [slug],
    );
    return rows[0] ?? null;
  }

  /** The rubric a programme had at a version (the one a review was scored on). */
  async rubricVersion(em: EntityManager, slug: string, version: number): Promise<Rubric | null> {
    const rows: { rubric: Rubric }[] = await em.query('SELECT rubric FROM programme_rubric_versions WHERE programme = $1 AND version = $2', [slug, version]);
    return rows[0]?.rubric ?? null;
  }

  async account(em: EntityManager, where: { id: string } | { email: string }): Promise<{ id: string; role: string; active: boolean; erased: boolean; email: string } | null> {
    const [column, value] = 'id' in where ? ['id', where.id] : ['email', where.email];
    const rows: { id: string; role: string; active: boolean; erased: boolean; email: string }[] = await em.query(
      `SELECT id, role, active, erased_at IS NOT NULL AS erased, email FROM users WHERE ${column} = $1`,
      [value],
    );
    return rows[0] ?? null;
  }

  /** Inserts an invitation; null when that reviewer already has a live review of the case. */
  async insert(em: EntityManager, review: { applicationId: string; reviewerId: string; programme: string; dueOn: string; invitedBy: string; now: Date }): Promise<ReviewRow | null> {
    try {
      const rows: { id: string }[] = await em.query(
        `INSERT INTO reviews (application_id, reviewer_id, programme, due_on, invited_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
        [review.applicationId, review.reviewerId, review.programme, review.dueOn, review.invitedBy, review.now],
      );
      return this.find(em, rows[0].id);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  async find(em: EntityManager, id: string, lock = false): Promise<ReviewRow | null> {
    const rows: ReviewRow[] = await em.query(`SELECT ${REVIEW_COLUMNS} FROM reviews r WHERE r.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async findWithCase(em: EntityManager, id: string): Promise<ReviewListRow | null> {
    const rows: ReviewListRow[] = await em.query(`SELECT ${LIST_COLUMNS} FROM ${LIST_FROM} WHERE r.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** A reviewer's own reviews (withdrawn ones are gone for them), the most urgent first. */
  async listMine(em: EntityManager, reviewerId: string): Promise<ReviewListRow[]> {
    return em.query(
      `SELECT ${LIST_COLUMNS} FROM ${LIST_FROM} WHERE r.reviewer_id = $1 AND r.status <> 'withdrawn'
       ORDER BY (r.status IN (${sqlList(PENDING_STATUSES)})) DESC, r.due_on, r.created_at LIMIT 500`,
      [reviewerId],
    );
  }

  /** Every review of a case, outside any transaction, as a named statement (the staff's case page reads it every time). */
  listForApplicationNow(applicationId: string): Promise<ReviewListRow[]> {
    return preparedQuery<ReviewListRow>(this.dataSource, `SELECT ${LIST_COLUMNS} FROM ${LIST_FROM} WHERE r.application_id = $1 ORDER BY r.created_at, r.id`, [applicationId]);
  }

  /** Every review of these cases (for committee agendas): id, case, status and weighted score. */
  async scoresOf(em: EntityManager, applicationIds: string[]): Promise<{ id: string; application_id: string; status: ReviewStatus; weighted_score: number | null }[]> {
    if (applicationIds.length === 0) return [];
    return em.query('SELECT id, application_id, status, weighted_score FROM reviews WHERE application_id = ANY($1::uuid[])', [applicationIds]);
  }

  /** The reviewer's own review of a case, if any, not withdrawn. */
  async mineOn(em: EntityManager, applicationId: string, reviewerId: string): Promise<ReviewRow | null> {
    const rows: ReviewRow[] = await em.query(`SELECT ${REVIEW_COLUMNS} FROM reviews r WHERE r.application_id = $1 AND r.reviewer_id = $2 AND r.status <> 'withdrawn'`, [applicationId, reviewerId]);
    return rows[0] ?? null;
  }

  async declare(em: EntityManager, id: string, conflict: boolean, details: string | null, now: Date): Promise<void> {
    await em.query(`UPDATE reviews SET status = $2, declared_at = $3, conflict_details = $4, updated_at = $3 WHERE id = $1`, [id, conflict ? 'recused' : 'open', now, conflict ? details : null]);
  }

  async submit(
    em: EntityManager,
    id: string,
    review: { rubricVersion: number; scores: Record<string, number>; weightedScore: number; comment: string; recommendation: ReviewRecommendation; now: Date },
  ): Promise<void> {
    await em.query(
      `UPDATE reviews SET status = 'submitted', rubric_version = $2, scores = $3, weighted_score = $4, comment = $5, recommendation = $6, submitted_at = $7, updated_at = $7 WHERE id = $1`,
      [id, review.rubricVersion, JSON.stringify(review.scores), review.weightedScore, review.comment, review.recommendation, review.now],
    );
  }

  async withdraw(em: EntityManager, id: string, now: Date): Promise<void> {
    await em.query(`UPDATE reviews SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`, [id, now]);
  }

  /**
   * Reviews still pending whose reminder day (`reminderDay(due_on)`, computed by the caller for
   * each due date in the window) has come, and that were created before it; the email's dedupe
   * key makes it once.
   */
  async pendingDueBetween(em: EntityManager, fromDay: string, toDay: string): Promise<{ id: string; application_id: string; reviewer_id: string; due_on: string; created_at: Date }[]> {
    return em.query(
      `SELECT r.id, r.application_id, r.reviewer_id, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.created_at FROM reviews r
       WHERE r.status IN (${sqlList(PENDING_STATUSES)}) AND r.due_on BETWEEN $1::date AND $2::date
         AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.dedupe_key = ${dedupeKeySql('review-reminder', 'r.id', 'r.reviewer_id')})`,
      [fromDay, toDay],
    );
  }

  /** Takes the reminder scan's advisory lock for the transaction; false when another scan holds it. */
  async tryReminderScanLock(em: EntityManager): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SCAN_LOCK]);
    return locked;
  }

  /** The inviter's name for a `review-invited` email (null when that account is gone or erased). */
  async inviterName(em: EntityManager, userId: string | null): Promise<string | null> {
    const rows: { full_name: string }[] = await em.query('SELECT full_name FROM users WHERE id = $1 AND erased_at IS NULL', [userId]);
    return rows[0]?.full_name ?? null;
  }

  /** Whether the reviewer's account is new (no password yet: its invitation is not accepted); null when there is no such account. */
  async awaitsPassword(em: EntityManager, userId: string): Promise<boolean | null> {
    const rows: { has_password: boolean }[] = await em.query('SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1', [userId]);
    return rows[0] ? !rows[0].has_password : null;
  }

  // -- committees --------------------------------------------------------------------------

  async insertCommittee(em: EntityManager, committee: { programme: string; name: string; meetsOn: string; createdBy: string; now: Date; applicationIds: string[] }): Promise<string> {
    const rows: { id: string }[] = await em.query(
      'INSERT INTO committees (programme, name, meets_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [committee.programme, committee.name, committee.meetsOn, committee.createdBy, committee.now],
    );
    await em.query(
      `INSERT INTO committee_items (committee_id, application_id, position) SELECT $1, x.id, x.n FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, n)`,
      [rows[0].id, committee.applicationIds],
    );
    return rows[0].id;
  }

  async committee(em: EntityManager, id: string): Promise<CommitteeRow | null> {
    const rows: CommitteeRow[] = await em.query(`SELECT id, programme, name, to_char(meets_on, 'YYYY-MM-DD') AS meets_on, created_by, created_at FROM committees WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async committeeItems(em: EntityManager, committeeId: string): Promise<CommitteeItemRow[]> {
    return em.query(
      `SELECT i.committee_id, i.application_id, i.position, i.decision, i.reason, i.decided_by, i.decided_at, a.reference, a.startup_name, a.status, a.version
       FROM committee_items i JOIN applications a ON a.id = i.application_id WHERE i.committee_id = $1 ORDER BY i.position`,
      [committeeId],
    );
  }

  /** Locks an agenda item for its decision; null when the case is not on that committee's agenda. */
  async lockItem(em: EntityManager, committeeId: string, applicationId: string): Promise<{ decision: string | null } | null> {
    const rows: { decision: string | null }[] = await em.query('SELECT decision FROM committee_items WHERE committee_id = $1 AND application_id = $2 FOR UPDATE', [committeeId, applicationId]);
    return rows[0] ?? null;
  }

  async recordDecision(em: EntityManager, committeeId: string, applicationId: string, decision: string, reason: string, decidedBy: string, now: Date): Promise<void> {
    await em.query('UPDATE committee_items SET decision = $3, reason = $4, decided_by = $5, decided_at = $6 WHERE committee_id = $1 AND application_id = $2', [
      committeeId,
      applicationId,
      decision,
      reason,
      decidedBy,
      now,
    ]);
  }

  /** Which of these ids are submitted cases (not drafts), for an agenda. */
  async existingCases(em: EntityManager, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await em.query(`SELECT id FROM applications WHERE id = ANY($1::uuid[]) AND NOT ${statusIn('status', ['draft'])}`, [ids]);
    return rows.map((r) => r.id);
  }
}
