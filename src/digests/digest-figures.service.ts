import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { startOfParisDay } from '../cases/business-calendar';
import { atRiskThreshold } from '../cases/service-level';
import type { ManagerProgrammeDigest, ServiceLevelKind, WeeklyDigestAdvisorContext } from '../notifications/templates/template-contexts';
import type { CaseStatus } from '../cases/case-state-machine';

/** Dates travel as ISO strings in the stored snapshot; the composer turns them back into Dates. */
type Serialised<T> = T extends Date ? string : T extends (infer U)[] ? Serialised<U>[] : T extends object ? { [K in keyof T]: Serialised<T[K]> } : T;

export type AdvisorDigestContent = Serialised<Pick<WeeklyDigestAdvisorContext, 'openByStatus' | 'openTotal' | 'atRisk' | 'breached' | 'newThisWeek' | 'waitingOnFounders' | 'closedLastWeek'>>;
export interface ManagerDigestContent {
  programmes: Serialised<ManagerProgrammeDigest>[];
}

export interface DigestPeriod {
  /** first instant of the period (Monday 00:00 Paris, a week before the digest's Monday) */
  from: Date;
  /** first instant after the period (the digest's Monday 00:00 Paris) */
  to: Date;
  /** the time the figures are taken at */
  now: Date;
}

export function periodOf(startsOn: string, monday: string, now: Date): DigestPeriod {
  return { from: startOfParisDay(startsOn), to: startOfParisDay(monday), now };
}

/**
 * The digests' figures, computed set-based for every recipient at once: a fixed number of
 * queries per run, whatever the number of recipients or cases (no query per recipient).
 * `only` restricts to some users (the admin's preview) with the very same SQL.
 */
@Injectable()
export class DigestFiguresService {
  /** Queries issued by the last call, for the benchmark and the closing note. */
  lastQueryCount = 0;

  async advisors(em: EntityManager, period: DigestPeriod, only?: string[]): Promise<Map<string, AdvisorDigestContent>> {
    this.lastQueryCount = 0;
    const q = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
      this.lastQueryCount++;
      return em.query(sql, params);
    };
    const userFilter = only ? 'AND u.id = ANY($1::uuid[])' : 'AND $1::uuid[] IS NULL';
    const users = await q<{ id: string }>(`SELECT u.id FROM users u WHERE u.role = 'advisor' AND u.active AND u.erased_at IS NULL ${userFilter}`, [only ?? null]);
    const out = new Map<string, AdvisorDigestContent>();
    for (const u of users) {
      out.set(u.id, { openByStatus: { submitted: 0, in_review: 0, info_requested: 0 }, openTotal: 0, atRisk: [], breached: [], newThisWeek: [], waitingOnFounders: [], closedLastWeek: 0 });
    }
    if (out.size === 0) return out;
    const ids = [...out.keys()];

