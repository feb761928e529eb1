import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { type CaseRef, visibleId } from '../common/case-visibility';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { ApplicationsRepository } from '../applications/applications.repository';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { countsAsFirstResponse } from '../domain/case-state-machine';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events.repository';
import { CaseWorkflowService } from './case-workflow.service';
import { CasesRepository, type MessageRow } from './cases.repository';

export interface MessageView {
  id: string;
  body: string;
  author: { id: string | null; role: string; fullName: string | null };
  createdAt: string;
}

export interface NoteView {
  id: string;
  body: string;
  author: { id: string | null; fullName: string | null };
  createdAt: string;
}

/** The founder–staff thread and the staff's internal notes. */
@Injectable()
export class CaseThreadService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: CasesRepository,
    private readonly applications: ApplicationsService,
    private readonly cases: ApplicationsRepository,
    private readonly workflow: CaseWorkflowService,
    private readonly clock: Clock,
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async messages(ref: CaseRef, user: AuthUser, limit = 50, cursor?: string): Promise<Page<MessageView>> {
    const id = await visibleId(this.applications, ref, user);
    const rows = await this.repository.messages(id, decodeCursor(cursor, 2), limit + 1);
    return toPage(rows, limit, toMessageView, (r) => [r.created_at.toISOString(), r.id]);
  }

  /**
   * Posts to the thread. A founder's message on an `info_requested` case brings it back to
   * `in_review` (and restarts the decision clock); a staff message is a first response.
   */
  async postMessage(id: string, user: AuthUser, body: string): Promise<MessageView> {
    // each message may email someone: bounded per author, across every API process (Redis)
    // (fails closed: while Redis is away nobody can post, rather than everybody without a limit)
    await this.limiter.take([{ bucket: `messages:${user.id}`, max: this.config.limits.messagesPerHour, windowSeconds: 3600 }], 'closed', `At most ${this.config.limits.messagesPerHour} messages per hour`);
    const now = this.clock.now();
    const messageId = await this.transactions.run(async (em) => {
      const row = await this.applications.findVisible(em, id, user, true);
      if (row.status === 'draft') throw new UnprocessableEntityException('Submit the application before writing to the campus');
      const messageId = await this.repository.insertMessage(em, { applicationId: id, authorId: user.id, authorRole: user.role, body, at: now });
      await appendCaseEvent(em, { applicationId: id, at: now, type: 'message_posted', actor: { id: user.id, role: user.role }, public: true, data: { messageId } }, { caseLocked: true });
      if (user.role === 'founder' && row.assignee_id) {
        // an answer to a request brings the case back to review; any other message moves nothing,
        // so the assignee gets a plain notice that says so (e.g. on a case already decided)
        const answersRequest = row.status === 'info_requested';
        await enqueueEmails(
          em,
          [
            answersRequest
              ? { template: 'founder-replied', recipientId: row.assignee_id, eventKey: `message:${messageId}`, applicationId: id, data: { messageId } }
              : { template: 'new-message', recipientId: row.assignee_id, eventKey: `message:${messageId}`, applicationId: id, data: { messageId, audience: 'staff', status: row.status } },
          ],
          now,
        );
      } else if (user.role !== 'founder') {
        // staff writing in the thread (outside a request for information): the founder hears of it
        await enqueueEmails(em, [{ template: 'new-message', recipientId: row.owner_id, eventKey: `message:${messageId}`, applicationId: id, data: { messageId, audience: 'founder', status: row.status } }], now);
      }
      if (user.role === 'founder' && row.status === 'info_requested') {
        await this.workflow.applyMove(em, row, { to: 'in_review', kind: 'resume', programme: null, reason: null, message: null }, { id: user.id, role: user.role }, now);
      } else if (row.first_responded_at === null && countsAsFirstResponse(row.status, user.role, 'message')) {
        await this.cases.writeFirstResponse(em, id, now);
      }
      return messageId;
    });
    return toMessageView(await this.repository.message(messageId));
  }

  async addNote(id: string, user: AuthUser, body: string): Promise<NoteView> {
    const now = this.clock.now();
    const noteId = await this.transactions.run(async (em) => {
      await this.applications.findVisible(em, id, user, true);
      const inserted = await this.repository.insertNote(em, { applicationId: id, authorId: user.id, body, at: now });
      await appendCaseEvent(em, { applicationId: id, at: now, type: 'note_added', actor: { id: user.id, role: user.role }, public: false, data: { noteId: inserted } }, { caseLocked: true });
      return inserted;
    });
    return { id: noteId, body, author: { id: user.id, fullName: user.fullName }, createdAt: now.toISOString() };
  }
}

function toMessageView(r: MessageRow): MessageView {
  return { id: r.id, body: r.body, author: { id: r.author_id, role: r.author_role, fullName: r.full_name }, createdAt: r.created_at.toISOString() };
}
