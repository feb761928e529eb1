import { HttpException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationRow, ApplicationView } from '../applications/application.view';
import { ApplicationsRepository, type MoveColumns } from '../applications/applications.repository';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { FieldValidationException, staleVersion, unprocessable } from '../common/http/validation';
import { Transactions } from '../database/transactions';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import type { TemplateName } from '../notifications/templates/template-contexts';
import { releaseSeatsOf } from '../cohorts/enrolments.repository';
import { appendCaseEvent } from '../timeline/case-events.repository';
import { UsersRepository } from '../users/users.repository';
import { enqueueWebhookEvent } from '../webhooks/webhook-outbox';
import { assertLegalMove, CaseStatus, checkTransition, countsAsFirstResponse, isActor, placesInProgramme, type ProgrammeKind } from '../domain/case-state-machine';
import { decisionDueAfterPause } from '../domain/service-level';
import { CasesRepository } from './cases.repository';
import { TransitionDto } from './dto/case-actions.dto';

/** What the founder is told, by move. */
const FOUNDER_EMAIL_ON: Partial<Record<CaseStatus, TemplateName>> = {
  info_requested: 'info-requested',
  accepted: 'decision-accepted',
  referred: 'decision-referred',
  declined: 'decision-declined',
};

/**
 * Moves cases through the state machine (src/domain/case-state-machine.ts) and keeps the
 * service-level clocks: the first staff move out of `submitted` (or first staff message) is the
 * first response; `info_requested` pauses the decision clock and resuming moves the due date by
 * the business days spent waiting.
 */
@Injectable()
export class CaseWorkflowService {
  constructor(
    private readonly transactions: Transactions,
    private readonly applications: ApplicationsService,
    private readonly cases: ApplicationsRepository,
    private readonly thread: CasesRepository,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Locks a case for a staff write and checks `expectedVersion` before anything else, so a stale
   * write is a 409 even when the move would also be illegal.
   */
  lockForStaff(em: EntityManager, id: string, user: AuthUser, expectedVersion: number | undefined): Promise<ApplicationRow> {
    return this.applications.lockForStaff(em, id, user, expectedVersion);
  }

  async transition(id: string, user: AuthUser, dto: TransitionDto): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.transactions.run((em) => this.transitionIn(em, id, user, dto, now));
    return this.applications.get(id, user);
  }

  /**
   * A staff move inside the caller's transaction: the one path every staff move takes (the
   * transitions route, a committee's decision), with the same checks in the same order — stale
   * version 409 first, then the state machine's 400/422 — the same emails and webhooks.
   */
  async transitionIn(em: EntityManager, id: string, user: AuthUser, dto: TransitionDto, now: Date): Promise<void> {
    const row = await this.lockForStaff(em, id, user, dto.expectedVersion);
    const to = dto.to as CaseStatus;
    let programmeKind: ProgrammeKind | null = null;
    if (dto.programme !== undefined && placesInProgramme(to)) {
      const found = await this.thread.programmeKind(em, dto.programme);
      if (!found || !found.active) throw new FieldValidationException([{ field: 'programme', messages: [`programme ${dto.programme} is not an active programme`] }]);
      programmeKind = found.kind;
    }
    if (dto.documents !== undefined && to !== 'info_requested') {
      const message = 'documents can be named only when requesting information (to: info_requested)';
      throw new FieldValidationException([{ field: 'documents', messages: [message] }]);
    }
    // outside people (experts, partners) never reach a case's moves: the machine knows none of them
    if (!isActor(user.role)) throw new NotFoundException('Application not found');
    const check = checkTransition({ from: row.status, to, actor: user.role, programmeKind, reason: dto.reason, message: dto.message });
    if (!check.ok) {
      if (check.status === 422) throw unprocessable(check.message);
      const field = check.code === 'reason_required' ? 'reason' : check.code === 'message_required' ? 'message' : check.code.startsWith('programme') ? 'programme' : 'to';
      if (check.status === 400) throw new FieldValidationException([{ field, messages: [check.message] }], { code: check.code });
      throw new HttpException({ message: check.message, code: check.code }, check.status);
    }
    await this.applyMove(
      em,
      row,
      { to, kind: check.kind, programme: dto.programme ?? null, reason: dto.reason ?? null, message: dto.message ?? null, documents: dto.documents },
      { id: user.id, role: user.role },
      now,
    );
  }

