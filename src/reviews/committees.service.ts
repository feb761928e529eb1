import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { isValidDay } from '../domain/business-calendar';
import { CaseWorkflowService } from '../cases/case-workflow.service';
import type { TransitionDto } from '../cases/dto/case-actions.dto';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { FieldValidationException } from '../common/http/validation';
import { appendCaseEvent } from '../timeline/case-events';
import type { CommitteeDecisionDto, CreateCommitteeDto } from './dto/review.dto';
import type { ReviewAggregate } from '../domain/review-rules';
import { CommitteeAgendaItemView, CommitteeDecisionView, CommitteeView } from './review.views';
import { CommitteeItemRow, CommitteeRow, ReviewsRepository } from './reviews.repository';
import { ReviewsService } from './reviews.service';

/** Ranks an agenda: best weighted score first, cases without a score last, then the agenda's order. */
export function rankAgenda<T extends { position: number; aggregate: ReviewAggregate }>(items: T[]): (T & { rank: number })[] {
  return [...items]
    .sort((a, b) => {
      const x = a.aggregate.weightedScore;
      const y = b.aggregate.weightedScore;
      if (x !== y) return y === null ? -1 : x === null ? 1 : y - x;
      return a.position - b.position;
    })
    .map((item, i) => ({ ...item, rank: i + 1 }));
}

/**
 * Selection committees: a programme's manager (or an admin) puts cases on an agenda, reads them
 * ranked by their reviews' aggregate, and records each decision. A decision moves the case
 * through CaseWorkflowService.transitionIn, the very path of `POST /applications/:id/transitions`
 * (same 409/422, emails and webhooks), in the same transaction as the agenda's record and a
 * staff-only timeline event naming the committee and its rationale.
 */
@Injectable()
export class CommitteesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ReviewsRepository,
    private readonly reviews: ReviewsService,
    private readonly workflow: CaseWorkflowService,
    private readonly applications: ApplicationsService,
    private readonly clock: Clock,
  ) {}

  /** Admins act on every programme, a manager on theirs; anyone else may never (403). */
  private checkManages(user: AuthUser, programme: string): void {
    if (user.role === 'admin') return;
    if (user.role !== 'programme_manager' || !user.programmes.includes(programme)) throw new ForbiddenException('Only this programme’s managers and admins run its committees');
  }

  async create(slug: string, user: AuthUser, dto: CreateCommitteeDto): Promise<CommitteeView> {
    const em = this.repository.reads;
    if (!(await this.repository.programme(em, slug))) throw new NotFoundException('Programme not found');
    this.checkManages(user, slug);
    if (!isValidDay(dto.meetsOn)) throw new FieldValidationException([{ field: 'meetsOn', messages: ['meetsOn must be a real date'] }]);
    const ids = dto.applicationIds.map((id) => id.toLowerCase());
    const id = await this.transactions.run(async (tx) => {
      const known = new Set(await this.repository.existingCases(tx, ids));
      const unknown = ids.filter((x) => !known.has(x));
      if (unknown.length > 0) throw new FieldValidationException([{ field: 'applicationIds', messages: unknown.map((x) => `applicationIds: ${x} is not a submitted application`) }]);
      return this.repository.insertCommittee(tx, { programme: slug, name: dto.name, meetsOn: dto.meetsOn, createdBy: user.id, now: this.clock.now(), applicationIds: ids });
    });
    return this.get(id);
  }

  async get(id: string): Promise<CommitteeView> {
    const em = this.repository.reads;
    const committee = await this.repository.committee(em, id);
    if (!committee) throw new NotFoundException('Committee not found');
    const items = await this.repository.committeeItems(em, id);
    const aggregates = await this.reviews.aggregatesOf(em, items.map((i) => i.application_id));
    return toCommitteeView(committee, items, aggregates);
  }

  async decide(id: string, user: AuthUser, dto: CommitteeDecisionDto): Promise<CommitteeDecisionView> {
    const applicationId = dto.applicationId.toLowerCase();
    const committee = await this.repository.committee(this.repository.reads, id);
    if (!committee) throw new NotFoundException('Committee not found');
    this.checkManages(user, committee.programme);
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const item = await this.repository.lockItem(em, id, applicationId);
      if (!item) throw new FieldValidationException([{ field: 'applicationId', messages: ['applicationId is not on this committee’s agenda'] }]);
      if (item.decision !== null) throw new ConflictException(`The committee already decided on this case (${item.decision})`);
      const move: TransitionDto = { to: dto.decision, reason: dto.reason, expectedVersion: dto.expectedVersion, ...(dto.decision === 'accepted' ? { programme: committee.programme } : {}) };
      await this.workflow.transitionIn(em, applicationId, user, move, now);
      await this.repository.recordDecision(em, id, applicationId, dto.decision, dto.reason, user.id, now);
      await appendCaseEvent(
        em,
        { applicationId, at: now, type: 'committee_decided', actor: { id: user.id, role: user.role }, public: false, data: { committeeId: id, committee: committee.name, decision: dto.decision, reason: dto.reason } },
        { caseLocked: true },
      );
    });
    const view = await this.get(id);
    return { committeeId: id, application: await this.applications.get(applicationId, user), item: view.agenda.find((i) => i.applicationId === applicationId) as CommitteeAgendaItemView };
  }
}

function toCommitteeView(committee: CommitteeRow, items: CommitteeItemRow[], aggregates: Map<string, ReviewAggregate>): CommitteeView {
  const empty: ReviewAggregate = { invited: 0, recused: 0, submitted: 0, weightedScore: null, spread: null, outliers: [] };
  const ranked = rankAgenda(items.map((i) => ({ ...i, aggregate: aggregates.get(i.application_id) ?? empty })));
  return {
    id: committee.id,
    programme: committee.programme,
    name: committee.name,
    meetsOn: committee.meets_on,
    createdAt: committee.created_at.toISOString(),
    agenda: ranked.map((i) => ({
      applicationId: i.application_id,
      reference: i.reference,
      startupName: i.startup_name,
      status: i.status,
      version: i.version,
      aggregate: i.aggregate,
      rank: i.rank,
      decision: i.decision,
      reason: i.reason,
      decidedAt: i.decided_at?.toISOString() ?? null,
    })),
  };
}
