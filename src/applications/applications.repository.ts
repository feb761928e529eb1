import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, preparedQueryOn } from '../database/prepared-query';
import type { CursorKey } from '../common/pagination/cursor';
import { decisionRunningSql, firstResponseRunningSql } from '../domain/case-sql';
import type { CaseStatus } from '../domain/case-state-machine';
import { CASE_EVENT_INSERT_PARAMS, LAST_EVENT_SQL } from '../timeline/case-events.repository';
import { APPLICATION_COLUMNS, ApplicationRow, LIST_COLUMNS } from './application.view';
import type { ApplicationFields } from './submission-check';

/** Which field of an application is which column. */
const FIELD_COLUMNS: Record<keyof ApplicationFields, string> = {
  startupName: 'startup_name',
  projectSummary: 'project_summary',
  stage: 'stage',
  trl: 'trl',
  domains: 'domains',
  needs: 'needs',
  incorporated: 'incorporated',
  incorporationDate: 'incorporation_date',
  siren: 'siren',
  academicAffiliation: 'academic_affiliation',
  lookingForCofounder: 'looking_for_cofounder',
  teamSize: 'team_size',
  fundingSoughtEur: 'funding_sought_eur',
  website: 'website',
};
/** The fields a founder fills in, in the order of their columns. */
export const APPLICATION_FIELDS = Object.keys(FIELD_COLUMNS) as (keyof ApplicationFields)[];

/** The owner's ($1) applications created or submitted in the 24 hours before $2, and the $3-th newest such instant. */
const RECENT_SQL = (column: 'created_at' | 'submitted_at'): string =>
  `SELECT count(*)::int AS count, (array_agg(${column} ORDER BY ${column} DESC))[$3] AS oldest
   FROM applications WHERE owner_id = $1 AND ${column} > $2::timestamptz - interval '24 hours'`;

/** Whose cases a read may return: a founder's own (drafts included), or staff's every submitted one. */
export type CaseScope = { ownerId: string } | { staff: string };

/** The columns a move writes besides the status, version and update time (see CaseWorkflowService.applyMove). */
export interface MoveColumns {
  firstRespondedAt?: Date;
  decidedAt?: Date | null;
  /** the funnel's "first decision", kept through reopenings: written only when still empty */
  firstDecidedAt?: Date;
  programme?: string | null;
  pausedAt?: Date | null;
  decisionDueAt?: Date;
  withdrawnAt?: Date;
}

/** What submitting writes on the case, besides its status. */
export interface SubmittedColumns {
  submittedAt: Date;
  firstResponseDueAt: Date;
  decisionDueAt: Date;
  recommendations: unknown;
  rulesVersions: Record<string, number>;
  topProgramme: string | null;
  locale: string;
}

/**
 * The one home of the `applications` table (a case's row) and its `reference_counters`. Every
 * read that locks a case takes FOR NO KEY UPDATE, the lock every case write takes: it
 * serialises the case's writers without blocking the foreign-key checks (KEY SHARE) of the
 * outbox rows that reference it, so an email or webhook insert never deadlocks with a case write.
 */
