import { HttpException, HttpStatus, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { DataSource } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { appendCaseEvent } from '../timeline/case-events';
import { CaseWorkflowService } from './case-workflow.service';

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

interface MessageRow {
  id: string;
  body: string;
  author_id: string | null;
  author_role: string;
  full_name: string | null;
  created_at: Date;
}

export const MESSAGES_PER_HOUR = 60;

/** The founder–staff thread and the staff's internal notes. */
@Injectable()
export class CaseThreadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly workflow: CaseWorkflowService,
    private readonly clock: Clock,
    private readonly limiter: RateLimiterService,
  ) {}

  async messages(id: string, user: AuthUser, limit = 50, cursor?: string): Promise<Page<MessageView>> {
    await this.applications.findVisible(this.dataSource.manager, id, user);
    const after = decodeCursor(cursor, 2);
    const params: unknown[] = [id, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'AND (m.created_at, m.id) > ($3::timestamptz, $4::uuid)';
    }
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT m.id, m.body, m.author_id, m.author_role, u.full_name, m.created_at
       FROM case_messages m LEFT JOIN users u ON u.id = m.author_id
       WHERE m.application_id = $1 ${keyset} ORDER BY m.created_at, m.id LIMIT $2`,
      params,
    );
    return toPage(rows, limit, toMessageView, (r) => [r.created_at.toISOString(), r.id]);
  }

  /**
   * Posts to the thread. A founder's message on an `info_requested` case brings it back to
   * `in_review` (and restarts the decision clock); a staff message is a first response.
   */
  async postMessage(id: string, user: AuthUser, body: string): Promise<MessageView> {
    // each message may email someone: bounded per author, across every API process (Redis)
    if ((await this.limiter.hit(`messages:${user.id}`, 3600)) > MESSAGES_PER_HOUR) {
      throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: `At most ${MESSAGES_PER_HOUR} messages per hour` }, HttpStatus.TOO_MANY_REQUESTS);
    }
    const now = this.clock.now();
    const messageId = await this.dataSource.transaction(async (em) => {
      const row = await this.applications.findVisible(em, id, user, true);
      if (row.status === 'draft') throw new UnprocessableEntityException('Submit the application before writing to the campus');
      const inserted: { id: string }[] = await em.query(
        'INSERT INTO case_messages (application_id, author_id, author_role, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [id, user.id, user.role, body, now],
      );
      const messageId = inserted[0].id;
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
      } else if (user.role !== 'founder' && row.first_responded_at === null) {
        await em.query('UPDATE applications SET first_responded_at = $2, version = version + 1, updated_at = $2 WHERE id = $1', [id, now]);
      }
      return messageId;
    });
    const [row]: MessageRow[] = await this.dataSource.query(
      'SELECT m.id, m.body, m.author_id, m.author_role, u.full_name, m.created_at FROM case_messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.id = $1',
      [messageId],
    );
    return toMessageView(row);
  }

  async addNote(id: string, user: AuthUser, body: string): Promise<NoteView> {
    const now = this.clock.now();
    const noteId = await this.dataSource.transaction(async (em) => {
      await this.applications.findVisible(em, id, user, true);
      const inserted: { id: string }[] = await em.query('INSERT INTO case_notes (application_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [id, user.id, body, now]);
      await appendCaseEvent(em, { applicationId: id, at: now, type: 'note_added', actor: { id: user.id, role: user.role }, public: false, data: { noteId: inserted[0].id } }, { caseLocked: true });
      return inserted[0].id;
    });
    return { id: noteId, body, author: { id: user.id, fullName: user.fullName }, createdAt: now.toISOString() };
  }
}

function toMessageView(r: MessageRow): MessageView {
  return { id: r.id, body: r.body, author: { id: r.author_id, role: r.author_role, fullName: r.full_name }, createdAt: r.created_at.toISOString() };
}
