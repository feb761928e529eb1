import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { enrollableSql } from '../domain/case-sql';

export interface CohortRow {
  id: string;
  programme: string;
  name: string;
  starts_on: string;
  ends_on: string;
  capacity: number;
  enrolled: number;
  created_at: Date;
}

export interface CohortEnrolmentRow {
  id: string;
  application_id: string;
  reference: string;
  startup_name: string;
  created_at: Date;
}

export interface MilestoneRow {
  id: string;
  title: string;
  due_on: string;
}

export interface FounderEnrolmentRow {
  id: string;
  application_id: string;
  reference: string;
  startup_name: string;
  created_at: Date;
  cohort_id: string;
  name: string;
  programme: string;
  starts_on: string;
  ends_on: string;
}

export interface EnrolmentCandidate {
  applicationId: string;
  reference: string;
  startupName: string;
}

export interface ProgressRow {
  enrolment_id: string;
  milestone_id: string;
  status: string;
  note: string | null;
}

const COHORT_COLUMNS = `c.id, c.programme, c.name, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.capacity,
  (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolled, c.created_at`;

/** PostgreSQL's exclusion violation: the dates overlap another cohort of the programme (the table's EXCLUDE constraint). */
const EXCLUSION_VIOLATION = '23P01';
/** PostgreSQL's unique violation: the application already holds a seat in a cohort of the programme (`enrolments_once_per_programme`). */
const UNIQUE_VIOLATION = '23505';

/**
 * Every statement on `cohorts`, `milestones` and `milestone_progress`, and on `enrolments` for
 * what a cohort shows and changes (the seats a decision frees: `releaseSeatsOf` in enrolments.repository.ts).
 * Reads take the caller's `em` inside a transaction, else run on the pool.
 */
