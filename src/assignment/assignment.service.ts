import { ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationView } from '../applications/application.view';
import { ApplicationsRepository } from '../applications/applications.repository';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { isAssignable } from '../domain/case-state-machine';
import { isStaffRole } from '../domain/roles';
import { Clock } from '../common/clock';
import { FieldValidationException, unprocessable } from '../common/http/validation';
import { Transactions } from '../database/transactions';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events.repository';
import { enqueueWebhookEvent } from '../webhooks/webhook-outbox';
import { AssignmentExplanation, chooseAssignee } from './assignment-choice';
import { AssignmentRepository } from './assignment.repository';

/**
 * Manual and automatic assignment. Capacity holds under concurrency: the assignee's account row
 * is locked (all candidates' rows, in id order, for auto-assignment) before their open cases are
 * counted, so two assignments can never both take an advisor's last free slot (see
 * AssignmentRepository).
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AssignmentRepository,
    private readonly applications: ApplicationsService,
    private readonly cases: ApplicationsRepository,
    private readonly clock: Clock,
  ) {}

  async assign(id: string, user: AuthUser, assigneeId: string | null, expectedVersion: number): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const row = await this.applications.lockForStaff(em, id, user, expectedVersion);
      if (!isAssignable(row.status)) throw unprocessable(`Only open cases are assigned (this one is ${row.status})`);
      if (assigneeId === row.assignee_id) return;
      if (assigneeId !== null) {
        // lock first, count after (see AssignmentRepository)
        const candidate = await this.repository.lockCandidate(em, assigneeId);
        if (!candidate || !isStaffRole(candidate.role) || !candidate.active) {
          throw new FieldValidationException([{ field: 'assigneeId', messages: ['assigneeId must be an active staff member'] }]);
        }
        if (candidate.capacity !== null && candidate.load >= candidate.capacity) {
          throw new ConflictException({ message: `${candidate.full_name} is at capacity (${candidate.load} of ${candidate.capacity} open cases)`, code: 'at_capacity' });
        }
      }
      await this.write(em, row.id, row.reference, row.assignee_id, assigneeId, { id: user.id, role: user.role, fullName: user.fullName }, row.status, now, null);
    });
    return this.applications.get(id, user);
  }

  /**
   * Picks an active advisor who covers the case's programme (decided, else top recommendation)
   * and speaks the founder's language, with spare capacity, least loaded first; records and
   * returns why, for every candidate. Nobody fits → the case stays as it is.
   */
  async autoAssign(id: string, user: AuthUser, expectedVersion: number | undefined): Promise<{ application: ApplicationView; explanation: AssignmentExplanation }> {
    const now = this.clock.now();
    const explanation = await this.transactions.run(async (em) => {
      const row = await this.applications.lockForStaff(em, id, user, expectedVersion);
      if (!isAssignable(row.status)) throw unprocessable(`Only open cases are assigned (this one is ${row.status})`);
      // lock first, count after (see AssignmentRepository): loads read by a later statement see
      // every assignment committed by whoever held these locks before us
      const candidates = await this.repository.lockAdvisors(em);
      const result = chooseAssignee({
        programme: row.programme ?? row.top_programme,
        language: row.locale,
        locale: user.locale,
        candidates: candidates.map((c) => ({
          userId: c.id,
          fullName: c.full_name,
          active: c.active,
          role: c.role,
          programmes: c.programmes,
          languages: c.languages,
          capacity: c.capacity,
          // the case's current assignee carries it already: compare as if it were free
          load: c.id === row.assignee_id ? c.load - 1 : c.load,
          lastAssignedAt: c.last_assigned_at,
        })),
      });
      if (result.chosen !== null && result.chosen !== row.assignee_id) {
        await this.write(em, row.id, row.reference, row.assignee_id, result.chosen, { id: user.id, role: user.role, fullName: user.fullName }, row.status, now, result);
      } else {
        await appendCaseEvent(em, {
          applicationId: row.id,
          at: now,
          type: 'auto_assign_attempted',
          actor: { id: user.id, role: user.role },
          public: false,
          data: { chosen: result.chosen, explanation: result },
        }, { caseLocked: true });
      }
      return result;
    });
    return { application: await this.applications.get(id, user), explanation };
  }

  private async write(
    em: EntityManager,
    caseId: string,
    reference: string,
    from: string | null,
    to: string | null,
    actor: { id: string; role: string; fullName: string },
    statusThen: string,
    now: Date,
    explanation: AssignmentExplanation | null,
  ): Promise<void> {
    await this.cases.writeAssignee(em, caseId, to, now);
    if (to !== null) await this.repository.markAssigned(em, to, now);
    const event = await appendCaseEvent(em, {
      applicationId: caseId,
      at: now,
      type: 'assigned',
      actor,
      public: false,
      data: { from, to, auto: explanation !== null, ...(explanation ? { explanation } : {}) },
    }, { caseLocked: true });
    await enqueueWebhookEvent(em, 'case.assigned', { applicationId: caseId, reference, assigneeId: to, previousAssigneeId: from, auto: explanation !== null }, now);
    // taking a case oneself needs no email (an auto-assignment that picks the caller still does:
    // nobody chose them); otherwise the email says what was true at this commit (who assigned,
    // the status then), kept in the outbox row rather than re-read at send time
    const auto = explanation !== null;
    if (to !== null && (auto || to !== actor.id)) {
      await enqueueEmails(
        em,
        [{ template: 'case-assigned', recipientId: to, eventKey: event.id, applicationId: caseId, data: { assignedBy: actor.id, assignedByName: auto ? null : actor.fullName, auto, status: statusThen } }],
        now,
      );
    }
  }
}
