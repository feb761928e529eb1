import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { startOfParisDay } from '../domain/business-calendar';
import { atRiskThreshold } from '../domain/service-level';
import type { ManagerProgrammeDigest, WeeklyDigestAdvisorContext } from '../notifications/templates/template-contexts';
import { DigestsRepository } from './digests.repository';

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

/** Figures and the number of SQL statements they took (the benchmark checks it does not grow with the recipients). */
export interface CountedFigures<T> {
  figures: Map<string, T>;
  queries: number;
}

/**
 * The digests' figures, computed set-based for every recipient at once: a fixed number of
 * queries per run, whatever the number of recipients or cases (no query per recipient); the
 * SQL is DigestsRepository's. `only` restricts to some users (the admin's preview) with the
 * very same SQL. Each call answers how many statements it ran.
 */
@Injectable()
export class DigestFiguresService {
  constructor(private readonly repository: DigestsRepository) {}

  async advisors(em: EntityManager, period: DigestPeriod, only?: string[]): Promise<CountedFigures<AdvisorDigestContent>> {
    let queries = 0;
    const counted = <T>(statement: Promise<T>): Promise<T> => {
      queries++;
      return statement;
    };
    const users = await counted(this.repository.advisors(em, only));
    const out = new Map<string, AdvisorDigestContent>();
    for (const u of users) {
      out.set(u.id, { openByStatus: { submitted: 0, in_review: 0, info_requested: 0 }, openTotal: 0, atRisk: [], breached: [], newThisWeek: [], waitingOnFounders: [], closedLastWeek: 0 });
    }
    if (out.size === 0) return { figures: out, queries };
    const ids = [...out.keys()];

    for (const row of await counted(this.repository.openByStatus(em, ids))) {
      const d = out.get(row.assignee_id);
      if (!d) continue;
      d.openByStatus[row.status] = row.n;
      d.openTotal += row.n;
    }

    for (const row of await counted(this.repository.dueCases(em, ids, period.now, atRiskThreshold(period.now)))) {
      const entry = { id: row.id, reference: row.reference, startupName: row.startup_name, serviceLevel: row.kind, dueAt: row.due_at.toISOString() };
      out.get(row.assignee_id)?.[row.breached ? 'breached' : 'atRisk'].push(entry);
    }

    const assigned = await counted(this.repository.assignedIn(em, ids, period.from, period.to));
    for (const row of assigned.sort((x, y) => x.at.getTime() - y.at.getTime())) {
      out.get(row.assignee_id)?.newThisWeek.push({ id: row.id, reference: row.reference, startupName: row.startup_name, assignedAt: row.at.toISOString(), status: row.status });
    }

    for (const row of await counted(this.repository.waitingOnFounders(em, ids, period.now))) {
      out.get(row.assignee_id)?.waitingOnFounders.push({ id: row.id, reference: row.reference, startupName: row.startup_name, requestedAt: row.paused_at.toISOString(), businessDaysWaiting: row.days });
    }

    for (const row of await counted(this.repository.closedIn(em, ids, period.from, period.to))) {
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
    return { figures: out, queries };
  }

  async managers(em: EntityManager, period: DigestPeriod, locale: (userId: string) => 'fr' | 'en', only?: string[]): Promise<CountedFigures<ManagerDigestContent>> {
    let queries = 0;
    const counted = <T>(statement: Promise<T>): Promise<T> => {
      queries++;
      return statement;
    };
    const managers = await counted(this.repository.managers(em, only));
    const slugs = [...new Set(managers.flatMap((m) => m.programmes))];
    const out = new Map<string, ManagerDigestContent>();
    if (managers.length === 0) return { figures: out, queries };

    const programmes = await counted(this.repository.programmes(em, slugs));
    const funnel = await counted(this.repository.funnelMoves(em, period.from, period.to));
    const firstResponse = await counted(this.repository.firstResponseMedians(em, slugs, period.from, period.to));
    const decision = await counted(this.repository.decisionMedians(em, slugs, period.from, period.to));
    const breaches = await counted(this.repository.breaches(em, slugs, period.from, period.to));
    // seats left in open cohorts (not ended) and overdue milestones (pending past due), per programme
    const cohorts = new Map<string, ManagerProgrammeDigest['openCohorts']>();
    for (const r of await counted(this.repository.openCohorts(em, slugs, period.now))) {
      cohorts.set(r.programme, [...(cohorts.get(r.programme) ?? []), { id: r.id, name: r.name, capacity: r.capacity, seatsLeft: Math.max(0, r.capacity - r.enrolled) }]);
    }
    // the most recent overdue milestones per programme (an email is not a report: the dashboard has the rest)
    const overdue = new Map<string, ManagerProgrammeDigest['overdueMilestones']>();
    for (const r of await counted(this.repository.overdueMilestones(em, slugs, period.now, DIGEST_LIST_LIMIT))) {
      overdue.set(r.programme, [
        ...(overdue.get(r.programme) ?? []),
        { applicationId: r.application_id, reference: r.reference, startupName: r.startup_name, cohortName: r.cohort_name, title: r.title, dueOn: r.due_on },
      ]);
    }

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
              openCohorts: cohorts.get(p.slug) ?? [],
              overdueMilestones: overdue.get(p.slug) ?? [],
              breaches: breaches.find((b) => b.programme === p.slug)?.n ?? 0,
            };
          }),
      });
    }
    return { figures: out, queries };
  }
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