  /**
   * The founder withdraws their case (from submitted, in_review or info_requested). Their reason
   * is kept as a message in the thread, not in the hash-chained event, so erasure can remove it.
   */
  async withdraw(id: string, user: AuthUser, reason: string | undefined, expectedVersion: number | undefined): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      if (user.role !== 'founder') throw new NotFoundException('Application not found');
      const row = await this.applications.findVisible(em, id, user, true);
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion(row.version);
      const check = checkTransition({ from: row.status, to: 'withdrawn', actor: 'founder' });
      if (!check.ok) throw unprocessable(`An application can be withdrawn only once submitted and before a decision (it is ${row.status})`);
      await this.applyMove(em, row, { to: 'withdrawn', kind: check.kind, programme: null, reason: null, message: reason ?? null }, { id: user.id, role: user.role }, now);
    });
    return this.applications.get(id, user);
  }

  /**
   * A case leaving `accepted` gives its cohort seat back: the enrolment goes, the timeline says
   * so, and the programme's managers get a `seat-freed` email (a full cohort has room again).
   */
  private async releaseSeats(em: EntityManager, row: ApplicationRow, actor: { id: string; role: string }, now: Date): Promise<void> {
    const freed = await releaseSeatsOf(em, row.id);
    for (const seat of freed) {
      const event = await appendCaseEvent(
        em,
        { applicationId: row.id, at: now, type: 'unenrolled', actor, public: true, data: { cohortId: seat.cohortId, cohort: seat.cohort, why: 'decision_undone' } },
        { caseLocked: true },
      );
      const managers = await this.users.managersOf(em, seat.programme);
      await enqueueEmails(
        em,
        managers.map((m) => ({ template: 'seat-freed' as const, recipientId: m.id, eventKey: event.id, applicationId: row.id, data: { cohortId: seat.cohortId } })),
        now,
      );
    }
  }

  /**
   * Writes a legal move: the case row (status, clocks, version) and its timeline event, plus the
   * info request's message in the thread. The caller holds the case's row lock.
   */
  async applyMove(
    em: EntityManager,
    row: ApplicationRow,
    move: { to: CaseStatus; kind: string; programme: string | null; reason: string | null; message: string | null; documents?: string[] },
    actor: { id: string; role: string },
    now: Date,
  ): Promise<void> {
    // the machine checks the move it is asked to write, whoever the caller (a transition, the founder's reply)
    assertLegalMove(row.status, move.to, actor.role);
    const columns: MoveColumns = {};
    if (row.first_responded_at === null && countsAsFirstResponse(row.status, actor.role)) columns.firstRespondedAt = now;

    switch (move.kind) {
      case 'decision':
        columns.decidedAt = now;
        columns.firstDecidedAt = now; // the funnel's "first decision", kept through reopenings
        columns.programme = move.to === 'declined' ? null : move.programme;
        break;
      case 'info_request':
        columns.pausedAt = now;
        break;
      case 'resume':
        if (row.paused_at && row.decision_due_at) columns.decisionDueAt = decisionDueAfterPause(row.decision_due_at, row.paused_at, now);
        columns.pausedAt = null;
        break;
      case 'reopen':
        // the decision is undone; the decision clock keeps its original due date (docs/domain.md "Service levels")
        columns.decidedAt = null;
        columns.programme = null;
        break;
      case 'withdraw':
        columns.withdrawnAt = now;
        if (row.status === 'info_requested') columns.pausedAt = null;
        break;
      default:
        break;
    }
    await this.cases.writeMove(em, row.id, move.to, now, columns);

    let messageId: string | null = null;
    if (move.message !== null) {
      messageId = await this.thread.insertMessage(em, { applicationId: row.id, authorId: actor.id, authorRole: actor.role, body: move.message, at: now });
    }
    const event = await appendCaseEvent(em, {
      applicationId: row.id,
      at: now,
      type: move.kind === 'withdraw' ? 'withdrawn' : 'status_changed',
      actor,
      public: true,
      data: {
        from: row.status,
        to: move.to,
        programme: placesInProgramme(move.to) ? move.programme : null,
        reason: move.reason,
        messageId,
        // the documents an information request names (only then, so other events keep their shape)
        ...(move.kind === 'info_request' && move.documents?.length ? { documents: move.documents } : {}),
      },
    }, { caseLocked: true });
    await enqueueWebhookEvent(em, 'case.status_changed', { applicationId: row.id, reference: row.reference, from: row.status, to: move.to, programme: programmeAfterMove(row, move) }, now);
    if (row.status === 'accepted' && move.to !== 'accepted') await this.releaseSeats(em, row, actor, now);
    const founderEmail = FOUNDER_EMAIL_ON[move.to];
    if (founderEmail && (move.kind === 'decision' || move.kind === 'info_request')) {
      await enqueueEmails(
        em,
        [{ template: founderEmail, recipientId: row.owner_id, eventKey: event.id, applicationId: row.id, data: { eventId: event.id, messageId, ...(move.kind === 'info_request' ? { documents: (move.documents ?? []).join(',') } : {}) } }],
        now,
      );
    }
  }
}

/** The case's programme once moved, as webhooks tell it: the decided one, else the top recommendation. */
function programmeAfterMove(row: ApplicationRow, move: { kind: string; to: CaseStatus; programme: string | null }): string | null {
  if (move.kind === 'decision') return (move.to === 'declined' ? null : move.programme) ?? row.top_programme;
  if (move.kind === 'reopen') return row.top_programme;
  return row.programme ?? row.top_programme;
}
