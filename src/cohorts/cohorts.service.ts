import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { isValidDay, parisDate } from '../domain/business-calendar';
import { ENROLLABLE_STATUS } from '../domain/case-sql';
import { Clock } from '../common/clock';
import { FieldValidationException, type FieldError } from '../common/http/validation';
import { Transactions } from '../database/transactions';
import { ProgrammesService } from '../programmes/programmes.service';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events';
import { CohortsRepository, type CohortEnrolmentRow, type CohortRow, type EnrolmentCandidate, type MilestoneRow } from './cohorts.repository';
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

export interface CohortDashboard {
  cohort: CohortSummary;
  seats: { capacity: number; enrolled: number; seatsLeft: number };
  milestones: MilestoneView[];
  startups: { enrolmentId: string; applicationId: string; reference: string; startupName: string; progress: { done: number; missed: number; pending: number; total: number }; milestones: { milestoneId: string; title: string; dueOn: string; status: string; note: string | null; overdue: boolean }[] }[];
  overdueMilestones: { enrolmentId: string; reference: string; startupName: string; milestoneId: string; title: string; dueOn: string }[];
}

/** A cohort in a list: its seats, without its enrolments and milestones. */
export type CohortSummary = Omit<CohortView, 'enrolments' | 'milestones'>;

function cohortSummary(c: CohortRow): CohortSummary {
  return {
    id: c.id,
    programme: c.programme,
    name: c.name,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    capacity: c.capacity,
    enrolled: c.enrolled,
    seatsLeft: Math.max(0, c.capacity - c.enrolled),
    createdAt: c.created_at.toISOString(),
  };
}

function cohortView(c: CohortRow, enrolments: CohortEnrolmentRow[], milestones: MilestoneRow[]): CohortView {
  return {
    ...cohortSummary(c),
    // counted from the enrolments read beside it, which may be newer than the row's count
    enrolled: enrolments.length,
    seatsLeft: Math.max(0, c.capacity - enrolments.length),
    enrolments: enrolments.map((e) => ({ id: e.id, applicationId: e.application_id, reference: e.reference, startupName: e.startup_name, enrolledAt: e.created_at.toISOString() })),
    milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on })),
  };
}

function byCohort<T extends { cohort_id: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.cohort_id);
    if (group) group.push(row);
    else groups.set(row.cohort_id, [row]);
  }
  return groups;
}

