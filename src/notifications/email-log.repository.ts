import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A line of the email log, as read for the admin's list. */
export interface EmailLogRow {
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

export interface EmailLogFilter {
  /** a user id, or an address (the account's or the one the email was sent to) */
  recipient?: string;
  template?: string;
  status?: string;
  /** keyset cursor: created_at, id of the last row seen */
  after?: readonly unknown[] | null;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The admin's read of the `emails` table (the outbox's writes are the notifications' sender's). */
@Injectable()
export class EmailLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, `limit + 1` rows (the extra one says there is a next page). */
  async page(filter: EmailLogFilter): Promise<EmailLogRow[]> {
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filter.recipient) {
      where.push(UUID.test(filter.recipient) ? `e.recipient_id = ${p(filter.recipient)}::uuid` : `(u.email = ${p(filter.recipient.trim().toLowerCase())} OR e.recipient_email = $${params.length})`);
    }
    if (filter.template) where.push(`e.template = ${p(filter.template)}`);
    if (filter.status) where.push(`e.status = ${p(filter.status)}`);
    if (filter.after) where.push(`(e.created_at, e.id) < (${p(filter.after[0])}::timestamptz, ${p(filter.after[1])}::uuid)`);
    return this.dataSource.query(
      `SELECT e.id, e.template, e.recipient_id, coalesce(e.recipient_email, u.email) AS email, e.application_id, e.status, e.attempts, e.last_error, e.created_at, e.sent_at
       FROM emails e LEFT JOIN users u ON u.id = e.recipient_id
       WHERE ${where.join(' AND ')} ORDER BY e.created_at DESC, e.id DESC LIMIT ${p(filter.limit + 1)}`,
      params,
    );
  }
}
