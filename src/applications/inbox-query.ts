import { decisionRunningSql, firstResponseRunningSql } from '../domain/case-sql';
import { LIST_COLUMNS } from './application.view';
import type { CursorKey } from '../common/pagination/cursor';

export type InboxSort = 'submittedAt' | '-submittedAt' | 'decisionDueAt';

export interface InboxFilters {
  statuses?: string[];
  programme?: string;
  /** a user id, or 'unassigned' */
  assignee?: string;
  sla?: 'at_risk' | 'breached';
  q?: string;
  sort: InboxSort;
  limit: number;
  after: CursorKey | null;
}

export interface InboxScope {
  /** founders: their own cases (drafts included); staff: every submitted case */
  ownerId?: string;
  now: Date;
  /** end of the next business day (service-level "at risk" horizon) */
  atRiskUntil: Date;
}

const REFERENCE = /^GU-(\d{4})-(\d{1,6})$/i;

/**
 * The inbox's SQL, built from the filters. Keyset pagination on the sort key and id, so a page
 * never repeats or skips a case even while new ones arrive. Service-level filters mirror
 * `serviceLevelState` (src/cases/service-level.ts): the first-response clock runs while a case is
 * `submitted` and not yet answered; the decision clock while `submitted` or `in_review`
 * (paused while `info_requested`).
 */
export function buildInboxQuery(scope: InboxScope, f: InboxFilters): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (scope.ownerId) where.push(`a.owner_id = ${p(scope.ownerId)}`);
  else where.push(`a.status <> 'draft'`);

  if (f.statuses && f.statuses.length > 0) where.push(f.statuses.length === 1 ? `a.status = ${p(f.statuses[0])}` : `a.status = ANY(${p(f.statuses)}::text[])`);
  if (f.programme) where.push(`a.inbox_programme = ${p(f.programme)}`);
  if (f.assignee === 'unassigned') where.push('a.assignee_id IS NULL');
  else if (f.assignee) where.push(`a.assignee_id = ${p(f.assignee)}::uuid`);

  if (f.sla) {
    const now = p(scope.now);
    if (f.sla === 'breached') {
      where.push(
        `((${firstResponseRunningSql()} AND a.first_response_due_at < ${now})
          OR (${decisionRunningSql()} AND a.decision_due_at < ${now}))`,
      );
    } else {
      const until = p(scope.atRiskUntil);
      where.push(
        `((${firstResponseRunningSql()} AND a.first_response_due_at BETWEEN ${now} AND ${until})
          OR (${decisionRunningSql()} AND a.decision_due_at BETWEEN ${now} AND ${until}))`,
      );
    }
  }

  if (f.q) {
    const ref = REFERENCE.exec(f.q.trim());
    if (ref) where.push(`a.reference = ${p(`GU-${ref[1]}-${ref[2].padStart(6, '0')}`)}`);
    else {
      // part of the startup's name (trigram index), or words of the summary or of the
      // founder's name (full text, French and English stemming: migration 1795824100000)
      // A stemmed query is used only when it kept every word: French drops "d" or "le" as stop
      // words, and "startup d" must not become "startup" (every case)
      const text = p(f.q.trim());
      const simple = `websearch_to_tsquery('simple', ${text})`;
      const stemmed = (config: 'french' | 'english'): string =>
        `CASE WHEN numnode(websearch_to_tsquery('${config}', ${text})) = numnode(${simple}) THEN websearch_to_tsquery('${config}', ${text}) ELSE ${simple} END`;
      where.push(`(lower(a.startup_name) LIKE ${p(`%${escapeLike(f.q.trim().toLowerCase())}%`)} OR a.search @@ (${simple} || ${stemmed('french')} || ${stemmed('english')}))`);
    }
  }

  let order: string;
  if (scope.ownerId) {
    // a founder's own list: newest first, drafts included (they have no submission date)
    if (f.after) where.push(`(a.created_at, a.id) < (${p(f.after[0])}::timestamptz, ${p(f.after[1])}::uuid)`);
    order = 'a.created_at DESC, a.id DESC';
  } else if (f.sort === 'submittedAt') {
    if (f.after) where.push(`(a.submitted_at, a.id) > (${p(f.after[0])}::timestamptz, ${p(f.after[1])}::uuid)`);
    order = 'a.submitted_at ASC, a.id ASC';
  } else if (f.sort === 'decisionDueAt') {
    if (f.after) where.push(`(a.decision_due_at, a.id) > (${p(f.after[0])}::timestamptz, ${p(f.after[1])}::uuid)`);
    order = 'a.decision_due_at ASC, a.id ASC';
  } else {
    if (f.after) where.push(`(a.submitted_at, a.id) < (${p(f.after[0])}::timestamptz, ${p(f.after[1])}::uuid)`);
    order = 'a.submitted_at DESC, a.id DESC';
  }
  const sql = `SELECT ${LIST_COLUMNS} FROM applications a WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(f.limit + 1)}`;
  return { sql, params };
}

/** The cursor key of a row for the given sort. */
export function inboxCursorKey(row: { created_at: Date; submitted_at: Date | null; decision_due_at: Date | null; id: string }, sort: InboxSort, founder: boolean): CursorKey {
  if (founder) return [row.created_at.toISOString(), row.id];
  if (sort === 'decisionDueAt') return [row.decision_due_at?.toISOString() ?? null, row.id];
  return [row.submitted_at?.toISOString() ?? null, row.id];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