function fieldError(field: string, message: string): FieldValidationException {
  return new FieldValidationException([{ field, messages: [message] }]);
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
    private readonly transactions: Transactions,
    private readonly cohorts: CohortsRepository,
    private readonly applications: ApplicationsService,
    private readonly programmes: ProgrammesService,
    private readonly clock: Clock,
  ) {}

  private assertManages(user: AuthUser, programme: string): void {
    if (user.role === 'admin') return;
    if (user.role === 'programme_manager' && user.programmes.includes(programme)) return;
    throw new ForbiddenException(`Only the managers of ${programme} (or an admin) may do this`);
  }

  async create(slug: string, user: AuthUser, dto: CreateCohortDto): Promise<CohortView> {
    const programme = await this.programmes.findBySlug(slug);
    if (!programme) throw new NotFoundException('Programme not found');
    this.assertManages(user, slug);
    if (programme.kind !== 'internal') throw new UnprocessableEntityException('Cohorts belong to the campus’s internal programmes; external programmes run their own');
    const errors: FieldError[] = [];
    if (!isValidDay(dto.startsOn)) errors.push({ field: 'startsOn', messages: ['startsOn must be a real date'] });
    if (!isValidDay(dto.endsOn)) errors.push({ field: 'endsOn', messages: ['endsOn must be a real date'] });
    if (errors.length === 0 && dto.endsOn < dto.startsOn) errors.push({ field: 'endsOn', messages: ['endsOn must not be before startsOn'] });
    if (errors.length > 0) throw new FieldValidationException(errors);
    const id = await this.cohorts.insert({ programme: slug, name: dto.name, startsOn: dto.startsOn, endsOn: dto.endsOn, capacity: dto.capacity, createdBy: user.id });
    if (id === null) {
      const overlap = 'the dates overlap another cohort of this programme';
      throw new FieldValidationException([{ field: 'startsOn', messages: [overlap] }, { field: 'endsOn', messages: [overlap] }]);
    }
    return this.get(id);
  }

  /** The cohorts with their enrolments and milestones: three reads whatever the number of cohorts. */
  async list(programme: string | undefined): Promise<{ items: CohortView[]; nextCursor: null }> {
    const rows = await this.cohorts.list(programme);
    if (rows.length === 0) return { items: [], nextCursor: null };
    const ids = rows.map((r) => r.id);
    const [enrolments, milestones] = await Promise.all([this.cohorts.enrolmentsOfCohorts(ids), this.cohorts.milestonesOfCohorts(ids)]);
    const enrolmentsBy = byCohort(enrolments);
    const milestonesBy = byCohort(milestones);
    return { items: rows.map((r) => cohortView(r, enrolmentsBy.get(r.id) ?? [], milestonesBy.get(r.id) ?? [])), nextCursor: null };
  }

  /**
   * The cohorts as a list shows them, seats counted without reading any enrolment: one read,
   * where `list` brings every enrolment (the staff's cohorts page needs only the counts).
   */
  async summaries(programme: string | undefined): Promise<CohortSummary[]> {
    return (await this.cohorts.list(programme)).map(cohortSummary);
  }

  /** The cohort as the API shows it (read on `em` when given, e.g. inside the caller's transaction). */
  async get(id: string, em?: EntityManager): Promise<CohortView> {
    return this.view(await this.row(id, em), em);
  }

  private async row(id: string, em?: EntityManager): Promise<CohortRow> {
    const row = await this.cohorts.find(id, em);
    if (!row) throw new NotFoundException('Cohort not found');
    return row;
  }

  /** The cohort's row, locked until the transaction of `em` ends (see CohortsRepository.lock). */
  private async locked(em: EntityManager, id: string): Promise<CohortRow> {
    const row = await this.cohorts.lock(em, id);
    if (!row) throw new NotFoundException('Cohort not found');
    return row;
  }

  private async view(c: CohortRow, em?: EntityManager): Promise<CohortView> {
    return cohortView(c, await this.cohorts.enrolmentsOf(c.id, em), await this.cohorts.milestonesOf(c.id, em));
  }

  /** The cases a manager can enrol in this cohort: accepted into its programme, in none of its cohorts yet. */
  async enrolmentCandidates(cohortId: string): Promise<EnrolmentCandidate[]> {
    const cohort = await this.row(cohortId);
    return this.cohorts.enrolmentCandidates(cohort.programme);
  }

  async enrol(cohortId: string, user: AuthUser, applicationId: string): Promise<EnrolmentView> {
    const now = this.clock.now();
    return this.transactions.run(async (em) => {
      const cohort = await this.locked(em, cohortId);
      this.assertManages(user, cohort.programme);
      // locked as every case write is; a draft is no case yet (404)
      const app = await this.applications.load(em, applicationId, true);
      if (!app || app.status === 'draft') throw new NotFoundException('Application not found');
      if (app.status !== ENROLLABLE_STATUS || app.programme !== cohort.programme) {
        throw new UnprocessableEntityException(`Only applications accepted into ${cohort.programme} can join this cohort (this one is ${app.status}${app.programme ? ` in ${app.programme}` : ''})`);
      }
      if ((await this.cohorts.countEnrolments(em, cohortId)) >= cohort.capacity) throw new ConflictException({ message: `The cohort is full (${cohort.capacity} seats)`, code: 'cohort_full' });
      const enrolment = await this.cohorts.enrol(em, { cohortId, applicationId, programme: cohort.programme, enrolledBy: user.id, now });
      if (!enrolment) throw new ConflictException({ message: `This application is already enrolled in a cohort of ${cohort.programme}`, code: 'already_enrolled' });
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
    await this.transactions.run(async (em) => {
      const cohort = await this.locked(em, cohortId);
      this.assertManages(user, cohort.programme);
      const applicationId = await this.cohorts.unenrol(em, cohortId, enrolmentId);
      if (applicationId === null) throw new NotFoundException('Enrolment not found');
      await appendCaseEvent(em, { applicationId, at: now, type: 'unenrolled', actor: { id: user.id, role: user.role }, public: true, data: { cohortId, cohort: cohort.name } });
    });
    return this.get(cohortId);
  }

  async addMilestone(cohortId: string, user: AuthUser, dto: CreateMilestoneDto): Promise<MilestoneView> {
    const cohort = await this.row(cohortId);
    this.assertManages(user, cohort.programme);
    assertWithinCohort(dto.dueOn, cohort);
    const m = await this.cohorts.addMilestone(cohortId, dto.title, dto.dueOn);
    return { id: m.id, title: m.title, dueOn: m.due_on };
  }

  /** Renames or moves a milestone (still within the cohort's dates); progress already recorded is kept. */
  async updateMilestone(cohortId: string, milestoneId: string, user: AuthUser, dto: UpdateMilestoneDto): Promise<MilestoneView> {
    const cohort = await this.row(cohortId);
    this.assertManages(user, cohort.programme);
    if (dto.dueOn !== undefined) assertWithinCohort(dto.dueOn, cohort);
    const m = await this.cohorts.updateMilestone(cohortId, milestoneId, { title: dto.title, dueOn: dto.dueOn });
    if (!m) throw new NotFoundException('Milestone not found in this cohort');
    return { id: m.id, title: m.title, dueOn: m.due_on };
  }

  /** Removes a milestone and every startup's progress on it (a reminder still queued is then skipped). */
  async deleteMilestone(cohortId: string, milestoneId: string, user: AuthUser): Promise<CohortView> {
    const cohort = await this.row(cohortId);
    this.assertManages(user, cohort.programme);
    await this.transactions.run(async (em) => {
      if (!(await this.cohorts.deleteMilestone(em, cohortId, milestoneId))) throw new NotFoundException('Milestone not found in this cohort');
    });
    return this.get(cohortId);
  }

  /** The founder's own enrolments, each with its cohort, its milestones and their status for them. */
  async enrolmentsOf(user: AuthUser): Promise<{ items: FounderEnrolmentView[]; nextCursor: null }> {
    const rows = await this.cohorts.enrolmentsOwnedBy(user.id);
    if (rows.length === 0) return { items: [], nextCursor: null };
    const milestones = await this.cohorts.milestonesOfEnrolments(rows.map((r) => r.id));
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

  /**
   * A startup's progress on a milestone of its cohort. `inCohort`, when the caller names the cohort
   * (the staff's cohort page does), must be the enrolment's: 404 otherwise, before anything else.
   */
  async setProgress(
    enrolmentId: string,
    milestoneId: string,
    user: AuthUser,
    dto: MilestoneProgressDto,
    inCohort?: string,
  ): Promise<{ enrolmentId: string; milestoneId: string; status: string; note: string | null; updatedAt: string }> {
    const found = await this.cohorts.enrolmentAndMilestone(enrolmentId, milestoneId);
    if (!found) throw new NotFoundException('Enrolment not found');
    if (inCohort !== undefined && found.cohort_id !== inCohort) throw new NotFoundException('Enrolment not found in this cohort');
    this.assertManages(user, found.programme);
    if (found.milestone_cohort !== found.cohort_id) throw new NotFoundException('Milestone not found in this enrolment’s cohort');
    const saved = await this.cohorts.saveProgress({ enrolmentId, milestoneId, status: dto.status, note: dto.note ?? null, by: user.id, now: this.clock.now() });
    return { enrolmentId, milestoneId, status: saved.status, note: saved.note, updatedAt: saved.updated_at.toISOString() };
  }

  /** Seats, each startup's milestone progress, and the overdue milestones (pending past their due day). */
  async dashboard(cohortId: string): Promise<CohortDashboard> {
    return this.dashboardOf(await this.get(cohortId));
  }

  /** The dashboard and the enrolments it counted, from one read of them (the staff's cohort page shows both). */
  async dashboardAndEnrolments(cohortId: string): Promise<{ dashboard: CohortDashboard; enrolments: EnrolmentView[] }> {
    const view = await this.get(cohortId);
    return { dashboard: await this.dashboardOf(view), enrolments: view.enrolments };
  }

  private async dashboardOf(view: CohortView): Promise<CohortDashboard> {
    const today = parisDate(this.clock.now());
    const progress = await this.cohorts.progressIn(view.id);
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
