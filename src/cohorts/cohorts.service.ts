import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { isValidDay, parisDate } from '../domain/business-calendar';
import { Clock } from '../common/clock';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events';
import { enrolmentCandidates, type EnrolmentCandidate } from './enrolments.repository';
import { CreateCohortDto, CreateMilestoneDto, MilestoneProgressDto, UpdateMilestoneDto } from './dto/cohort.dto';

export interface EnrolmentView {
  id: string;
  applicationId: string;
  reference: string;
  startupName: string;
  enrolledAt: string;
}

export interface MilestoneView {
  id: string;
  title: string;
  dueOn: string;
}

export interface CohortView {
  id: string;
  programme: string;
  name: string;
  startsOn: string;
  endsOn: string;
  capacity: number;
  enrolled: number;
  seatsLeft: number;
  enrolments: EnrolmentView[];
  milestones: MilestoneView[];
  createdAt: string;
}

interface CohortRow {
  id: string;
  programme: string;
  name: string;
  starts_on: string;
  ends_on: string;
  capacity: number;
  enrolled: number;
  created_at: Date;
}

const COHORT_COLUMNS = `c.id, c.programme, c.name, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, c.capacity,
  (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolled, c.created_at`;

function fieldError(field: string, message: string): BadRequestException {
  return new BadRequestException({ message: [message], errors: [{ field, messages: [message] }] });
}

/** A milestone falls within its cohort's dates (400 naming `dueOn` otherwise). */
function assertWithinCohort(dueOn: string, cohort: CohortRow): void {
  if (!isValidDay(dueOn)) throw fieldError('dueOn', 'dueOn must be a real date');
  if (dueOn < cohort.starts_on || dueOn > cohort.ends_on) throw fieldError('dueOn', `dueOn must fall within the cohort's dates (${cohort.starts_on} to ${cohort.ends_on})`);
}

export interface FounderEnrolmentView {
  id: string;
  applicationId: string;
  reference: string;
  startupName: string;
  enrolledAt: string;
  cohort: { id: string; name: string; programme: string; startsOn: string; endsOn: string };
  milestones: { id: string; title: string; dueOn: string; status: 'pending' | 'done' | 'missed'; note: string | null }[];
}

/**
 * Cohorts of the campus's internal programmes. Seats never overbook: an enrolment locks its
 * cohort row, then counts, then inserts, so parallel enrolments into the last seats take turns.
 * Managers act on their own programmes only (403 otherwise); admins on all.
 */
