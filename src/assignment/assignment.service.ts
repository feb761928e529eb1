import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApplicationView } from '../applications/application.view';
import { ApplicationsService, unprocessable } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { isOpen } from '../cases/case-state-machine';
import { CaseWorkflowService } from '../cases/case-workflow.service';
import { Clock } from '../common/clock';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events';
import { enqueueWebhookEvent } from '../webhooks/webhook-outbox';
import { AssignmentExplanation, chooseAssignee } from './assignment-choice';

const OPEN_LOAD_SQL = `(SELECT count(*)::int FROM applications o WHERE o.assignee_id = u.id AND o.status IN ('submitted', 'in_review', 'info_requested'))`;

interface CandidateRow {
  id: string;
  full_name: string;
  role: string;
  active: boolean;
  programmes: string[];
  languages: string[];
  capacity: number | null;
  last_assigned_at: Date | null;
  load: number;
}

/**
 * Manual and automatic assignment. Capacity holds under concurrency: the assignee's account row
 * is locked (all candidates' rows, in id order, for auto-assignment) before their open cases are
 * counted, so two assignments can never both take an advisor's last free slot.
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly workflow: CaseWorkflowService,
    private readonly clock: Clock,
  ) {}

  async assign(id: string, user: AuthUser, assigneeId: string | null, expectedVersion: number): Promise<ApplicationView> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      const row = await this.workflow.lockForStaff(em, id, user, expectedVersion);
      if (!isOpen(row.status)) throw unprocessable(`Only open cases are assigned (this one is ${row.status})`);
      if (assigneeId === row.assignee_id) return;
      if (assigneeId !== null) {
        // lock first, count after: a statement's snapshot predates its lock waits, so a load
        // counted in the locking statement could miss an assignment committed meanwhile
        await em.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [assigneeId]);
        const [candidate]: CandidateRow[] = await em.query(
          `SELECT u.id, u.full_name, u.role, u.active, u.capacity, ${OPEN_LOAD_SQL} AS load FROM users u WHERE u.id = $1 AND u.erased_at IS NULL`,
          [assigneeId],
        );
        if (!candidate || candidate.role === 'founder' || !candidate.active) {
          throw new BadRequestException({ message: ['assigneeId must be an active staff member'], errors: [{ field: 'assigneeId', messages: ['assigneeId must be an active staff member'] }] });
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
    const explanation = await this.dataSource.transaction(async (em) => {
      const row = await this.workflow.lockForStaff(em, id, user, expectedVersion);
      if (!isOpen(row.status)) throw unprocessable(`Only open cases are assigned (this one is ${row.status})`);
      // lock first, count after (see assign): loads read by a later statement see every
      // assignment committed by whoever held these locks before us
      const locked: { id: string }[] = await em.query(`SELECT u.id FROM users u WHERE u.role = 'advisor' AND u.erased_at IS NULL ORDER BY u.id FOR NO KEY UPDATE`);
      const candidates: CandidateRow[] = await em.query(
        `SELECT u.id, u.full_name, u.role, u.active, u.programmes, u.languages, u.capacity, u.last_assigned_at, ${OPEN_LOAD_SQL} AS load
         FROM users u WHERE u.id = ANY($1::uuid[]) AND u.role = 'advisor' AND u.erased_at IS NULL ORDER BY u.id`,
        [locked.map((u) => u.id)],
      );
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
    await em.query('UPDATE applications SET assignee_id = $2, version = version + 1, updated_at = $3 WHERE id = $1', [caseId, to, now]);
    if (to !== null) await em.query('UPDATE users SET last_assigned_at = $2 WHERE id = $1', [to, now]);
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
