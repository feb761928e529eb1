import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APPLICATION_COLUMNS, type ApplicationRow } from '../applications/application.view';
import type { CaseStatus } from '../domain/case-state-machine';

export interface ExportAccount {
  id: string;
  email: string;
  full_name: string;
  locale: 'fr' | 'en';
  weekly_digest: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A founder's case as erasure sees it: enough to withdraw it and tell the webhooks. */
export interface OwnedCase {
  id: string;
  status: CaseStatus;
  reference: string;
  programme: string | null;
  top_programme: string | null;
}

/**
 * What the founders' data rights read and lock (PrivacyService): the export's reads, and the
 * erasure's locks and withdrawals. The scrubbing itself is `scrubPersonalData`
 * (personal-data.repository.ts), shared with retention.
 */
@Injectable()
export class PrivacyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The pool's manager, for the export's reads through other folders' repositories (outside any transaction). */
  get reads(): EntityManager {
    return this.dataSource.manager;
  }

  // -- export (no transaction, no lock) ----------------------------------------------------

  /** The signed-in founder's account (it exists: the guard read it). */
  async account(userId: string): Promise<ExportAccount> {
    const rows: ExportAccount[] = await this.dataSource.query('SELECT id, email, full_name, locale, weekly_digest, created_at, updated_at FROM users WHERE id = $1', [userId]);
    return rows[0];
  }

  ownedApplications(userId: string): Promise<ApplicationRow[]> {
    return this.dataSource.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.owner_id = $1 ORDER BY a.created_at`, [userId]);
  }

  messages(applicationIds: string[]): Promise<{ application_id: string; id: string; author_role: string; body: string; created_at: Date }[]> {
    return this.dataSource.query('SELECT application_id, id, author_role, body, created_at FROM case_messages WHERE application_id = ANY($1::uuid[]) ORDER BY created_at', [applicationIds]);
  }

  /** The events the founder sees on their cases' timelines. */
  publicEvents(applicationIds: string[]): Promise<{ application_id: string; id: string; at: Date; type: string; actor_role: string | null; data: unknown }[]> {
    return this.dataSource.query(
      'SELECT application_id, id, at, type, actor_role, data FROM case_events WHERE application_id = ANY($1::uuid[]) AND public ORDER BY application_id, seq',
      [applicationIds],
    );
  }

  emailsTo(userId: string): Promise<{ id: string; template: string; status: string; created_at: Date; sent_at: Date | null; application_id: string | null }[]> {
    return this.dataSource.query('SELECT id, template, status, created_at, sent_at, application_id FROM emails WHERE recipient_id = $1 ORDER BY created_at', [userId]);
  }

  enrolments(applicationIds: string[]): Promise<{ application_id: string; cohort: string; programme: string; starts_on: string; ends_on: string; created_at: Date }[]> {
    return this.dataSource.query(
      `SELECT e.application_id, c.name AS cohort, c.programme, to_char(c.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(c.ends_on, 'YYYY-MM-DD') AS ends_on, e.created_at
       FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.application_id = ANY($1::uuid[])`,
      [applicationIds],
    );
  }

  // -- erasure (in its transaction) --------------------------------------------------------

  /** Locks the account's row first (FOR UPDATE), then every case it owns (FOR UPDATE): the erasure's lock order. */
  async lockAccount(em: EntityManager, userId: string): Promise<{ email: string }> {
    const [account]: { email: string }[] = await em.query('SELECT email FROM users WHERE id = $1 FOR UPDATE', [userId]);
    return account;
  }

  lockOwnedCases(em: EntityManager, userId: string): Promise<OwnedCase[]> {
    return em.query('SELECT id, status, reference, programme, top_programme FROM applications WHERE owner_id = $1 FOR UPDATE', [userId]);
  }

  /**
   * Every email to the founder or about their cases (for the `.eml` files to remove), including
   * the staff digests that named their cases.
   */
  emailsToForget(em: EntityManager, userId: string, applicationIds: string[]): Promise<{ id: string }[]> {
    return em.query(
      `SELECT id FROM emails
       WHERE recipient_id = $1 OR application_id = ANY($2::uuid[])
          OR (data->>'digestId')::uuid IN (SELECT id FROM digests WHERE content::text ~ $3)`,
      [userId, applicationIds, applicationIds.length > 0 ? applicationIds.join('|') : '^$never'],
    );
  }

  /**
   * Writes the withdrawal of an open case on the founder's behalf (the machine's `system` move,
   * checked by the caller): the row is locked already.
   */
  async withdraw(em: EntityManager, id: string, now: Date): Promise<void> {
    const to: CaseStatus = 'withdrawn';
    await em.query('UPDATE applications SET status = $3, withdrawn_at = $2, paused_at = NULL, version = version + 1, updated_at = $2 WHERE id = $1', [id, now, to]);
  }
}
