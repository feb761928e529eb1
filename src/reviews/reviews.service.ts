import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { type CaseRef, visibleRow } from '../common/case-visibility';
import type { EntityManager } from 'typeorm';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import { type ApplicationRow, toApplicationView } from '../applications/application.view';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { compareDays, isValidDay, parisDate } from '../domain/business-calendar';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { isOpen } from '../domain/case-state-machine';
import { FieldValidationException } from '../common/http/validation';
import { toDocumentView } from '../documents/document.view';
import { DocumentsRepository } from '../documents/documents.repository';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import type { Rubric } from '../programmes/rubric';
import { isStaff } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { enqueueWebhookEvent } from '../webhooks/webhooks.repository';
import type { DeclarationDto, InviteReviewerDto, SubmitReviewDto } from './dto/review.dto';
import { aggregateReviews, isReading, PENDING_STATUSES, scoreErrors, weightedScore, type ReviewAggregate } from '../domain/review-rules';
import { hideVerdict, MyReviewView, ReviewDetailView, ReviewView, StaffReviewView, toMyReviewView, toReviewView } from './review.views';
import { ReviewListRow, ReviewRow, ReviewsRepository } from './reviews.repository';

const notFound = (): NotFoundException => new NotFoundException('Review not found');

/**
 * Expert reviews of an application on its programme's rubric (rules in review-rules.ts): staff
 * invite reviewers, a reviewer declares a conflict of interest or none, then scores; staff read
 * every review and the aggregate. Everything a reviewer may read is decided here: before
 * declaring the reference, startup name and programme; recused nothing more; open or
 * submitted the application's fields and documents, never the founder's contact, notes,
 * messages or other reviewers' scores.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ReviewsRepository,
    private readonly applications: ApplicationsService,
    private readonly users: UsersService,
    private readonly accountTokens: AccountTokensRepository,
    private readonly documents: DocumentsRepository,
    private readonly clock: Clock,
  ) {}

  /** The case's programme if decided, else its top recommendation: what the review is for. */
  static programmeOf(row: Pick<ApplicationRow, 'programme' | 'top_programme'>): string | null {
    return row.programme ?? row.top_programme;
  }

  private async lockCase(em: EntityManager, id: string): Promise<ApplicationRow> {
    // locked as every case write is; staff see no drafts (404)
    const row = await this.applications.load(em, id, true);
    if (!row || row.status === 'draft') throw new NotFoundException('Application not found');
    return row;
  }

  /** Staff invite a reviewer (an existing staff member or expert, or a new expert by email). */
  async invite(applicationId: string, user: AuthUser, dto: InviteReviewerDto): Promise<ReviewView> {
    if (dto.reviewerId !== undefined && dto.email !== undefined) {
      throw new FieldValidationException([{ field: 'reviewerId', messages: ['give either reviewerId or email and fullName, not both'] }]);
    }
    const now = this.clock.now();
    const today = parisDate(now);
    if (!isValidDay(dto.dueOn)) throw new FieldValidationException([{ field: 'dueOn', messages: ['dueOn must be a real date'] }]);
    if (compareDays(dto.dueOn, today) < 0) throw new FieldValidationException([{ field: 'dueOn', messages: [`dueOn must be today (${today}) or later`] }]);
    const row = await this.transactions.run(async (em) => {
      const app = await this.lockCase(em, applicationId);
      // reviewers are invited on open cases only: submitted and not yet closed
      if (!isOpen(app.status)) throw new UnprocessableEntityException(`Reviewers can be invited only on an open case (it is ${app.status})`);
      const slug = ReviewsService.programmeOf(app);
      const programme = slug ? await this.repository.programme(em, slug) : null;
      if (!programme || programme.rubric.length === 0) {
        throw new UnprocessableEntityException(slug ? `The programme ${slug} has no scoring rubric yet: its manager gives one first` : 'The case has no programme to be reviewed for');
      }
      const reviewerId = await this.reviewerFor(em, dto, user, now);
      const inserted = await this.repository.insert(em, { applicationId, reviewerId, programme: programme.slug, dueOn: dto.dueOn, invitedBy: user.id, now });
      if (!inserted) throw new ConflictException('This reviewer already has a review of this application');
      await enqueueEmails(em, [{ template: 'review-invited', recipientId: reviewerId, eventKey: inserted.id, applicationId, data: { reviewId: inserted.id, invitedBy: user.id } }], now);
      return inserted;
    });
    return toReviewView(row);
  }

  /** The reviewer's account: given by id (staff or expert, active), or a new expert invited by email. */
  private async reviewerFor(em: EntityManager, dto: InviteReviewerDto, user: AuthUser, now: Date): Promise<string> {
    if (dto.reviewerId !== undefined) {
      const account = await this.repository.account(em, { id: dto.reviewerId.toLowerCase() });
      if (!account || account.erased || !account.active || !(isStaff(account.role as never) || account.role === 'expert')) {
        throw new FieldValidationException([{ field: 'reviewerId', messages: ['reviewerId must be an active staff member or expert'] }]);
      }
      return account.id;
    }
    if (dto.email === undefined || dto.fullName === undefined) {
      throw new FieldValidationException([{ field: dto.email === undefined ? 'email' : 'fullName', messages: [`${dto.email === undefined ? 'email' : 'fullName'} is required (or give reviewerId)`] }]);
    }
    const existing = await this.repository.account(em, { email: dto.email });
    if (existing) {
      // someone already known: an expert or staff member is simply invited on this case
      if (!existing.erased && existing.active && (existing.role === 'expert' || isStaff(existing.role as never))) return existing.id;
      throw new ConflictException('An account with this email already exists and cannot review');
    }
    const expert = await this.users.insert({ email: dto.email, fullName: dto.fullName, role: 'expert', locale: dto.locale ?? 'fr' }, em);
    const link = await this.accountTokens.create(em, expert.id, 'invitation', now);
    await enqueueEmails(em, [{ template: 'invitation', recipientId: expert.id, eventKey: link.id, data: { tokenId: link.id, invitedBy: user.id } }], now);
    return expert.id;
  }

  /** `GET /reviews`: my reviews (withdrawn ones are gone), pending first. */
  async mine(user: AuthUser): Promise<{ items: MyReviewView[]; nextCursor: null }> {
    const em = this.repository.reads;
    const rows = await this.repository.listMine(em, user.id);
    const names = await this.programmeNames(em, rows, user.locale);
    return { items: rows.map((r) => toMyReviewView(r, names.get(r.programme) ?? r.programme)), nextCursor: null };
  }

  private async programmeNames(em: EntityManager, rows: { programme: string }[], locale: 'fr' | 'en'): Promise<Map<string, string>> {
    const slugs = [...new Set(rows.map((r) => r.programme))];
    const names = new Map<string, string>();
    for (const slug of slugs) {
      const p = await this.repository.programme(em, slug);
      if (p) names.set(slug, p.name[locale]);
    }
    return names;
  }

  /** The reviewer's own review (404 for anyone else, and once withdrawn). */
  private async own(em: EntityManager, id: string, user: AuthUser, lock = false): Promise<ReviewRow> {
    const row = await this.repository.find(em, id, lock);
    if (!row || row.reviewer_id !== user.id || row.status === 'withdrawn') throw notFound();
    return row;
  }

  /** `GET /reviews/:id`: my review, the rubric, and what I may read of the case at this stage. */
  async detail(id: string, user: AuthUser): Promise<ReviewDetailView> {
    const em = this.repository.reads;
    const row = await this.own(em, id, user);
    const listed = (await this.repository.findWithCase(em, id)) as ReviewListRow;
    const programme = await this.repository.programme(em, row.programme);
    const rubric = await this.rubricFor(em, row, programme?.rubric ?? []);
    const base = { id: row.application_id, reference: listed.reference, startupName: listed.startup_name };
    let application: ReviewDetailView['application'] = base;
    if (isReading(row.status)) {
      const caseRow = await this.applications.load(em, row.application_id);
      const {
        founder: _founder,
        recommendations: _recommendations,
        serviceLevels: _serviceLevels,
        assigneeId: _assigneeId,
        ownerId: _ownerId,
        ...fields
      } = toApplicationView(caseRow, user.locale, this.clock.now());
      const documents = await this.documents.list(em, row.application_id);
      application = { ...base, fields, documents: documents.map(toDocumentView) };
    }
    return { ...toReviewView(row), programmeName: programme?.name[user.locale] ?? row.programme, rubric, application };
  }

  /** The rubric of a review: the version it was scored on once submitted, the programme's current one before. */
  private async rubricFor(em: EntityManager, row: ReviewRow, current: Rubric): Promise<Rubric> {
    if (row.rubric_version === null) return current;
    return (await this.repository.rubricVersion(em, row.programme, row.rubric_version)) ?? current;
  }

  /** The reviewer declares a conflict of interest (recused, sees nothing more) or none (the review opens). */
  async declare(id: string, user: AuthUser, dto: DeclarationDto): Promise<ReviewView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const row = await this.own(em, id, user, true);
      if (row.status !== 'invited') throw new ConflictException(`The declaration was already made (the review is ${row.status})`);
      await this.repository.declare(em, id, dto.conflict, dto.details?.trim() || null, now);
    });
    return toReviewView((await this.repository.find(this.repository.reads, id)) as ReviewRow);
  }

  /** The reviewer scores every criterion, comments and recommends; final once submitted. */
  async submit(id: string, user: AuthUser, dto: SubmitReviewDto): Promise<ReviewView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const row = await this.own(em, id, user, true);
      if (row.status === 'submitted') throw new ConflictException('This review was already submitted: a submitted review is final');
      if (row.status !== 'open') throw new UnprocessableEntityException(row.status === 'invited' ? 'Declare first whether you have a conflict of interest' : 'A recused review cannot be scored');
      const programme = await this.repository.programme(em, row.programme);
      if (!programme) throw notFound();
      const errors = scoreErrors(programme.rubric, dto.scores);
      if (errors.length > 0) throw new FieldValidationException(errors.map((e) => ({ field: e.field, messages: [e.message] })));
      const scores = dto.scores as Record<string, number>;
      const score = weightedScore(programme.rubric, scores);
      await this.repository.submit(em, id, { rubricVersion: programme.rubric_version, scores, weightedScore: score, comment: dto.comment, recommendation: dto.recommendation, now });
      const app = await this.applications.load(em, row.application_id);
      await enqueueWebhookEvent(em, 'review.submitted', { applicationId: row.application_id, reference: app.reference, reviewId: id }, now);
    });
    return toReviewView((await this.repository.find(this.repository.reads, id)) as ReviewRow);
  }

  /** Staff withdraw an invitation not yet submitted (404 when unknown, 409 once submitted or withdrawn). */
  async withdraw(id: string, user: AuthUser): Promise<ReviewView> {
    void user;
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const row = await this.repository.find(em, id, true);
      if (!row) throw notFound();
      if (!(PENDING_STATUSES as readonly string[]).includes(row.status) && row.status !== 'recused') {
        throw new ConflictException(`Only a review not yet submitted can be withdrawn (it is ${row.status})`);
      }
      await this.repository.withdraw(em, id, now);
    });
    return toReviewView((await this.repository.find(this.repository.reads, id)) as ReviewRow);
  }

  /**
   * `GET /applications/:id/reviews` (staff): every review and the aggregate. A staff member who
   * has a review of this case not yet submitted reads it blind: others' scores, comments and
   * the aggregate stay hidden until theirs is in.
   */
  async forApplication(ref: CaseRef, user: AuthUser): Promise<{ items: StaffReviewView[]; aggregate: ReviewAggregate; blind: boolean; nextCursor: null }> {
    const em = this.repository.reads;
    // a case the page already found this staff member may see (never a draft) is not read again
    const found = typeof ref === 'string' ? await this.applications.load(em, ref) : await visibleRow(this.applications, ref, user);
    if (!found || found.status === 'draft') throw new NotFoundException('Application not found');
    const rows = await this.repository.listForApplicationNow(found.id);
    const mine = rows.find((r) => r.reviewer_id === user.id && r.status !== 'withdrawn');
    const blind = mine !== undefined && mine.status !== 'submitted';
    const aggregate = aggregateReviews(rows.map((r) => ({ id: r.id, status: r.status, weightedScore: r.weighted_score })));
    const outliers = new Set(aggregate.outliers);
    const items = rows.map((r) => {
      const view = toReviewView(r);
      return {
        ...(blind && r.id !== mine?.id ? hideVerdict(view) : view),
        reviewer: { id: r.reviewer_id, fullName: r.reviewer_name, role: r.reviewer_role },
        conflictDetails: r.conflict_details,
        outlier: !blind && outliers.has(r.id),
      };
    });
    const hidden: ReviewAggregate = { ...aggregate, weightedScore: null, spread: null, outliers: [] };
    return { items, aggregate: blind ? hidden : aggregate, blind, nextCursor: null };
  }

  /** Aggregates of several cases at once (committee agendas). */
  async aggregatesOf(em: EntityManager, applicationIds: string[]): Promise<Map<string, ReviewAggregate>> {
    const rows = await this.repository.scoresOf(em, applicationIds);
    const result = new Map<string, ReviewAggregate>();
    for (const id of applicationIds) {
      result.set(id, aggregateReviews(rows.filter((r) => r.application_id === id).map((r) => ({ id: r.id, status: r.status, weightedScore: r.weighted_score }))));
    }
    return result;
  }
}