@Injectable()
export class CohortsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Null when the dates overlap another cohort of the programme (the table's exclusion constraint). */
  async insert(cohort: { programme: string; name: string; startsOn: string; endsOn: string; capacity: number; createdBy: string }): Promise<string | null> {
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        'INSERT INTO cohorts (programme, name, starts_on, ends_on, capacity, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [cohort.programme, cohort.name, cohort.startsOn, cohort.endsOn, cohort.capacity, cohort.createdBy],
      );
      return rows[0].id;
    } catch (error) {
      if ((error as { code?: string }).code === EXCLUSION_VIOLATION) return null;
      throw error;
    }
  }

  /** Every cohort (of one programme when given), the latest first. */
  list(programme: string | undefined): Promise<CohortRow[]> {
    return this.dataSource.query(`SELECT ${COHORT_COLUMNS} FROM cohorts c ${programme ? 'WHERE c.programme = $1' : ''} ORDER BY c.starts_on DESC, c.id`, programme ? [programme] : []);
  }

  async find(id: string, em: EntityManager = this.dataSource.manager): Promise<CohortRow | null> {
    const rows: CohortRow[] = await em.query(`SELECT ${COHORT_COLUMNS} FROM cohorts c WHERE c.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * The cohort, its row locked FOR UPDATE until the caller's transaction ends: enrolments into it
   * take turns, so the seats counted before an insert are still free at the insert.
   */
  async lock(em: EntityManager, id: string): Promise<CohortRow | null> {
    const rows: CohortRow[] = await em.query(`SELECT ${COHORT_COLUMNS} FROM cohorts c WHERE c.id = $1 FOR UPDATE OF c`, [id]);
    return rows[0] ?? null;
  }

  enrolmentsOf(cohortId: string, em: EntityManager = this.dataSource.manager): Promise<CohortEnrolmentRow[]> {
    return this.enrolmentsOfCohorts([cohortId], em);
  }

  milestonesOf(cohortId: string, em: EntityManager = this.dataSource.manager): Promise<MilestoneRow[]> {
    return this.milestonesOfCohorts([cohortId], em);
  }

  /** The enrolments of one or several cohorts in one read (a list of cohorts), each in its cohort's order. */
  enrolmentsOfCohorts(cohortIds: string[], em: EntityManager = this.dataSource.manager): Promise<(CohortEnrolmentRow & { cohort_id: string })[]> {
    return em.query(
      `SELECT e.cohort_id, e.id, e.application_id, a.reference, a.startup_name, e.created_at FROM enrolments e JOIN applications a ON a.id = e.application_id
       WHERE e.cohort_id = ANY($1::uuid[]) ORDER BY e.created_at, e.id`,
      [cohortIds],
    );
  }

  /** The milestones of one or several cohorts in one read, each in its cohort's order. */
  milestonesOfCohorts(cohortIds: string[], em: EntityManager = this.dataSource.manager): Promise<(MilestoneRow & { cohort_id: string })[]> {
    return em.query(
      `SELECT cohort_id, id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM milestones WHERE cohort_id = ANY($1::uuid[]) ORDER BY due_on, created_at`,
      [cohortIds],
    );
  }

  /**
   * The cases accepted into `programme` that no cohort of it holds yet: whom a manager can enrol
   * (the enrolment itself still checks status, programme and seats under lock). Oldest decision first.
   */
  enrolmentCandidates(programme: string, limit = 500): Promise<EnrolmentCandidate[]> {
    return this.dataSource.query(
      `SELECT a.id AS "applicationId", a.reference, a.startup_name AS "startupName"
       FROM applications a
       -- inbox_programme is the decided programme once decided: the inbox's (programme, status) index serves this
       WHERE a.inbox_programme = $1 AND ${enrollableSql('a')} AND a.programme = $1
         AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.application_id = a.id AND e.programme = $1)
       ORDER BY a.decided_at NULLS LAST, a.reference
       LIMIT $2`,
      [programme, limit],
    );
  }

  async countEnrolments(em: EntityManager, cohortId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await em.query('SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1', [cohortId]);
    return n;
  }

  /** Null when the application already holds a seat in a cohort of this programme. */
  async enrol(em: EntityManager, e: { cohortId: string; applicationId: string; programme: string; enrolledBy: string; now: Date }): Promise<{ id: string; created_at: Date } | null> {
    try {
      const [enrolment]: { id: string; created_at: Date }[] = await em.query(
        'INSERT INTO enrolments (cohort_id, application_id, programme, enrolled_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at',
        [e.cohortId, e.applicationId, e.programme, e.enrolledBy, e.now],
      );
      return enrolment;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  /** The application whose enrolment was removed; null if the cohort has no such enrolment. */
  async unenrol(em: EntityManager, cohortId: string, enrolmentId: string): Promise<string | null> {
    // (a CTE: TypeORM answers a bare DELETE ... RETURNING with [rows, count])
    const removed: { application_id: string }[] = await em.query(
      'WITH removed AS (DELETE FROM enrolments WHERE id = $1 AND cohort_id = $2 RETURNING application_id) SELECT application_id FROM removed',
      [enrolmentId, cohortId],
    );
    return removed[0]?.application_id ?? null;
  }

  async addMilestone(cohortId: string, title: string, dueOn: string): Promise<MilestoneRow> {
    const [m]: MilestoneRow[] = await this.dataSource.query(
      `INSERT INTO milestones (cohort_id, title, due_on) VALUES ($1, $2, $3) RETURNING id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on`,
      [cohortId, title, dueOn],
    );
    return m;
  }

  /** Null when the cohort has no such milestone; undefined fields are left as they are. */
  async updateMilestone(cohortId: string, milestoneId: string, changes: { title?: string; dueOn?: string }): Promise<MilestoneRow | null> {
    const rows: MilestoneRow[] = await this.dataSource.query(
      // (a CTE: TypeORM answers a bare UPDATE ... RETURNING with [rows, count])
      `WITH updated AS (
         UPDATE milestones SET title = coalesce($3, title), due_on = coalesce($4::date, due_on) WHERE id = $1 AND cohort_id = $2
         RETURNING id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on)
       SELECT * FROM updated`,
      [milestoneId, cohortId, changes.title ?? null, changes.dueOn ?? null],
    );
    return rows[0] ?? null;
  }

  /** Removes a milestone and every startup's progress on it; false if the cohort has no such milestone. */
  async deleteMilestone(em: EntityManager, cohortId: string, milestoneId: string): Promise<boolean> {
    await em.query('DELETE FROM milestone_progress WHERE milestone_id = (SELECT id FROM milestones WHERE id = $1 AND cohort_id = $2)', [milestoneId, cohortId]);
    const removed: { id: string }[] = await em.query('WITH removed AS (DELETE FROM milestones WHERE id = $1 AND cohort_id = $2 RETURNING id) SELECT id FROM removed', [milestoneId, cohortId]);
    return removed.length > 0;
  }

  /** A founder's enrolments, each with its cohort, the latest cohort first. */
  enrolmentsOwnedBy(ownerId: string): Promise<FounderEnrolmentRow[]> {
    return this.dataSource.query(
      `SELECT e.id, e.application_id, a.reference, a.startup_name, e.created_at, c.id AS cohort_id, c.name, c.programme,
              to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on
       FROM enrolments e JOIN applications a ON a.id = e.application_id JOIN cohorts c ON c.id = e.cohort_id
       WHERE a.owner_id = $1 ORDER BY c.starts_on DESC, e.id`,
      [ownerId],
    );
  }

  /** The milestones of these enrolments' cohorts, with each enrolment's progress on them (status null: none recorded). */
  milestonesOfEnrolments(enrolmentIds: string[]): Promise<(MilestoneRow & { enrolment_id: string; status: string | null; note: string | null })[]> {
    return this.dataSource.query(
      `SELECT e.id AS enrolment_id, m.id, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, p.status, p.note
       FROM enrolments e JOIN milestones m ON m.cohort_id = e.cohort_id
       LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
       WHERE e.id = ANY($1::uuid[]) ORDER BY m.due_on, m.created_at`,
      [enrolmentIds],
    );
  }

  /** The enrolment's programme and cohort, and the cohort of the milestone (null if there is no such milestone); null if no such enrolment. */
  async enrolmentAndMilestone(enrolmentId: string, milestoneId: string): Promise<{ programme: string; cohort_id: string; milestone_cohort: string | null } | null> {
    const rows: { programme: string; cohort_id: string; milestone_cohort: string | null }[] = await this.dataSource.query(
      `SELECT e.programme, e.cohort_id, m.cohort_id AS milestone_cohort FROM enrolments e LEFT JOIN milestones m ON m.id = $2 WHERE e.id = $1`,
      [enrolmentId, milestoneId],
    );
    return rows[0] ?? null;
  }

  /** Records (or replaces) an enrolment's progress on a milestone. */
  async saveProgress(p: { enrolmentId: string; milestoneId: string; status: string; note: string | null; by: string; now: Date }): Promise<{ status: string; note: string | null; updated_at: Date }> {
    const [saved]: { status: string; note: string | null; updated_at: Date }[] = await this.dataSource.query(
      `INSERT INTO milestone_progress (enrolment_id, milestone_id, status, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (enrolment_id, milestone_id) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       RETURNING status, note, updated_at`,
      [p.enrolmentId, p.milestoneId, p.status, p.note, p.by, p.now],
    );
    return saved;
  }

  /** The progress recorded in a cohort, every enrolment and milestone. */
  progressIn(cohortId: string): Promise<ProgressRow[]> {
    return this.dataSource.query(
      `SELECT p.enrolment_id, p.milestone_id, p.status, p.note FROM milestone_progress p JOIN enrolments e ON e.id = p.enrolment_id WHERE e.cohort_id = $1`,
      [cohortId],
    );
  }
}