@Injectable()
export class CohortsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private assertManages(user: AuthUser, programme: string): void {
    if (user.role === 'admin') return;
    if (user.role === 'programme_manager' && user.programmes.includes(programme)) return;
    throw new ForbiddenException(`Only the managers of ${programme} (or an admin) may do this`);
  }

  async create(slug: string, user: AuthUser, dto: CreateCohortDto): Promise<CohortView> {
    const programmes: { kind: string }[] = await this.dataSource.query('SELECT kind FROM programmes WHERE slug = $1', [slug]);
    if (programmes.length === 0) throw new NotFoundException('Programme not found');
    this.assertManages(user, slug);
    if (programmes[0].kind !== 'internal') throw new UnprocessableEntityException('Cohorts belong to the campus’s internal programmes; external programmes run their own');
    const errors: { field: string; messages: string[] }[] = [];
    if (!isValidDay(dto.startsOn)) errors.push({ field: 'startsOn', messages: ['startsOn must be a real date'] });
    if (!isValidDay(dto.endsOn)) errors.push({ field: 'endsOn', messages: ['endsOn must be a real date'] });
    if (errors.length === 0 && dto.endsOn < dto.startsOn) errors.push({ field: 'endsOn', messages: ['endsOn must not be before startsOn'] });
    if (errors.length > 0) throw new BadRequestException({ message: errors.flatMap((e) => e.messages), errors });
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        'INSERT INTO cohorts (programme, name, starts_on, ends_on, capacity, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [slug, dto.name, dto.startsOn, dto.endsOn, dto.capacity, user.id],
      );
      return this.get(rows[0].id);
    } catch (error) {
      if ((error as { code?: string }).code === '23P01') {
        throw new BadRequestException({
          message: ['the dates overlap another cohort of this programme'],
          errors: [
            { field: 'startsOn', messages: ['the dates overlap another cohort of this programme'] },
            { field: 'endsOn', messages: ['the dates overlap another cohort of this programme'] },
          ],
        });
      }
      throw error;
    }
  }

  async list(programme: string | undefined): Promise<{ items: CohortView[]; nextCursor: null }> {
    const rows: CohortRow[] = await this.dataSource.query(
      `SELECT ${COHORT_COLUMNS} FROM cohorts c ${programme ? 'WHERE c.programme = $1' : ''} ORDER BY c.starts_on DESC, c.id`,
      programme ? [programme] : [],
    );
    const items = await Promise.all(rows.map((r) => this.view(this.dataSource.manager, r)));
    return { items, nextCursor: null };
  }

  async get(id: string, em: EntityManager = this.dataSource.manager): Promise<CohortView> {
    return this.view(em, await this.row(em, id));
  }

  private async row(em: EntityManager, id: string, lock = false): Promise<CohortRow> {
    const rows: CohortRow[] = await em.query(`SELECT ${COHORT_COLUMNS} FROM cohorts c WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [id]);
    if (rows.length === 0) throw new NotFoundException('Cohort not found');
    return rows[0];
  }

  private async view(em: EntityManager, c: CohortRow): Promise<CohortView> {
    const enrolments: { id: string; application_id: string; reference: string; startup_name: string; created_at: Date }[] = await em.query(
      `SELECT e.id, e.application_id, a.reference, a.startup_name, e.created_at FROM enrolments e JOIN applications a ON a.id = e.application_id
       WHERE e.cohort_id = $1 ORDER BY e.created_at, e.id`,
      [c.id],
    );
    const milestones: { id: string; title: string; due_on: string }[] = await em.query(
      `SELECT id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM milestones WHERE cohort_id = $1 ORDER BY due_on, created_at`,
      [c.id],
    );
    return {
      id: c.id,
      programme: c.programme,
      name: c.name,
      startsOn: c.starts_on,
      endsOn: c.ends_on,
      capacity: c.capacity,
      enrolled: enrolments.length,
      seatsLeft: Math.max(0, c.capacity - enrolments.length),
      enrolments: enrolments.map((e) => ({ id: e.id, applicationId: e.application_id, reference: e.reference, startupName: e.startup_name, enrolledAt: e.created_at.toISOString() })),
      milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on })),
      createdAt: c.created_at.toISOString(),
    };
  }

  /** The cases a manager can enrol in this cohort: accepted into its programme, in none of its cohorts yet. */
  async enrolmentCandidates(cohortId: string): Promise<EnrolmentCandidate[]> {
    const cohort = await this.row(this.dataSource.manager, cohortId);
    return enrolmentCandidates(this.dataSource.manager, cohort.programme);
  }

  async enrol(cohortId: string, user: AuthUser, applicationId: string): Promise<EnrolmentView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const cohort = await this.row(em, cohortId, true);
      this.assertManages(user, cohort.programme);
      const apps: { id: string; status: string; programme: string | null; owner_id: string; reference: string; startup_name: string }[] = await em.query(
        `SELECT id, status, programme, owner_id, reference, startup_name FROM applications WHERE id = $1 AND status <> 'draft' FOR NO KEY UPDATE`,
        [applicationId],
      );
      const app = apps[0];
      if (!app) throw new NotFoundException('Application not found');
      if (app.status !== 'accepted' || app.programme !== cohort.programme) {
        throw new UnprocessableEntityException(`Only applications accepted into ${cohort.programme} can join this cohort (this one is ${app.status}${app.programme ? ` in ${app.programme}` : ''})`);
      }
      const [{ n }]: { n: number }[] = await em.query('SELECT count(*)::int AS n FROM enrolments WHERE cohort_id = $1', [cohortId]);
      if (n >= cohort.capacity) throw new ConflictException({ message: `The cohort is full (${cohort.capacity} seats)`, code: 'cohort_full' });
      let enrolment: { id: string; created_at: Date };
      try {
        [enrolment] = await em.query(
          'INSERT INTO enrolments (cohort_id, application_id, programme, enrolled_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at',
          [cohortId, applicationId, cohort.programme, user.id, now],
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new ConflictException({ message: `This application is already enrolled in a cohort of ${cohort.programme}`, code: 'already_enrolled' });
        throw error;
      }
      const event = await appendCaseEvent(em, {
        applicationId,
        at: now,
        type: 'enrolled',
        actor: { id: user.id, role: user.role },
        public: true,
        data: { cohortId, cohort: cohort.name, enrolmentId: enrolment.id },
      }, { caseLocked: true });
      await enqueueEmails(em, [{ template: 'cohort-enrolled', recipientId: app.owner_id, eventKey: event.id, applicationId, data: { enrolmentId: enrolment.id } }], now);
      return { id: enrolment.id, applicationId, reference: app.reference, startupName: app.startup_name, enrolledAt: enrolment.created_at.toISOString() };
    });
  }

  async unenrol(cohortId: string, enrolmentId: string, user: AuthUser): Promise<CohortView> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      const cohort = await this.row(em, cohortId, true);
      this.assertManages(user, cohort.programme);
      // (a CTE: TypeORM answers a bare DELETE ... RETURNING with [rows, count])
      const removed: { application_id: string }[] = await em.query(
        'WITH removed AS (DELETE FROM enrolments WHERE id = $1 AND cohort_id = $2 RETURNING application_id) SELECT application_id FROM removed',
        [enrolmentId, cohortId],
      );
      if (removed.length === 0) throw new NotFoundException('Enrolment not found');
      await appendCaseEvent(em, { applicationId: removed[0].application_id, at: now, type: 'unenrolled', actor: { id: user.id, role: user.role }, public: true, data: { cohortId, cohort: cohort.name } });
    });
    return this.get(cohortId);
  }

  async addMilestone(cohortId: string, user: AuthUser, dto: CreateMilestoneDto): Promise<MilestoneView> {
    const cohort = await this.row(this.dataSource.manager, cohortId);
    this.assertManages(user, cohort.programme);
    assertWithinCohort(dto.dueOn, cohort);
    const [m]: { id: string; title: string; due_on: string }[] = await this.dataSource.query(
      `INSERT INTO milestones (cohort_id, title, due_on) VALUES ($1, $2, $3) RETURNING id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on`,
      [cohortId, dto.title, dto.dueOn],
    );
    return { id: m.id, title: m.title, dueOn: m.due_on };
  }

  /** Renames or moves a milestone (still within the cohort's dates); progress already recorded is kept. */
  async updateMilestone(cohortId: string, milestoneId: string, user: AuthUser, dto: UpdateMilestoneDto): Promise<MilestoneView> {
    const cohort = await this.row(this.dataSource.manager, cohortId);
    this.assertManages(user, cohort.programme);
    if (dto.dueOn !== undefined) assertWithinCohort(dto.dueOn, cohort);
    const rows: { id: string; title: string; due_on: string }[] = await this.dataSource.query(
      // (a CTE: TypeORM answers a bare UPDATE ... RETURNING with [rows, count])
      `WITH updated AS (
         UPDATE milestones SET title = coalesce($3, title), due_on = coalesce($4::date, due_on) WHERE id = $1 AND cohort_id = $2
         RETURNING id, title, to_char(due_on, 'YYYY-MM-DD') AS due_on)
       SELECT * FROM updated`,
      [milestoneId, cohortId, dto.title ?? null, dto.dueOn ?? null],
    );
    if (rows.length === 0) throw new NotFoundException('Milestone not found in this cohort');
    return { id: rows[0].id, title: rows[0].title, dueOn: rows[0].due_on };
  }

  /** Removes a milestone and every startup's progress on it (a reminder still queued is then skipped). */
  async deleteMilestone(cohortId: string, milestoneId: string, user: AuthUser): Promise<CohortView> {
    const cohort = await this.row(this.dataSource.manager, cohortId);
    this.assertManages(user, cohort.programme);
    await this.dataSource.transaction(async (em) => {
      await em.query('DELETE FROM milestone_progress WHERE milestone_id = (SELECT id FROM milestones WHERE id = $1 AND cohort_id = $2)', [milestoneId, cohortId]);
      const removed: { id: string }[] = await em.query('WITH removed AS (DELETE FROM milestones WHERE id = $1 AND cohort_id = $2 RETURNING id) SELECT id FROM removed', [milestoneId, cohortId]);
      if (removed.length === 0) throw new NotFoundException('Milestone not found in this cohort');
    });
    return this.get(cohortId);
  }

  /** The founder's own enrolments, each with its cohort, its milestones and their status for them. */
  async enrolmentsOf(user: AuthUser): Promise<{ items: FounderEnrolmentView[]; nextCursor: null }> {
    const rows: { id: string; application_id: string; reference: string; startup_name: string; created_at: Date; cohort_id: string; name: string; programme: string; starts_on: string; ends_on: string }[] =
      await this.dataSource.query(
        `SELECT e.id, e.application_id, a.reference, a.startup_name, e.created_at, c.id AS cohort_id, c.name, c.programme,
                to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on
         FROM enrolments e JOIN applications a ON a.id = e.application_id JOIN cohorts c ON c.id = e.cohort_id
         WHERE a.owner_id = $1 ORDER BY c.starts_on DESC, e.id`,
        [user.id],
      );
    if (rows.length === 0) return { items: [], nextCursor: null };
    const milestones: { enrolment_id: string; id: string; title: string; due_on: string; status: string | null; note: string | null }[] = await this.dataSource.query(
      `SELECT e.id AS enrolment_id, m.id, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, p.status, p.note
       FROM enrolments e JOIN milestones m ON m.cohort_id = e.cohort_id
       LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
       WHERE e.id = ANY($1::uuid[]) ORDER BY m.due_on, m.created_at`,
      [rows.map((r) => r.id)],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        applicationId: r.application_id,
        reference: r.reference,
        startupName: r.startup_name,
        enrolledAt: r.created_at.toISOString(),
        cohort: { id: r.cohort_id, name: r.name, programme: r.programme, startsOn: r.starts_on, endsOn: r.ends_on },
        milestones: milestones
          .filter((m) => m.enrolment_id === r.id)
          .map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on, status: (m.status ?? 'pending') as 'pending' | 'done' | 'missed', note: m.note })),
      })),
      nextCursor: null,
    };
  }

  async setProgress(enrolmentId: string, milestoneId: string, user: AuthUser, dto: MilestoneProgressDto): Promise<{ enrolmentId: string; milestoneId: string; status: string; note: string | null; updatedAt: string }> {
    const rows: { programme: string; cohort_id: string; milestone_cohort: string | null }[] = await this.dataSource.query(
      `SELECT e.programme, e.cohort_id, m.cohort_id AS milestone_cohort FROM enrolments e LEFT JOIN milestones m ON m.id = $2 WHERE e.id = $1`,
      [enrolmentId, milestoneId],
    );
    if (rows.length === 0) throw new NotFoundException('Enrolment not found');
    this.assertManages(user, rows[0].programme);
    if (rows[0].milestone_cohort !== rows[0].cohort_id) throw new NotFoundException('Milestone not found in this enrolment’s cohort');
    const now = this.clock.now();
    const [saved]: { status: string; note: string | null; updated_at: Date }[] = await this.dataSource.query(
      `INSERT INTO milestone_progress (enrolment_id, milestone_id, status, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (enrolment_id, milestone_id) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       RETURNING status, note, updated_at`,
      [enrolmentId, milestoneId, dto.status, dto.note ?? null, user.id, now],
    );
    return { enrolmentId, milestoneId, status: saved.status, note: saved.note, updatedAt: saved.updated_at.toISOString() };
  }

  /** Seats, each startup's milestone progress, and the overdue milestones (pending past their due day). */
  async dashboard(cohortId: string): Promise<{
    cohort: Omit<CohortView, 'enrolments' | 'milestones'>;
    seats: { capacity: number; enrolled: number; seatsLeft: number };
    milestones: MilestoneView[];
    startups: { enrolmentId: string; applicationId: string; reference: string; startupName: string; progress: { done: number; missed: number; pending: number; total: number }; milestones: { milestoneId: string; title: string; dueOn: string; status: string; note: string | null; overdue: boolean }[] }[];
    overdueMilestones: { enrolmentId: string; reference: string; startupName: string; milestoneId: string; title: string; dueOn: string }[];
  }> {
    const view = await this.get(cohortId);
    const today = parisDate(this.clock.now());
    const progress: { enrolment_id: string; milestone_id: string; status: string; note: string | null }[] = await this.dataSource.query(
      `SELECT p.enrolment_id, p.milestone_id, p.status, p.note FROM milestone_progress p JOIN enrolments e ON e.id = p.enrolment_id WHERE e.cohort_id = $1`,
      [cohortId],
    );
    const byKey = new Map(progress.map((p) => [`${p.enrolment_id}:${p.milestone_id}`, p]));
    const startups = view.enrolments.map((e) => {
      const milestones = view.milestones.map((m) => {
        const p = byKey.get(`${e.id}:${m.id}`);
        const status = p?.status ?? 'pending';
        return { milestoneId: m.id, title: m.title, dueOn: m.dueOn, status, note: p?.note ?? null, overdue: status === 'pending' && m.dueOn < today };
      });
      const count = (s: string): number => milestones.filter((m) => m.status === s).length;
      return { enrolmentId: e.id, applicationId: e.applicationId, reference: e.reference, startupName: e.startupName, progress: { done: count('done'), missed: count('missed'), pending: count('pending'), total: milestones.length }, milestones };
    });
    const { enrolments: _e, milestones, ...cohort } = view;
    void _e;
    return {
      cohort,
      seats: { capacity: view.capacity, enrolled: view.enrolled, seatsLeft: view.seatsLeft },
      milestones,
      startups,
      overdueMilestones: startups.flatMap((s) =>
        s.milestones.filter((m) => m.overdue).map((m) => ({ enrolmentId: s.enrolmentId, reference: s.reference, startupName: s.startupName, milestoneId: m.milestoneId, title: m.title, dueOn: m.dueOn })),
      ),
    };
  }
}
