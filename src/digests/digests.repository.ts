import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DECIDED_STATUSES, type CaseStatus, type OpenStatus } from '../domain/case-state-machine';
import { closedSql, decisionPausedSql, decisionRunningSql, firstResponseRunningSql, openSql, statusIn } from '../domain/case-sql';
import type { ServiceLevelKind } from '../notifications/templates/template-contexts';

/** Serialisation lock: one fan-out at a time (a second concurrent run waits, then finds nothing new). */
const DIGEST_LOCK = 724_130_003;

export type DigestKind = 'advisor' | 'manager';

export interface DigestSnapshotRow<Content> {
  week: string;
  kind: DigestKind;
  content: Content;
}

/** A case of an advisor's lists, as the figures read it. */
interface CaseLine {
  assignee_id: string;
  id: string;
  reference: string;
  startup_name: string;
}

/**
 * The `digests` table (one stored snapshot per person and week) and the digests' figures: every
 * statement a fan-out, a preview or the sender runs. The figures are set-based: each method is
 * one statement for every recipient at once (`ids`), whatever their number, so a run issues a
 * fixed number of queries. The case predicates come from src/domain/case-sql.ts.
 */
@Injectable()
export class DigestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the fan-out's lock until the caller's transaction ends. */
  async lockFanOut(em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [DIGEST_LOCK]);
  }

  /** Advisors and programme managers who want the digest and have none for `week` yet. */
  recipientsWithout(em: EntityManager, week: string): Promise<{ id: string; locale: 'fr' | 'en' }[]> {
    return em.query(
      `SELECT u.id, u.locale FROM users u
       WHERE u.role IN ('advisor', 'programme_manager') AND u.active AND u.erased_at IS NULL AND u.weekly_digest
         AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.user_id = u.id AND d.week = $1)`,
      [week],
    );
  }

  /** Stores the week's snapshots; those of people who already have one are skipped (not returned). */
  insertSnapshots<Content>(em: EntityManager, week: string, rows: { userId: string; kind: DigestKind; content: Content }[]): Promise<{ id: string; user_id: string; kind: DigestKind }[]> {
    return em.query(
      `INSERT INTO digests (user_id, week, kind, content)
       SELECT x.user_id, $1, x.kind, x.content FROM jsonb_to_recordset($2::jsonb) AS x(user_id uuid, kind text, content jsonb)
       ON CONFLICT (user_id, week) DO NOTHING RETURNING id, user_id, kind`,
      [week, JSON.stringify(rows.map((r) => ({ user_id: r.userId, kind: r.kind, content: r.content })))],
    );
  }

  async snapshot<Content>(em: EntityManager, digestId: string): Promise<DigestSnapshotRow<Content> | null> {
    const rows: DigestSnapshotRow<Content>[] = await em.query('SELECT week, kind, content FROM digests WHERE id = $1', [digestId]);
    return rows[0] ?? null;
  }

  /** An advisor or programme manager (not erased), for the admin's preview. */
  async digestReader(userId: string): Promise<{ id: string; role: 'advisor' | 'programme_manager'; full_name: string; locale: 'fr' | 'en' } | null> {
    const rows: { id: string; role: 'advisor' | 'programme_manager'; full_name: string; locale: 'fr' | 'en' }[] = await this.dataSource.query(
      `SELECT id, role, full_name, locale FROM users WHERE id = $1 AND erased_at IS NULL AND role IN ('advisor', 'programme_manager')`,
      [userId],
    );
    return rows[0] ?? null;
  }

  // -- advisors' figures ---------------------------------------------------------------------

  /** Active advisors (only those of `only` when given, with the very same SQL). */
  advisors(em: EntityManager, only: string[] | undefined): Promise<{ id: string }[]> {
    const userFilter = only ? 'AND u.id = ANY($1::uuid[])' : 'AND $1::uuid[] IS NULL';
    return em.query(`SELECT u.id FROM users u WHERE u.role = 'advisor' AND u.active AND u.erased_at IS NULL ${userFilter}`, [only ?? null]);
  }

  /** Open cases per assignee and status. */
  openByStatus(em: EntityManager, ids: string[]): Promise<{ assignee_id: string; status: OpenStatus; n: number }[]> {
    return em.query(`SELECT a.assignee_id, a.status, count(*)::int AS n FROM applications a WHERE ${openSql('a')} AND a.assignee_id = ANY($1::uuid[]) GROUP BY 1, 2`, [ids]);
  }

  /**
   * The running clocks due before `atRiskUntil`, breached (due before `now`) or not: the same
   * service-level conditions as the inbox's `sla` filter. Soonest first.
   */
  dueCases(em: EntityManager, ids: string[], now: Date, atRiskUntil: Date): Promise<(CaseLine & { kind: ServiceLevelKind; due_at: Date; breached: boolean })[]> {
    return em.query(
      `SELECT * FROM (
         SELECT a.assignee_id, a.id, a.reference, a.startup_name, 'first_response' AS kind, a.first_response_due_at AS due_at, a.first_response_due_at < $2 AS breached
         FROM applications a WHERE ${firstResponseRunningSql('a')} AND a.first_response_due_at <= $3 AND a.assignee_id = ANY($1::uuid[])
         UNION ALL
         SELECT a.assignee_id, a.id, a.reference, a.startup_name, 'decision', a.decision_due_at, a.decision_due_at < $2
         FROM applications a WHERE ${decisionRunningSql('a')} AND a.decision_due_at <= $3 AND a.assignee_id = ANY($1::uuid[])
       ) d ORDER BY due_at, reference`,
      [ids, now, atRiskUntil],
    );
  }

  /** The cases given to each advisor in [from, to) that they still hold: the latest such assignment of each. */
  assignedIn(em: EntityManager, ids: string[], from: Date, to: Date): Promise<(CaseLine & { status: CaseStatus; at: Date })[]> {
    return em.query(
      `SELECT DISTINCT ON (a.id) a.assignee_id, a.id, a.reference, a.startup_name, a.status, e.at
       FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.type = 'assigned' AND e.at >= $2 AND e.at < $3 AND a.assignee_id = ANY($1::uuid[]) AND (e.data->>'to')::uuid = a.assignee_id
       ORDER BY a.id, e.at DESC`,
      [ids, from, to],
    );
  }

  /** The cases waiting on their founder, with the business days waited by `now`; longest wait first. */
  waitingOnFounders(em: EntityManager, ids: string[], now: Date): Promise<(CaseLine & { paused_at: Date; days: number })[]> {
    return em.query(
      `SELECT a.assignee_id, a.id, a.reference, a.startup_name, a.paused_at, business_days_between(paris_day(a.paused_at), paris_day($2)) AS days
       FROM applications a WHERE ${decisionPausedSql('a')} AND a.assignee_id = ANY($1::uuid[]) ORDER BY a.paused_at`,
      [ids, now],
    );
  }

  /** Cases closed (decided or withdrawn) in [from, to), per assignee. */
  closedIn(em: EntityManager, ids: string[], from: Date, to: Date): Promise<{ assignee_id: string; n: number }[]> {
    return em.query(
      `SELECT a.assignee_id, count(*)::int AS n FROM applications a
       WHERE a.assignee_id = ANY($1::uuid[]) AND ${closedSql('a')}
         AND coalesce(a.decided_at, a.withdrawn_at) >= $2 AND coalesce(a.decided_at, a.withdrawn_at) < $3
       GROUP BY 1`,
      [ids, from, to],
    );
  }

  // -- managers' figures ---------------------------------------------------------------------

  /** Active programme managers of at least one programme (only those of `only` when given). */
  managers(em: EntityManager, only: string[] | undefined): Promise<{ id: string; programmes: string[] }[]> {
    const userFilter = only ? 'AND u.id = ANY($1::uuid[])' : 'AND $1::uuid[] IS NULL';
    return em.query(
      `SELECT u.id, u.programmes FROM users u WHERE u.role = 'programme_manager' AND u.active AND u.erased_at IS NULL AND cardinality(u.programmes) > 0 ${userFilter}`,
      [only ?? null],
    );
  }

  programmes(em: EntityManager, slugs: string[]): Promise<{ slug: string; kind: 'internal' | 'external'; name: { fr: string; en: string } }[]> {
    return em.query('SELECT slug, kind, name FROM programmes WHERE slug = ANY($1)', [slugs]);
  }

  /**
   * The funnel's moves in [from, to) per programme: submissions, withdrawals and decisions (a
   * decision counts under the programme it names, the rest under the case's inbox programme).
   */
  funnelMoves(em: EntityManager, from: Date, to: Date): Promise<{ programme: string; step: string; n: number }[]> {
    return em.query(
      `SELECT coalesce(CASE WHEN e.type = 'status_changed' THEN e.data->>'programme' END, a.inbox_programme) AS programme,
              CASE WHEN e.type = 'submitted' THEN 'submitted' WHEN e.type = 'withdrawn' THEN 'withdrawn' ELSE e.data->>'to' END AS step,
              count(*)::int AS n
       FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.at >= $1 AND e.at < $2
         AND (e.type IN ('submitted', 'withdrawn') OR (e.type = 'status_changed' AND ${statusIn(`e.data->>'to'`, DECIDED_STATUSES)}))
       GROUP BY 1, 2`,
      [from, to],
    );
  }

  /** The median hours from submission to first response, of the first responses in [from, to), per programme. */
  firstResponseMedians(em: EntityManager, slugs: string[], from: Date, to: Date): Promise<{ programme: string; median: number | null }[]> {
    return em.query(
      `SELECT inbox_programme AS programme, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - submitted_at) / 3600) AS median
       FROM applications WHERE first_responded_at >= $1 AND first_responded_at < $2 AND inbox_programme = ANY($3) GROUP BY 1`,
      [from, to, slugs],
    );
  }

  /** The median business days from submission to decision, of the decisions in [from, to), per programme. */
  decisionMedians(em: EntityManager, slugs: string[], from: Date, to: Date): Promise<{ programme: string; median: number | null }[]> {
    return em.query(
      `SELECT inbox_programme AS programme, percentile_cont(0.5) WITHIN GROUP (ORDER BY business_days_between(paris_day(submitted_at), paris_day(decided_at))) AS median
       FROM applications WHERE decided_at >= $1 AND decided_at < $2 AND inbox_programme = ANY($3) GROUP BY 1`,
      [from, to, slugs],
    );
  }

  /** Service-level breaches recorded in [from, to), per programme. */
  breaches(em: EntityManager, slugs: string[], from: Date, to: Date): Promise<{ programme: string; n: number }[]> {
    return em.query(
      `SELECT a.inbox_programme AS programme, count(*)::int AS n FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.type = 'sla_breached' AND e.at >= $1 AND e.at < $2 AND a.inbox_programme = ANY($3) GROUP BY 1`,
      [from, to, slugs],
    );
  }

  /** The cohorts not ended by `now` (Paris day), with their seats taken, in starting order. */
  openCohorts(em: EntityManager, slugs: string[], now: Date): Promise<{ programme: string; id: string; name: string; capacity: number; enrolled: number }[]> {
    return em.query(
      `SELECT c.programme, c.id, c.name, c.capacity, (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolled
       FROM cohorts c WHERE c.programme = ANY($1) AND c.ends_on >= paris_day($2) ORDER BY c.starts_on`,
      [slugs, now],
    );
  }

  /** The most recent `limit` overdue milestones (pending past their due day) per programme. */
  overdueMilestones(
    em: EntityManager,
    slugs: string[],
    now: Date,
    limit: number,
  ): Promise<{ programme: string; application_id: string; reference: string; startup_name: string; cohort_name: string; title: string; due_on: string }[]> {
    return em.query(
      `SELECT programme, application_id, reference, startup_name, cohort_name, title, due_on FROM (
         SELECT e.programme, a.id AS application_id, a.reference, a.startup_name, c.name AS cohort_name, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on,
                row_number() OVER (PARTITION BY e.programme ORDER BY m.due_on DESC, a.reference) AS rank
         FROM milestones m JOIN cohorts c ON c.id = m.cohort_id JOIN enrolments e ON e.cohort_id = c.id JOIN applications a ON a.id = e.application_id
         LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
         WHERE e.programme = ANY($1) AND m.due_on < paris_day($2) AND coalesce(p.status, 'pending') = 'pending'
       ) ranked WHERE rank <= $3 ORDER BY due_on, reference`,
      [slugs, now, limit],
    );
  }
}
