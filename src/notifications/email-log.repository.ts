import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';

export interface EmailLogFilters {
  recipient?: string;
  template?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

export interface EmailLogEntry {
  id: string;
  template: string;
  recipient: { id: string | null; email: string | null };
  applicationId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface EmailLogRow {
  id: string;
  template: string;
  recipient_id: string | null;
  email: string | null;
  application_id: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The email log (`emails`, the outbox), newest first, filtered: what `GET /emails` and the admin's page read. */
@Injectable()
export class EmailLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: EmailLogFilters): Promise<Page<EmailLogEntry>> {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor, 2);
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (query.recipient) {
      where.push(UUID.test(query.recipient) ? `e.recipient_id = ${p(query.recipient)}::uuid` : `(u.email = ${p(query.recipient.trim().toLowerCase())} OR e.recipient_email = $${params.length})`);
    }
    if (query.template) where.push(`e.template = ${p(query.template)}`);
    if (query.status) where.push(`e.status = ${p(query.status)}`);
    if (after) where.push(`(e.created_at, e.id) < (${p(after[0])}::timestamptz, ${p(after[1])}::uuid)`);
    const rows: EmailLogRow[] = await this.dataSource.query(
      `SELECT e.id, e.template, e.recipient_id, coalesce(e.recipient_email, u.email) AS email, e.application_id, e.status, e.attempts, e.last_error, e.created_at, e.sent_at
       FROM emails e LEFT JOIN users u ON u.id = e.recipient_id
       WHERE ${where.join(' AND ')} ORDER BY e.created_at DESC, e.id DESC LIMIT ${p(limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => ({
        id: r.id,
        template: r.template,
        recipient: { id: r.recipient_id, email: r.email },
        applicationId: r.application_id,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
      }),
      (r) => [r.created_at.toISOString(), r.id],
    );
  }
}