@Injectable()
export class ApplicationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The case's row whoever asks (callers check who may see it), locked when `lock`. */
  async load(em: EntityManager, id: string, lock = false): Promise<ApplicationRow> {
    const rows: ApplicationRow[] = await em.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows[0];
  }

  /** Several cases' rows, in no particular order (an id that names none is left out); no lock. */
  loadMany(em: EntityManager, ids: readonly string[]): Promise<ApplicationRow[]> {
    return em.query(`SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = ANY($1::uuid[])`, [ids]);
  }

  /** The case's row if `scope` may see it (staff never see a draft), locked when `lock`; null otherwise. */
  async findInScope(em: EntityManager, id: string, scope: CaseScope, lock = false): Promise<ApplicationRow | null> {
    const [where, who] = 'ownerId' in scope ? ['a.owner_id = $2', scope.ownerId] : [`a.status <> 'draft' AND $2::uuid IS NOT NULL`, scope.staff];
    const rows = await preparedQueryOn<ApplicationRow>(em, `SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1 AND ${where}${lock ? ' FOR NO KEY UPDATE' : ''}`, [id, who]);
    return rows[0] ?? null;
  }

  /** The same, read outside any transaction. */
  findInScopeNow(id: string, scope: CaseScope): Promise<ApplicationRow | null> {
    // on the pool's manager findInScope's named statement borrows a pooled connection
    return this.findInScope(this.dataSource.manager, id, scope);
  }

  /**
   * Takes a per-owner transaction lock, then counts the owner's applications created (or
   * submitted) in the 24 hours before `now`, with the `max`-th newest instant: the flood limit
   * holds under concurrency without Redis.
   */
  async lockAndCountRecent(em: EntityManager, ownerId: string, column: 'created_at' | 'submitted_at', now: Date, max: number): Promise<{ count: number; oldest: Date | null }> {
    await this.lockFlood(em, ownerId);
    const [row] = await preparedQueryOn<{ count: number; oldest: Date | null }>(em, RECENT_SQL(column), [ownerId, now, max]);
    return row;
  }

  /**
   * What submitting reads under the owner's flood lock, in one round trip: the owner's
   * submissions in the 24 hours before `now` (as lockAndCountRecent), and their case `id` locked
   * FOR NO KEY UPDATE (null when it is not theirs). The count is read after the lock is held:
   * the lock is its own statement, before this one.
   */
  async lockOwnedCountingSubmissions(em: EntityManager, id: string, ownerId: string, now: Date, max: number): Promise<{ count: number; oldest: Date | null; row: ApplicationRow | null }> {
    await this.lockFlood(em, ownerId);
    const [found] = await preparedQueryOn<{ count: number; oldest: Date | null; found: boolean } & ApplicationRow>(
      em,
      `WITH recent AS (${RECENT_SQL('submitted_at')}),
            target AS (SELECT ${APPLICATION_COLUMNS} FROM applications a WHERE a.id = $4 AND a.owner_id = $1 FOR NO KEY UPDATE)
       SELECT recent.count, recent.oldest, target.id IS NOT NULL AS found, target.* FROM recent LEFT JOIN target ON true`,
      [ownerId, now, max, id],
    );
    const { count, oldest, found: isFound, ...row } = found;
    return { count, oldest, row: isFound ? (row as ApplicationRow) : null };
  }

  /** The owner's per-transaction flood lock: their creations and submissions take turns. */
  private async lockFlood(em: EntityManager, ownerId: string): Promise<void> {
    await preparedQueryOn(em, `SELECT pg_advisory_xact_lock(hashtext('applications-flood:' || $1))`, [ownerId]);
  }

  /** The year's next reference number; the counter row stays locked until commit (concurrent drafts take turns, no duplicates). */
  async nextReference(em: EntityManager, year: number): Promise<number> {
    const [{ last }]: { last: number }[] = await em.query(
      `INSERT INTO reference_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last`,
      [year],
    );
    return last;
  }

  /** A new draft with the fields given; answers its id. */
  async insertDraft(em: EntityManager, draft: { reference: string; ownerId: string; locale: string; now: Date; fields: Partial<ApplicationFields> }): Promise<string> {
    const columns = ['reference', 'owner_id', 'locale', 'created_at', 'updated_at'];
    const values: unknown[] = [draft.reference, draft.ownerId, draft.locale, draft.now, draft.now];
    for (const field of APPLICATION_FIELDS) {
      if (draft.fields[field] !== undefined) {
        columns.push(FIELD_COLUMNS[field]);
        values.push(draft.fields[field]);
      }
    }
    const rows: { id: string }[] = await em.query(
      `INSERT INTO applications (${columns.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      values,
    );
    return rows[0].id;
  }

  /** The founder's edit: the fields given, a new version. Nothing is written when no field is given. */
  async updateFields(em: EntityManager, id: string, changes: Partial<ApplicationFields>, now: Date): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const field of APPLICATION_FIELDS) {
      if (changes[field] === undefined) continue;
      values.push(changes[field]);
      sets.push(`${FIELD_COLUMNS[field]} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(now);
    await em.query(`UPDATE applications SET ${sets.join(', ')}, version = version + 1, updated_at = $${values.length} WHERE id = $1`, values);
  }

  /**
   * draft → `status` (the caller checked the move with the state machine): the routing result and
   * the service-level due dates; the timeline's last event is read in the same statement (the
   * caller holds the row lock), to chain the first event to.
   */
  async writeSubmitted(em: EntityManager, id: string, status: CaseStatus, c: SubmittedColumns): Promise<ApplicationRow & { last_seq: number | null; last_hash: string | null }> {
    const [updated] = await preparedQueryOn<ApplicationRow & { last_seq: number | null; last_hash: string | null }>(
      em,
      `WITH a AS (
         UPDATE applications SET status = $9, version = version + 1, submitted_at = $2, first_response_due_at = $3,
           decision_due_at = $4, recommendations = $5, rules_versions = $6, top_programme = $7, locale = $8, updated_at = $2
         WHERE id = $1 RETURNING *)
       SELECT ${APPLICATION_COLUMNS}, ${LAST_EVENT_SQL('$1')} FROM a`,
      [id, c.submittedAt, c.firstResponseDueAt, c.decisionDueAt, JSON.stringify(c.recommendations), JSON.stringify(c.rulesVersions), c.topProgramme, c.locale, status],
    );
    return updated;
  }

  /**
   * The submission's first timeline event (`event`, from caseEventInsert), its webhook event
   * (`webhook`, webhookEventInsert numbered from the offset it is given) and the founder's
   * acknowledgement in the outbox, in one statement: submitting is the hot path of the campus.
   */
  async insertFirstEventAndAcknowledgement(
    em: EntityManager,
    event: { sql: string; params: unknown[] },
    webhook: (offset: number) => { sql: string; params: unknown[] },
    email: { dedupeKey: string; template: string; recipientId: string; applicationId: string; availableAt: Date },
  ): Promise<void> {
    const p = (n: number): string => `$${CASE_EVENT_INSERT_PARAMS + n}`;
    const hook = webhook(CASE_EVENT_INSERT_PARAMS + 5);
    await preparedQueryOn(
      em,
      `WITH ev AS (${event.sql}), hook AS (${hook.sql})
       INSERT INTO emails (dedupe_key, template, recipient_id, application_id, data, available_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, '{}', ${p(5)}) ON CONFLICT (dedupe_key) DO NOTHING`,
      [...event.params, email.dedupeKey, email.template, email.recipientId, email.applicationId, email.availableAt, ...hook.params],
    );
  }

  /**
   * A move's write (the caller checked it with the state machine's assertLegalMove and holds the
   * row lock): the new status, a new version, and the columns the move sets.
   */
  async writeMove(em: EntityManager, id: string, status: CaseStatus, now: Date, c: MoveColumns): Promise<void> {
    const sets: string[] = ['status = $2', 'version = version + 1', 'updated_at = $3'];
    const params: unknown[] = [id, status, now];
    const set = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (c.firstRespondedAt !== undefined) set('first_responded_at', c.firstRespondedAt);
    if (c.decidedAt !== undefined) set('decided_at', c.decidedAt);
    if (c.firstDecidedAt !== undefined) {
      params.push(c.firstDecidedAt);
      sets.push(`first_decided_at = coalesce(first_decided_at, $${params.length})`);
    }
    if (c.programme !== undefined) set('programme', c.programme);
    if (c.pausedAt !== undefined) set('paused_at', c.pausedAt);
    if (c.decisionDueAt !== undefined) set('decision_due_at', c.decisionDueAt);
    if (c.withdrawnAt !== undefined) set('withdrawn_at', c.withdrawnAt);
    await em.query(`UPDATE applications SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** A first response that moves nothing (a staff message): the instant, a new version. */
  async writeFirstResponse(em: EntityManager, id: string, now: Date): Promise<void> {
    await em.query('UPDATE applications SET first_responded_at = $2, version = version + 1, updated_at = $2 WHERE id = $1', [id, now]);
  }

  /** Gives the case to `assigneeId` (null: nobody), a new version. */
  async writeAssignee(em: EntityManager, id: string, assigneeId: string | null, now: Date): Promise<void> {
    await em.query('UPDATE applications SET assignee_id = $2, version = version + 1, updated_at = $3 WHERE id = $1', [id, assigneeId, now]);
  }

  /**
   * A page of the inbox (staff) or of a founder's own list, as a named prepared statement (see
   * preparedQuery): the filter combinations are few and every value is a parameter. A search is
   * planned each time, with its own pattern's estimates (see buildInboxQuery).
   */
  inbox(scope: InboxScope, filters: InboxFilters): Promise<ApplicationRow[]> {
    const { sql, params } = buildInboxQuery(scope, filters);
    return filters.q ? this.dataSource.query(sql, params) : preparedQuery<ApplicationRow>(this.dataSource, sql, params);
  }
}

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
 * The inbox's SQL, built from the filters (`limit` + 1 rows: see toPage). Keyset pagination on
 * the sort key and id, so a page never repeats or skips a case even while new ones arrive.
 * Service-level filters mirror `serviceLevelState` (src/domain/service-level.ts) through the
 * predicates of src/domain/case-sql.ts: the first-response clock runs while a case is
 * `submitted` and not yet answered; the decision clock while `submitted` or `in_review` (paused
 * while `info_requested`). The reports' CSV export pages through the same query. `search`: the
 * thresholds of a staff search's steps (below); tests force each step with their own.
 */
export function buildInboxQuery(
  scope: InboxScope,
  f: InboxFilters,
  search: { walkFirst: number; sortedAtMost: number } = { walkFirst: SEARCH_WALKS_FIRST, sortedAtMost: SEARCH_SORTED_AT_MOST },
): { sql: string; params: unknown[] } {
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

  // a staff search by name or words: kept apart from the other conditions (see below)
  let match: string | null = null;
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
      match = `(lower(a.startup_name) LIKE ${p(`%${escapeLike(f.q.trim().toLowerCase())}%`)} OR a.search @@ (${simple} || ${stemmed('french')} || ${stemmed('english')}))`;
      // a founder's own few cases are simply filtered
      if (scope.ownerId) {
        where.push(match);
        match = null;
      }
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
  const limit = p(f.limit + 1);
  if (!match) return { sql: `SELECT ${LIST_COLUMNS} FROM applications a WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit}`, params };
  // A staff search. PostgreSQL cannot know how many cases a piece of a name matches; guessing
  // many, it walked the sort order until a page was full: a name matched by a few hundred of a
  // million cases cost 90 ms, one matched by none over a second. So, in one statement:
  // 1. `early`: the matches among the first SEARCH_WALKS_FIRST cases in sort order; when they
  //    fill the page (a common word), they are the page.
  // 2. else `found`: every match, gathered through the name's and the words' indexes and
  //    sorted, when there are at most SEARCH_SORTED_AT_MOST;
  // 3. else the walk in sort order, as before (a word common among older cases only).
  // Each step's condition is a one-time filter: a step not taken costs nothing. The steps carry
  // the sort keys only; the page's rows are read at the end.
  const conditions = where.join(' AND ');
  const bare = order.replace(/\ba\./g, '');
  const keys = 'a.id, a.submitted_at, a.decision_due_at';
  const early = `(SELECT count(*) FROM early)`;
  const sql = `WITH early AS MATERIALIZED (
      SELECT ${keys} FROM (SELECT ${keys}, a.startup_name, a.search FROM applications a WHERE ${conditions} ORDER BY ${order} LIMIT ${search.walkFirst}) a
       WHERE ${match} ORDER BY ${order} LIMIT ${limit}),
    found AS MATERIALIZED (
      SELECT ${keys} FROM applications a WHERE ${conditions} AND ${match} AND ${early} < ${limit} LIMIT ${search.sortedAtMost + 1}),
    page AS (
      (SELECT * FROM early WHERE ${early} = ${limit})
      UNION ALL
      (SELECT * FROM found WHERE ${early} < ${limit} AND (SELECT count(*) FROM found) <= ${search.sortedAtMost} ORDER BY ${bare} LIMIT ${limit})
      UNION ALL
      (SELECT ${keys} FROM applications a WHERE ${conditions} AND ${match} AND ${early} < ${limit} AND (SELECT count(*) FROM found) > ${search.sortedAtMost} ORDER BY ${order} LIMIT ${limit}))
    SELECT ${LIST_COLUMNS} FROM (SELECT * FROM page ORDER BY ${bare} LIMIT ${limit}) p JOIN applications a ON a.id = p.id ORDER BY ${order}`;
  return { sql, params };
}

/**
 * A staff search first looks for its page among this many cases in sort order: a word that
 * common (one case in 40) fills a page there, in under 2 ms at a million cases.
 */
export const SEARCH_WALKS_FIRST = 1000;
/**
 * Up to this many matches of a staff search are gathered through the indexes and sorted (623
 * took 12 ms at a million cases); past it the search walks the sort order to fill its page
 * (about 1.5 microseconds a case: a word that common fills it within a few thousand).
 */
export const SEARCH_SORTED_AT_MOST = 5000;

/** The cursor key of a row for the given sort. */
export function inboxCursorKey(row: { created_at: Date; submitted_at: Date | null; decision_due_at: Date | null; id: string }, sort: InboxSort, founder: boolean): CursorKey {
  if (founder) return [row.created_at.toISOString(), row.id];
  if (sort === 'decisionDueAt') return [row.decision_due_at?.toISOString() ?? null, row.id];
  return [row.submitted_at?.toISOString() ?? null, row.id];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
