import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { closedSql, statusIn } from '../domain/case-sql';
import type { CaseStatus } from '../domain/case-state-machine';
import { dedupeKeySql, isoInstantSql } from '../notifications/outbox/outbox-email';

/** Held for the run's transaction: one retention run at a time across every worker. */
const RETENTION_LOCK = 724_130_004;
/** What replaces a purged case's texts (its startup name too: how a purged case is recognised). */
export const PURGED = '[purged]';

/** What retention looks at: abandoned drafts, and cases closed long ago not purged yet. */
export type RetentionKind = 'draft' | 'closed_case';

export interface RetentionCandidate {
  id: string;
  owner_id: string;
  last_activity: Date;
}

/** The case's last activity, by kind: the draft's last edit, the closed case's decision or withdrawal. */
const ACTIVITY: Record<RetentionKind, string> = { draft: 'a.updated_at', closed_case: 'coalesce(a.decided_at, a.withdrawn_at)' };
/** The cases of each kind (a purged closed case is not purged again). */
const SCOPE: Record<RetentionKind, string> = { draft: statusIn('a.status', ['draft']), closed_case: `${closedSql()} AND a.startup_name <> '${PURGED}'` };

/**
 * What the daily retention run (RetentionService) reads, in its transaction. The purge itself
 * is privacy's (`deleteDrafts`, `scrubPersonalData`): the same as an erasure's.
 */
@Injectable()
export class RetentionRepository {
  /** Takes the run's advisory lock for the transaction; false when another run holds it. */
  async tryLock(em: EntityManager): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RETENTION_LOCK]);
    return locked;
  }

  /** Cases of `kind` whose founder is still there and whose last activity is before `before` (due a warning). */
  toWarn(em: EntityManager, kind: RetentionKind, before: Date): Promise<RetentionCandidate[]> {
    const activity = ACTIVITY[kind];
    return em.query(
      `SELECT a.id, a.owner_id, ${activity} AS last_activity FROM applications a
       JOIN users u ON u.id = a.owner_id AND u.erased_at IS NULL
       WHERE ${SCOPE[kind]} AND ${activity} < $1`,
      [before],
    );
  }

  /**
   * Cases of `kind` whose last activity is before `before` and whose founder was warned about
   * this very period (the warning's dedupe key names the case and its last activity) at or
   * before `warnedBy`.
   */
  async toPurge(em: EntityManager, kind: RetentionKind, before: Date, warnedBy: Date): Promise<string[]> {
    const activity = ACTIVITY[kind];
    const rows: { id: string }[] = await em.query(
      `SELECT a.id FROM applications a
       WHERE ${SCOPE[kind]} AND ${activity} < $1
         AND EXISTS (SELECT 1 FROM emails e WHERE e.dedupe_key = ${dedupeKeySql('retention-warning', `a.id || ':' || ${isoInstantSql(activity)}`, 'a.owner_id')}
                     AND e.available_at <= $2)`,
      [before, warnedBy],
    );
    return rows.map((r) => r.id);
  }

  /** The case a warning is about, as it is when the warning leaves (null: already purged). */
  async warnedCase(em: EntityManager, id: string | null): Promise<{ id: string; reference: string; startup_name: string; status: CaseStatus } | null> {
    const rows: { id: string; reference: string; startup_name: string; status: CaseStatus }[] = await em.query('SELECT id, reference, startup_name, status FROM applications WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