    const open = await q<{ assignee_id: string; status: 'submitted' | 'in_review' | 'info_requested'; n: number }>(
      `SELECT assignee_id, status, count(*)::int AS n FROM applications
       WHERE status IN ('submitted', 'in_review', 'info_requested') AND assignee_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [ids],
    );
    for (const row of open) {
      const d = out.get(row.assignee_id);
      if (!d) continue;
      d.openByStatus[row.status] = row.n;
      d.openTotal += row.n;
    }

    // the same service-level conditions as the inbox's `sla` filter
    const due = await q<{ assignee_id: string; id: string; reference: string; startup_name: string; kind: ServiceLevelKind; due_at: Date; breached: boolean }>(
      `SELECT * FROM (
         SELECT a.assignee_id, a.id, a.reference, a.startup_name, 'first_response' AS kind, a.first_response_due_at AS due_at, a.first_response_due_at < $2 AS breached
         FROM applications a WHERE a.status = 'submitted' AND a.first_responded_at IS NULL AND a.first_response_due_at <= $3 AND a.assignee_id = ANY($1::uuid[])
         UNION ALL
         SELECT a.assignee_id, a.id, a.reference, a.startup_name, 'decision', a.decision_due_at, a.decision_due_at < $2
         FROM applications a WHERE a.status IN ('submitted', 'in_review') AND a.decision_due_at <= $3 AND a.assignee_id = ANY($1::uuid[])
       ) d ORDER BY due_at, reference`,
      [ids, period.now, atRiskThreshold(period.now)],
    );
    for (const row of due) {
      const entry = { id: row.id, reference: row.reference, startupName: row.startup_name, serviceLevel: row.kind, dueAt: row.due_at.toISOString() };
      out.get(row.assignee_id)?.[row.breached ? 'breached' : 'atRisk'].push(entry);
    }

    const assigned = await q<{ assignee_id: string; id: string; reference: string; startup_name: string; status: CaseStatus; at: Date }>(
      `SELECT DISTINCT ON (a.id) a.assignee_id, a.id, a.reference, a.startup_name, a.status, e.at
       FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.type = 'assigned' AND e.at >= $2 AND e.at < $3 AND a.assignee_id = ANY($1::uuid[]) AND (e.data->>'to')::uuid = a.assignee_id
       ORDER BY a.id, e.at DESC`,
      [ids, period.from, period.to],
    );
    for (const row of assigned.sort((x, y) => x.at.getTime() - y.at.getTime())) {
      out.get(row.assignee_id)?.newThisWeek.push({ id: row.id, reference: row.reference, startupName: row.startup_name, assignedAt: row.at.toISOString(), status: row.status });
    }

    const waiting = await q<{ assignee_id: string; id: string; reference: string; startup_name: string; paused_at: Date; days: number }>(
      `SELECT a.assignee_id, a.id, a.reference, a.startup_name, a.paused_at, business_days_between(paris_day(a.paused_at), paris_day($2)) AS days
       FROM applications a WHERE a.status = 'info_requested' AND a.assignee_id = ANY($1::uuid[]) ORDER BY a.paused_at`,
      [ids, period.now],
    );
    for (const row of waiting) {
      out.get(row.assignee_id)?.waitingOnFounders.push({ id: row.id, reference: row.reference, startupName: row.startup_name, requestedAt: row.paused_at.toISOString(), businessDaysWaiting: row.days });
    }

    const closed = await q<{ assignee_id: string; n: number }>(
      `SELECT assignee_id, count(*)::int AS n FROM applications
       WHERE assignee_id = ANY($1::uuid[]) AND status IN ('accepted', 'referred', 'declined', 'withdrawn')
         AND coalesce(decided_at, withdrawn_at) >= $2 AND coalesce(decided_at, withdrawn_at) < $3
       GROUP BY 1`,
      [ids, period.from, period.to],
    );
    for (const row of closed) {
      const d = out.get(row.assignee_id);
      if (d) d.closedLastWeek = row.n;
    }
    // an email is not a report: the most urgent of each list (the inbox has the rest)
    for (const d of out.values()) {
      d.breached = d.breached.slice(0, DIGEST_LIST_LIMIT);
      d.atRisk = d.atRisk.slice(0, DIGEST_LIST_LIMIT);
      d.newThisWeek = d.newThisWeek.slice(-DIGEST_LIST_LIMIT);
      d.waitingOnFounders = d.waitingOnFounders.slice(0, DIGEST_LIST_LIMIT);
    }
    return out;
  }

  async managers(em: EntityManager, period: DigestPeriod, locale: (userId: string) => 'fr' | 'en', only?: string[]): Promise<Map<string, ManagerDigestContent>> {
    this.lastQueryCount = 0;
    const q = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
      this.lastQueryCount++;
      return em.query(sql, params);
    };
    const userFilter = only ? 'AND u.id = ANY($1::uuid[])' : 'AND $1::uuid[] IS NULL';
    const managers = await q<{ id: string; programmes: string[] }>(
      `SELECT u.id, u.programmes FROM users u WHERE u.role = 'programme_manager' AND u.active AND u.erased_at IS NULL AND cardinality(u.programmes) > 0 ${userFilter}`,
      [only ?? null],
    );
    const slugs = [...new Set(managers.flatMap((m) => m.programmes))];
    const out = new Map<string, ManagerDigestContent>();
    if (managers.length === 0) return out;

    const programmes = await q<{ slug: string; kind: 'internal' | 'external'; name: { fr: string; en: string } }>('SELECT slug, kind, name FROM programmes WHERE slug = ANY($1)', [slugs]);
    const funnel = await q<{ programme: string; step: string; n: number }>(
      `SELECT coalesce(CASE WHEN e.type = 'status_changed' THEN e.data->>'programme' END, a.inbox_programme) AS programme,
              CASE WHEN e.type = 'submitted' THEN 'submitted' WHEN e.type = 'withdrawn' THEN 'withdrawn' ELSE e.data->>'to' END AS step,
              count(*)::int AS n
       FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.at >= $1 AND e.at < $2
         AND (e.type IN ('submitted', 'withdrawn') OR (e.type = 'status_changed' AND e.data->>'to' IN ('accepted', 'referred', 'declined')))
       GROUP BY 1, 2`,
      [period.from, period.to],
    );
    const firstResponse = await q<{ programme: string; median: number | null }>(
      `SELECT inbox_programme AS programme, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - submitted_at) / 3600) AS median
       FROM applications WHERE first_responded_at >= $1 AND first_responded_at < $2 AND inbox_programme = ANY($3) GROUP BY 1`,
      [period.from, period.to, slugs],
    );
    const decision = await q<{ programme: string; median: number | null }>(
      `SELECT inbox_programme AS programme, percentile_cont(0.5) WITHIN GROUP (ORDER BY business_days_between(paris_day(submitted_at), paris_day(decided_at))) AS median
       FROM applications WHERE decided_at >= $1 AND decided_at < $2 AND inbox_programme = ANY($3) GROUP BY 1`,
      [period.from, period.to, slugs],
    );
    const breaches = await q<{ programme: string; n: number }>(
      `SELECT a.inbox_programme AS programme, count(*)::int AS n FROM case_events e JOIN applications a ON a.id = e.application_id
       WHERE e.type = 'sla_breached' AND e.at >= $1 AND e.at < $2 AND a.inbox_programme = ANY($3) GROUP BY 1`,
      [period.from, period.to, slugs],
    );
    const extras = await this.programmeExtras(em, period, slugs);
    this.lastQueryCount += extras.queries;

    const round = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : Math.round(Number(x) * 10) / 10);
    for (const m of managers) {
      const lang = locale(m.id);
      out.set(m.id, {
        programmes: m.programmes
          .map((slug) => programmes.find((p) => p.slug === slug))
          .filter((p): p is NonNullable<typeof p> => p !== undefined)
          .map((p) => {
            const steps = funnel.filter((f) => f.programme === p.slug);
            const count = (step: string): number => steps.find((f) => f.step === step)?.n ?? 0;
            return {
              slug: p.slug,
              name: p.name[lang],
              kind: p.kind,
              funnel: { submitted: count('submitted'), accepted: count('accepted'), referred: count('referred'), declined: count('declined'), withdrawn: count('withdrawn') },
              medianHoursToFirstResponse: round(firstResponse.find((f) => f.programme === p.slug)?.median),
              medianBusinessDaysToDecision: round(decision.find((f) => f.programme === p.slug)?.median),
              openCohorts: extras.cohorts.get(p.slug) ?? [],
              overdueMilestones: extras.overdue.get(p.slug) ?? [],
              breaches: breaches.find((b) => b.programme === p.slug)?.n ?? 0,
            };
          }),
      });
    }
    return out;
  }

  /** Seats left in open cohorts (not ended) and overdue milestones (pending past due), per programme: two queries. */
  private async programmeExtras(em: EntityManager, period: DigestPeriod, slugs: string[]): Promise<ProgrammeExtras> {
    const cohorts = new Map<string, ManagerProgrammeDigest['openCohorts']>();
    const overdue = new Map<string, ManagerProgrammeDigest['overdueMilestones']>();
    const seatRows: { programme: string; id: string; name: string; capacity: number; enrolled: number }[] = await em.query(
      `SELECT c.programme, c.id, c.name, c.capacity, (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolled
       FROM cohorts c WHERE c.programme = ANY($1) AND c.ends_on >= paris_day($2) ORDER BY c.starts_on`,
      [slugs, period.now],
    );
    for (const r of seatRows) cohorts.set(r.programme, [...(cohorts.get(r.programme) ?? []), { id: r.id, name: r.name, capacity: r.capacity, seatsLeft: Math.max(0, r.capacity - r.enrolled) }]);
    // the most recent overdue milestones per programme (an email is not a report: the dashboard has the rest)
    const late: { programme: string; application_id: string; reference: string; startup_name: string; cohort_name: string; title: string; due_on: string }[] = await em.query(
      `SELECT programme, application_id, reference, startup_name, cohort_name, title, due_on FROM (
         SELECT e.programme, a.id AS application_id, a.reference, a.startup_name, c.name AS cohort_name, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on,
                row_number() OVER (PARTITION BY e.programme ORDER BY m.due_on DESC, a.reference) AS rank
         FROM milestones m JOIN cohorts c ON c.id = m.cohort_id JOIN enrolments e ON e.cohort_id = c.id JOIN applications a ON a.id = e.application_id
         LEFT JOIN milestone_progress p ON p.milestone_id = m.id AND p.enrolment_id = e.id
         WHERE e.programme = ANY($1) AND m.due_on < paris_day($2) AND coalesce(p.status, 'pending') = 'pending'
       ) ranked WHERE rank <= ${DIGEST_LIST_LIMIT} ORDER BY due_on, reference`,
      [slugs, period.now],
    );
    for (const r of late) {
      overdue.set(r.programme, [
        ...(overdue.get(r.programme) ?? []),
        { applicationId: r.application_id, reference: r.reference, startupName: r.startup_name, cohortName: r.cohort_name, title: r.title, dueOn: r.due_on },
      ]);
    }
    return { cohorts, overdue, queries: 2 };
  }
}

export interface ProgrammeExtras {
  cohorts: Map<string, ManagerProgrammeDigest['openCohorts']>;
  overdue: Map<string, ManagerProgrammeDigest['overdueMilestones']>;
  queries: number;
}

/** At most this many cases per list in a digest email. */
export const DIGEST_LIST_LIMIT = 25;

export function advisorHasNews(d: AdvisorDigestContent): boolean {
  return d.openTotal > 0 || d.closedLastWeek > 0 || d.newThisWeek.length > 0;
}

/**
 * Something happened or needs doing: a move in a funnel, a response or a decision, a breach, an
 * overdue milestone. Open cohorts alone are standing facts, not news: a quiet week sends nothing
 * (an all-zero digest teaches people to ignore the next one).
 */
export function managerHasNews(d: ManagerDigestContent): boolean {
  return d.programmes.some(
    (p) =>
      Object.values(p.funnel).some((n) => n > 0) ||
      p.breaches > 0 ||
      p.overdueMilestones.length > 0 ||
      p.medianHoursToFirstResponse !== null ||
      p.medianBusinessDaysToDecision !== null,
  );
}
