import { Injectable } from '@nestjs/common';
import { preparedQueryOn } from '../database/prepared-query';
import { DataSource, EntityManager } from 'typeorm';
import { SHARED_STATUSES } from '../domain/referral-rules';
import type { DocumentKind } from '../domain/document-rules';
import { READING_STATUSES, sqlList } from '../domain/review-rules';

export interface DocumentRow {
  id: string;
  application_id: string;
  kind: DocumentKind;
  filename: string;
  content_type: string;
  size: string; // bigint
  sha256: string;
  storage_key: string;
  created_at: Date;
}

const COLUMNS = 'd.id, d.application_id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.storage_key, d.created_at';

/**
 * The one home of the `documents` and `document_storage_cleanup` tables. Every path that
 * deletes document rows schedules their bytes for deletion in the same transaction
 * (`detach`), so bytes never outlive their row for longer than the next sweep.
 */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(em: EntityManager, applicationId: string): Promise<DocumentRow[]> {
    return preparedQueryOn<DocumentRow>(em, `SELECT ${COLUMNS} FROM documents d WHERE d.application_id = $1 ORDER BY d.created_at, d.id`, [applicationId]);
  }

  /** The same, outside any transaction. */
  listNow(applicationId: string): Promise<DocumentRow[]> {
    return this.list(this.dataSource.manager, applicationId);
  }

  listForApplications(em: EntityManager, applicationIds: string[]): Promise<DocumentRow[]> {
    return em.query(`SELECT ${COLUMNS} FROM documents d WHERE d.application_id = ANY($1::uuid[]) ORDER BY d.application_id, d.created_at, d.id`, [applicationIds]);
  }

  async find(em: EntityManager, id: string): Promise<DocumentRow | null> {
    const rows: DocumentRow[] = await em.query(`SELECT ${COLUMNS} FROM documents d WHERE d.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Whether a partner contact may read this application's documents: a referral of it to their organisation was consented to. */
  async sharedWithPartner(em: EntityManager, applicationId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM referrals r JOIN partner_contacts c ON c.partner_id = r.partner_id
       WHERE r.application_id = $1 AND c.user_id = $2 AND r.status = ANY($3::text[]) LIMIT 1`,
      [applicationId, userId, SHARED_STATUSES],
    );
    return rows.length > 0;
  }

  /** Whether this reviewer reads the application: their review of it is open or submitted. */
  async readByReviewer(em: EntityManager, applicationId: string, reviewerId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM reviews WHERE application_id = $1 AND reviewer_id = $2 AND status IN (${sqlList(READING_STATUSES)})`, [applicationId, reviewerId]);
    return rows.length > 0;
  }

  async count(em: EntityManager, applicationId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await em.query('SELECT count(*)::int AS n FROM documents WHERE application_id = $1', [applicationId]);
    return n;
  }

  async kinds(em: EntityManager, applicationId: string): Promise<string[]> {
    const rows: { kind: string }[] = await em.query('SELECT DISTINCT kind FROM documents WHERE application_id = $1', [applicationId]);
    return rows.map((r) => r.kind);
  }

  /**
   * Stores the row of bytes already written under `storage_key`, and takes the key off the
   * sweep's list; null if the sweep already took it (an upload slower than its reservation: the
   * bytes are being deleted, so no row may point at them).
   */
  async insert(em: EntityManager, doc: Omit<DocumentRow, 'id' | 'created_at' | 'size'> & { size: number; uploaded_by: string; created_at: Date }): Promise<DocumentRow | null> {
    // (TypeORM answers a DELETE with [rows, count])
    const [reserved]: [unknown[], number] = await em.query('DELETE FROM document_storage_cleanup WHERE storage_key = $1 RETURNING storage_key', [doc.storage_key]);
    if (reserved.length === 0) return null;
    const [row]: DocumentRow[] = await em.query(
      `INSERT INTO documents (application_id, kind, filename, content_type, size, sha256, storage_key, uploaded_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS.replace(/d\./g, '')}`,
      [doc.application_id, doc.kind, doc.filename, doc.content_type, doc.size, doc.sha256, doc.storage_key, doc.uploaded_by, doc.created_at],
    );
    return row;
  }

  /**
   * A change of documents is a change of the application: its `updated_at` moves, in the
   * transaction of the change (the caller holds the case's row lock). Written here because the
   * documents sit below the applications' folder, which they may not import.
   */
  async touchApplication(em: EntityManager, applicationId: string, now: Date): Promise<void> {
    await em.query('UPDATE applications SET updated_at = $2 WHERE id = $1', [applicationId, now]);
  }

  /**
   * Before bytes are written: the key goes on the sweep's list (committed at once), due when
   * an upload would long be over. If the row commits, `insert` takes it off; if the process dies
   * first, the sweep deletes the bytes.
   */
  async reserveKey(key: string, dueAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO document_storage_cleanup (storage_key, due_at) VALUES ($1, $2)', [key, dueAt]);
  }

  /**
   * Deletes document rows (by id, or every one of some applications) and puts their keys on the
   * sweep's list, due now, in the caller's transaction. Returns the keys, whose bytes the caller
   * deletes after commit (the sweep does it if that fails).
   */
  async detach(em: EntityManager, where: { ids?: string[]; applicationIds?: string[] }, now: Date): Promise<string[]> {
    const rows: { storage_key: string }[] = await em.query(
      `WITH gone AS (DELETE FROM documents WHERE id = ANY($1::uuid[]) OR application_id = ANY($2::uuid[]) RETURNING storage_key)
       INSERT INTO document_storage_cleanup (storage_key, due_at) SELECT storage_key, $3 FROM gone
       ON CONFLICT (storage_key) DO UPDATE SET due_at = excluded.due_at
       RETURNING storage_key`,
      [where.ids ?? [], where.applicationIds ?? [], now],
    );
    return rows.map((r) => r.storage_key);
  }

  /** Keys whose bytes may exist without a row and are due for deletion. */
  async dueForCleanup(now: Date, limit: number): Promise<string[]> {
    const rows: { storage_key: string }[] = await this.dataSource.query(
      'SELECT storage_key FROM document_storage_cleanup WHERE due_at <= $1 ORDER BY due_at LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => r.storage_key);
  }

  /**
   * Takes a due key off the list before its bytes are deleted (committed at once), so an upload
   * finishing at that moment either committed its row first (and the claim finds nothing) or
   * finds its reservation gone and commits no row. False when there is nothing to delete.
   */
  async claim(key: string, now: Date): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM document_storage_cleanup c WHERE c.storage_key = $1 AND c.due_at <= $2
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.storage_key = c.storage_key) RETURNING c.storage_key`,
      [key, now],
    );
    return rows.length > 0;
  }

  async dueNow(key: string, now: Date): Promise<void> {
    await this.dataSource.query('UPDATE document_storage_cleanup SET due_at = $2 WHERE storage_key = $1', [key, now]);
  }

  /** The bytes could not be deleted: try again later. */
  async retryLater(key: string, dueAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO document_storage_cleanup (storage_key, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, dueAt]);
  }
}
