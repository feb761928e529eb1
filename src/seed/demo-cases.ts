/**
 * Generates the demo cases, one batch at a time, as column arrays ready for bulk loading.
 *
 * Each case is simulated forward in time from its submission with random but realistic delays
 * (assignment, first response, requests for information and the founder's answers, decision,
 * withdrawal, notes, messages, enrolment in a cohort) and cut at "now": young cases are still
 * open, old ones decided, and a few slow ones are still open and late. Every move is one the
 * state machine allows, done by the role it allows; the row's clocks are what the app would
 * hold (due dates from src/domain/service-level.ts, the decision clock moved by each pause), and
 * the service-level events the reminder scan would have written are there, so a worker started
 * on the demo database has nothing to catch up on. The timeline of each case is hash-chained
 * exactly as appendCaseEvent does (src/timeline/event-hash.ts).
 */
import { randomUUID } from 'node:crypto';
import { subtractMonths } from '../routing/iso-date';
import { createHash } from 'node:crypto';
import { eventHash } from '../timeline/event-hash';
import type { DemoCalendar } from './demo-calendar';
import { sirenFrom, type DemoProfile } from './demo-profiles';
import { DECLINE_REASONS, FIRST_NAMES, FOUNDER_REPLIES, INFO_REQUESTS, LAST_NAMES, NAME_CORES, NAME_PREFIXES, NAME_SUFFIXES, NOTES, STAFF_MESSAGES, SUMMARY_WHAT, WITHDRAW_REASONS } from './demo-words';
import { exponential, intBetween, logNormal, pick, type Random } from './random';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEMO_EMAIL_DOMAIN = 'demo.guichet.example';

export interface DemoAdvisor {
  id: string;
  programmes: string[];
  languages: string[];
  capacity: number;
  /** open cases assigned (as of now) */
  load: number;
  lastAssignedMs: number;
}

export interface DemoManager {
  id: string;
  programmes: string[];
}

export interface DemoMilestone {
  id: string;
  dueIdx: number;
}

export interface DemoCohort {
  id: string;
  programme: string;
  name: string;
  startsIdx: number;
  endsIdx: number;
  capacity: number;
  enrolled: number;
  milestones: DemoMilestone[];
}

export interface DemoFounder {
  id: string;
  locale: 'fr' | 'en';
}

export interface CaseFactoryOptions {
  random: Random;
  calendar: DemoCalendar;
  now: Date;
  /** index in the calendar of the first day cases may be submitted on */
  windowStartIdx: number;
  profiles: DemoProfile[];
  programmeKinds: Map<string, 'internal' | 'external'>;
  rulesVersionsJson: string;
  advisors: DemoAdvisor[];
  managers: DemoManager[];
  adminId: string;
  cohorts: DemoCohort[];
  /** founders that exist already (top-up), and the number the next one gets */
  founders: DemoFounder[];
  nextFounderNumber: number;
  /** founders to create in this run, spread over its cases */
  newFounders: number;
  /** cases to create in this run */
  cases: number;
  passwordHash: string;
}

/** One batch of rows, column by column (see demo-seed.ts for the column types). */
export interface CaseBatch {
  users: Record<string, unknown[]>;
  applications: Record<string, unknown[]>;
  events: Record<string, unknown[]>;
  messages: Record<string, unknown[]>;
  notes: Record<string, unknown[]>;
  enrolments: Record<string, unknown[]>;
  progress: Record<string, unknown[]>;
  cases: number;
  eventCount: number;
}

type Status = 'draft' | 'submitted' | 'in_review' | 'info_requested' | 'accepted' | 'referred' | 'declined' | 'withdrawn';
type Who = 'founder' | 'staff' | 'manager' | 'assigner' | 'system';

interface Step {
  t: number;
  type: 'assigned' | 'status_changed' | 'withdrawn' | 'message_posted' | 'note_added' | 'application_updated' | 'sla_at_risk' | 'sla_breached' | 'enrolled';
  who: Who;
  from?: Status;
  to?: Status;
  programme?: string | null;
  reason?: string | null;
  /** a message written with the step (info request, withdrawal reason, thread message) */
  message?: string;
  note?: string;
  data?: Record<string, unknown>;
  /** the application row changes (version + 1) */
  bumps: boolean;
}

function columns(names: string[]): Record<string, unknown[]> {
  return Object.fromEntries(names.map((n) => [n, [] as unknown[]]));
}

export const APPLICATION_COLUMNS_SEEDED = [
  'id', 'reference', 'owner_id', 'assignee_id', 'status', 'version', 'programme', 'startup_name', 'project_summary', 'stage', 'trl',
  'domains', 'needs', 'incorporated', 'incorporation_date', 'siren', 'academic_affiliation', 'looking_for_cofounder', 'team_size',
  'funding_sought_eur', 'website', 'locale', 'recommendations', 'rules_versions', 'top_programme', 'submitted_at', 'first_response_due_at',
  'first_responded_at', 'decision_due_at', 'decided_at', 'first_decided_at', 'paused_at', 'withdrawn_at', 'created_at', 'updated_at',
];
export const EVENT_COLUMNS = ['application_id', 'seq', 'at', 'type', 'actor_id', 'actor_role', 'public', 'data', 'prev_hash', 'hash'];
export const USER_COLUMNS = ['id', 'email', 'password_hash', 'full_name', 'role', 'locale', 'email_verified_at', 'created_at', 'updated_at'];
export const MESSAGE_COLUMNS = ['id', 'application_id', 'author_id', 'author_role', 'body', 'created_at'];
export const NOTE_COLUMNS = ['id', 'application_id', 'author_id', 'body', 'created_at'];
export const ENROLMENT_COLUMNS = ['id', 'cohort_id', 'application_id', 'programme', 'enrolled_by', 'created_at'];
export const PROGRESS_COLUMNS = ['enrolment_id', 'milestone_id', 'status', 'note', 'updated_by', 'updated_at'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** eventHash()'s digest over an already canonical event (see addEvent). */
function chainHash(prevHash: string | null, canonical: string): string {
  return createHash('sha256').update(prevHash ?? 'genesis').update('\n').update(canonical).digest('hex');
}
const pgList = (values: readonly string[]): string => `{${values.join(',')}}`;

export function personName(random: Random): string {
  return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
}

export function startupName(random: Random): string {
  return `${pick(random, NAME_PREFIXES)}${pick(random, NAME_CORES)}${pick(random, NAME_SUFFIXES)}`;
}

export class CaseFactory {
  private generated = 0;
  private foundersCreated = 0;
  private readonly nowMs: number;
  private readonly windowStartMs: number;
  private readonly windowMs: number;
  private readonly draftFromMs: number;
  /** advisors by programme and language, for assignment */
  private readonly covering = new Map<string, DemoAdvisor[]>();
  private readonly managersOf = new Map<string, DemoManager[]>();
  private readonly cohortsOf = new Map<string, DemoCohort[]>();
  private readonly todayIdx: number;
  private checked = 0;
  private planned: { submittedMs: number; createdMs: number; draft: boolean }[] = [];

  constructor(private readonly o: CaseFactoryOptions) {
    this.nowMs = o.now.getTime();
    this.windowStartMs = o.calendar.startMs[o.windowStartIdx];
    this.windowMs = this.nowMs - 10 * MINUTE - this.windowStartMs;
    // drafts older than 180 days are deleted by retention: the demo's drafts are recent
    this.draftFromMs = this.nowMs - 150 * DAY;
    this.todayIdx = o.calendar.dayOf(this.nowMs);
    for (const a of o.advisors) {
      for (const p of a.programmes) {
        for (const l of a.languages) {
          const key = `${p}|${l}`;
          this.covering.set(key, [...(this.covering.get(key) ?? []), a]);
        }
      }
    }
    for (const m of o.managers) for (const p of m.programmes) this.managersOf.set(p, [...(this.managersOf.get(p) ?? []), m]);
    for (const c of o.cohorts) this.cohortsOf.set(c.programme, [...(this.cohortsOf.get(c.programme) ?? []), c]);
    for (const list of this.cohortsOf.values()) list.sort((a, b) => a.startsIdx - b.startsIdx);
  }

  get done(): boolean {
    return this.generated >= this.o.cases;
  }

  get founders(): number {
    return this.foundersCreated;
  }

  /**
   * Plans the next `size` cases (fewer at the end): their submission and creation instants.
   * Returns the Paris year of creation of each, which gives its reference (GU-<year>-<n>): the
   * caller reserves that many numbers per year from reference_counters, then calls build().
   */
  plan(size: number): number[] {
    const end = Math.min(this.o.cases, this.generated + size);
    this.planned = [];
    for (let j = this.generated; j < end; j++) {
      const submittedMs = this.submissionMs(j);
      const draft = submittedMs >= this.draftFromMs && this.o.random() < 0.07;
      const createdMs = draft ? submittedMs : submittedMs - Math.max(10 * MINUTE, Math.round(exponential(this.o.random, 2 * DAY)));
      this.planned.push({ submittedMs, createdMs, draft });
    }
    const cal = this.o.calendar;
    return this.planned.map((p) => Number(cal.days[cal.dayOf(p.createdMs)].slice(0, 4)));
  }

  /** Builds the planned cases; `references[i]` is the reference of the i-th planned case. */
  build(references: string[]): CaseBatch {
    const batch: CaseBatch = {
      users: columns(USER_COLUMNS),
      applications: columns(APPLICATION_COLUMNS_SEEDED),
      events: columns(EVENT_COLUMNS),
      messages: columns(MESSAGE_COLUMNS),
      notes: columns(NOTE_COLUMNS),
      enrolments: columns(ENROLMENT_COLUMNS),
      progress: columns(PROGRESS_COLUMNS),
      cases: 0,
      eventCount: 0,
    };
    if (references.length !== this.planned.length) throw new Error('build() needs one reference per planned case');
    this.planned.forEach((plan, i) => {
      this.generateCase(batch, this.generated, plan, references[i]);
      this.generated++;
      batch.cases++;
    });
    this.planned = [];
    return batch;
  }

  // ------------------------------------------------------------------------------------------

  /** Submissions grow over the window (density rising from 0.6 to 1.4): the inverse of its CDF. */
  private submissionMs(j: number): number {
    const u = (j + this.o.random()) / this.o.cases;
    const x = (-0.6 + Math.sqrt(0.36 + 1.6 * u)) / 0.8;
    const raw = this.windowStartMs + x * this.windowMs;
    // founders write in the day and evening, Paris time
    const cal = this.o.calendar;
    const day = cal.dayOf(raw);
    const hours = 7 + 16 * this.o.random() ** 0.8;
    return Math.min(cal.at(day, hours), this.nowMs - MINUTE);
  }

  private founderFor(batch: CaseBatch, j: number, createdMs: number): DemoFounder {
    const o = this.o;
    const due = Math.ceil((o.newFounders * (j + 1)) / o.cases);
    if (this.foundersCreated < due || o.founders.length === 0) {
      const number = o.nextFounderNumber + this.foundersCreated;
      this.foundersCreated++;
      const founder: DemoFounder = { id: randomUUID(), locale: o.random() < 0.82 ? 'fr' : 'en' };
      const at = iso(createdMs - Math.round(MINUTE + o.random() * 2 * HOUR));
      const u = batch.users;
      u.id.push(founder.id);
      u.email.push(`founder-${String(number).padStart(7, '0')}@${DEMO_EMAIL_DOMAIN}`);
      u.password_hash.push(o.passwordHash);
      u.full_name.push(personName(o.random));
      u.role.push('founder');
      u.locale.push(founder.locale);
      u.email_verified_at.push(at);
      u.created_at.push(at);
      u.updated_at.push(at);
      o.founders.push(founder);
      return founder;
    }
    // a returning founder: more often a recent one
    const n = o.founders.length;
    return o.founders[n - 1 - Math.floor(n * o.random() ** 2)];
  }

  private generateCase(batch: CaseBatch, j: number, plan: { submittedMs: number; createdMs: number; draft: boolean }, reference: string): void {
    const o = this.o;
    const r = o.random;
    const cal = o.calendar;
    const { submittedMs, createdMs, draft } = plan;
    const founder = this.founderFor(batch, j, Math.max(createdMs - MINUTE, this.windowStartMs - 30 * DAY));
    const profileIndex = Math.floor(r() * o.profiles.length);
    const profile = o.profiles[profileIndex];
    const name = startupName(r);
    const id = randomUUID();
    const submitDay = cal.dayOf(submittedMs);
    const a = batch.applications;

    const summary = `${name} builds ${pick(r, SUMMARY_WHAT)}. We are a team of ${profile.teamSize} at the ${profile.stage.replace(/_/g, ' ')} stage and we ask the campus for ${profile.needs.join(', ').replace(/_/g, ' ')} to reach our next milestone.`;
    const incorporationDate = profile.incorporatedMonthsBefore === null ? null : subtractMonths(cal.days[submitDay], profile.incorporatedMonthsBefore);
    const website = r() < 0.6 ? `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example` : null;
    const siren = profile.incorporated && r() < 0.6 ? sirenFrom(r) : null;

    a.id.push(id);
    a.reference.push(reference);
    a.owner_id.push(founder.id);
    a.startup_name.push(name);
    a.locale.push(founder.locale);
    a.created_at.push(iso(createdMs));

    if (draft) {
      // a draft in progress: some fields filled, nothing routed, no timeline
      const filled = r();
      const updatedMs = Math.min(this.nowMs - MINUTE, createdMs + Math.round(exponential(r, DAY)));
      a.assignee_id.push(null);
      a.status.push('draft');
      a.version.push(1 + Math.floor(filled * 3));
      a.programme.push(null);
      a.project_summary.push(filled > 0.3 ? summary : null);
      a.stage.push(filled > 0.2 ? profile.stage : null);
      a.trl.push(filled > 0.5 ? profile.trl : null);
      a.domains.push(filled > 0.4 ? pgList(profile.domains) : null);
      a.needs.push(filled > 0.6 ? pgList(profile.needs) : null);
      a.incorporated.push(filled > 0.5 ? profile.incorporated : null);
      a.incorporation_date.push(filled > 0.5 && profile.incorporated ? incorporationDate : null);
      a.siren.push(filled > 0.5 ? siren : null);
      a.academic_affiliation.push(filled > 0.7 ? profile.academicAffiliation : null);
      a.looking_for_cofounder.push(filled > 0.7 ? profile.lookingForCofounder : null);
      a.team_size.push(filled > 0.7 ? profile.teamSize : null);
      a.funding_sought_eur.push(filled > 0.8 ? profile.fundingSoughtEur : null);
      a.website.push(filled > 0.5 ? website : null);
      for (const c of ['recommendations', 'rules_versions', 'top_programme', 'submitted_at', 'first_response_due_at', 'first_responded_at', 'decision_due_at', 'decided_at', 'first_decided_at', 'paused_at', 'withdrawn_at']) a[c].push(null);
      a.updated_at.push(iso(updatedMs));
      return;
    }

    a.project_summary.push(summary);
    a.stage.push(profile.stage);
    a.trl.push(profile.trl);
    a.domains.push(pgList(profile.domains));
    a.needs.push(pgList(profile.needs));
    a.incorporated.push(profile.incorporated);
    a.incorporation_date.push(incorporationDate);
    a.siren.push(siren);
    a.academic_affiliation.push(profile.academicAffiliation);
    a.looking_for_cofounder.push(profile.lookingForCofounder);
    a.team_size.push(profile.teamSize);
    a.funding_sought_eur.push(profile.fundingSoughtEur);
    a.website.push(website);
    a.recommendations.push(profileIndex); // the profile's routed recommendations (see demo-seed.ts)
    a.rules_versions.push(o.rulesVersionsJson);
    a.top_programme.push(profile.topProgramme);
    a.submitted_at.push(iso(submittedMs));

    // -- simulate the case's life up to now ---------------------------------------------------
    const steps: Step[] = [];
    const now = this.nowMs;
    let status = 'submitted' as Status;
    let t = submittedMs;
    const slow = r() < 0.07 ? 4 + 4 * r() : 1;
    const staff = (ms: number): number => cal.staffTime(ms, 2.5 * r());
    const founderTime = (ms: number): number => {
      const d = cal.dayOf(ms);
      const hour = (ms - cal.startMs[d]) / HOUR;
      return hour >= 7 && hour < 23 ? ms : cal.at(hour < 7 ? d : Math.min(cal.length - 1, d + 1), 7 + 2 * r());
    };
    let firstRespondedMs = null as number | null;
    let decidedMs = null as number | null;
    let withdrawnMs = null as number | null;
    let pausedMs = null as number | null;
    let decisionProgramme = null as string | null;
    const pauses: { from: number; to: number | null; resumed: boolean }[] = [];
    const inReview: { from: number; to: number }[] = [];
    let reviewSince = 0;

    const withdrawAt = r() < 0.06 ? founderTime(submittedMs + exponential(r, 14 * DAY) + HOUR) : Infinity;
    const decisionTarget = submittedMs + logNormal(r, 21 * DAY, 0.45) * (slow > 1 ? 2.5 : 1);

    // each step happens only if it is before now; returns false when the case's story stops here
    const push = (step: Step): boolean => {
      if (step.t >= now) return false;
      if (withdrawAt < step.t && (status === 'submitted' || status === 'in_review' || status === 'info_requested')) {
        if (withdrawAt < now) withdraw(withdrawAt);
        return false;
      }
      steps.push(step);
      t = step.t;
      return true;
    };
    const move = (at: number, to: Status, who: Who, extra: Partial<Step> = {}): boolean => {
      const from = status;
      if (!push({ t: at, type: 'status_changed', who, from, to, programme: extra.programme ?? null, reason: extra.reason ?? null, message: extra.message, bumps: true })) return false;
      if (from === 'submitted' && firstRespondedMs === null && who !== 'founder') firstRespondedMs = at;
      if (to === 'in_review') reviewSince = at;
      if (from === 'in_review') inReview.push({ from: reviewSince, to: at });
      if (to === 'info_requested') {
        pausedMs = at;
        pauses.push({ from: at, to: null, resumed: false });
      }
      if (from === 'info_requested') {
        pausedMs = null;
        pauses[pauses.length - 1].to = at;
        pauses[pauses.length - 1].resumed = true;
      }
      if (to === 'accepted' || to === 'referred' || to === 'declined') {
        decidedMs = at;
        decisionProgramme = to === 'declined' ? null : (extra.programme ?? null);
      }
      status = to;
      return true;
    };
    const withdraw = (at: number): void => {
      const from = status;
      steps.push({ t: at, type: 'withdrawn', who: 'founder', from, to: 'withdrawn', programme: null, reason: null, message: r() < 0.3 ? pick(r, WITHDRAW_REASONS) : undefined, bumps: true });
      if (from === 'in_review') inReview.push({ from: reviewSince, to: at });
      if (from === 'info_requested') {
        pausedMs = null;
        pauses[pauses.length - 1].to = at;
      }
      withdrawnMs = at;
      status = 'withdrawn';
      t = at;
    };
    const decide = (at: number, forceDecline = false): boolean => {
      const roll = r();
      const internal = profile.eligible.filter((p) => o.programmeKinds.get(p) === 'internal');
      const external = profile.eligible.filter((p) => o.programmeKinds.get(p) === 'external');
      if (!forceDecline && roll < 0.3 && internal.length > 0) return move(at, 'accepted', r() < 0.8 ? 'staff' : 'manager', { programme: internal[0] });
      if (!forceDecline && roll < 0.67) {
        const target = external[0] ?? pick(r, [...o.programmeKinds].filter(([, k]) => k === 'external').map(([s]) => s));
        return move(at, 'referred', r() < 0.8 ? 'staff' : 'manager', { programme: target });
      }
      return move(at, 'declined', r() < 0.8 ? 'staff' : 'manager', { reason: forceDecline ? DECLINE_REASONS[3] : pick(r, DECLINE_REASONS) });
    };

    story: {
      const assignFirst = r() < 0.9;
      const firstMs = staff(submittedMs + logNormal(r, 2.2 * DAY, 0.7) * slow);
      if (assignFirst) {
        const assignMs = Math.min(staff(submittedMs + exponential(r, 0.6 * DAY) * slow), firstMs - 5 * MINUTE);
        if (!push({ t: Math.max(assignMs, submittedMs + MINUTE), type: 'assigned', who: 'assigner', bumps: true })) break story;
      } else if (!push({ t: firstMs - MINUTE, type: 'assigned', who: 'staff', bumps: true })) break story;

      // the first response
      const first = r();
      if (first < 0.13) {
        // an obvious decline or referral: still taken into review first (decisions only from in_review)
        if (!move(firstMs, 'in_review', 'staff')) break story;
        const decideMs = firstMs + 10 * MINUTE;
        if (r() < 0.65) {
          if (!move(decideMs, 'declined', 'staff', { reason: pick(r, DECLINE_REASONS) })) break story;
        } else {
          const external = profile.eligible.filter((p) => o.programmeKinds.get(p) === 'external');
          const target = external[0] ?? pick(r, [...o.programmeKinds].filter(([, k]) => k === 'external').map(([s]) => s));
          if (!move(decideMs, 'referred', 'staff', { programme: target })) break story;
        }
        break story;
      }
      if (first < 0.28) {
        if (!move(firstMs, 'info_requested', 'staff', { message: pick(r, INFO_REQUESTS) })) break story;
      } else if (!move(firstMs, 'in_review', 'staff')) break story;

      let rounds = status === 'info_requested' ? 1 : 0;
      let forceDecline = false;
      for (let guard = 0; guard < 8; guard++) {
        if (status === 'info_requested') {
          if (r() < 0.8) {
            const answerMs = founderTime(t + exponential(r, 3 * DAY) + 30 * MINUTE);
            if (r() < 0.3 && !push({ t: answerMs - 2 * MINUTE, type: 'application_updated', who: 'founder', data: { fields: [pick(r, ['projectSummary', 'trl', 'teamSize', 'fundingSoughtEur', 'website'])] }, bumps: true })) break story;
            // the founder's message brings the case back to review (same instant, as postMessage does)
            if (!push({ t: answerMs, type: 'message_posted', who: 'founder', message: pick(r, FOUNDER_REPLIES), bumps: false })) break story;
            if (!move(answerMs, 'in_review', 'founder')) break story;
          } else if (r() < 0.6) {
            const at = founderTime(t + 5 * DAY + exponential(r, 20 * DAY));
            if (at < now) withdraw(at);
            break story;
          } else {
            // no answer: staff take it back to review and decline
            if (!move(staff(t + 25 * DAY), 'in_review', 'staff')) break story;
            forceDecline = true;
          }
          continue;
        }
        // in review: maybe another question, else the decision
        if (!forceDecline && rounds < 2 && r() < (rounds === 0 ? 0.22 : 0.1)) {
          rounds++;
          if (!move(staff(t + exponential(r, 4 * DAY) + HOUR), 'info_requested', 'staff', { message: pick(r, INFO_REQUESTS) })) break story;
          continue;
        }
        decide(staff(Math.max(t + 2 * HOUR, decisionTarget)), forceDecline);
        break story;
      }
    }
    if (status === 'in_review') inReview.push({ from: reviewSince, to: now });

    // -- who did it ------------------------------------------------------------------------------
    const open = status === 'submitted' || status === 'in_review' || status === 'info_requested';
    const assignStep = steps.find((s) => s.type === 'assigned');
    const area = decisionProgramme ?? profile.topProgramme;
    let assignee: DemoAdvisor | null = null;
    if (assignStep) {
      assignee = this.chooseAdvisor(area, founder.locale, open);
      if (assignee === null) steps.splice(steps.indexOf(assignStep), 1);
      else {
        if (open) assignee.load++;
        assignee.lastAssignedMs = Math.max(assignee.lastAssignedMs, assignStep.t);
      }
    }
    const anyAdvisor = (): DemoAdvisor => this.chooseAdvisor(area, founder.locale, false) ?? pick(r, o.advisors);
    const worker = assignee ?? anyAdvisor();
    const managerOf = (programme: string | null): { id: string; role: string } => {
      const list = programme ? this.managersOf.get(programme) : undefined;
      return list && list.length > 0 ? { id: pick(r, list).id, role: 'programme_manager' } : { id: o.adminId, role: 'admin' };
    };

    // -- extras: notes, a thread, enrolment ---------------------------------------------------
    const lastMs = steps.length > 0 ? steps[steps.length - 1].t : submittedMs;
    const activeUntil = open ? now - MINUTE : lastMs;
    const assignedMs = steps.find((s) => s.type === 'assigned')?.t ?? firstRespondedMs;
    if (assignedMs !== null && assignedMs !== undefined) {
      const notes = r() < 0.35 ? (r() < 0.25 ? 2 : 1) : 0;
      for (let n = 0; n < notes; n++) {
        const at = staff(assignedMs + r() * Math.max(HOUR, activeUntil - assignedMs));
        if (at < activeUntil) steps.push({ t: at, type: 'note_added', who: 'staff', note: pick(r, NOTES), bumps: false });
      }
    }
    if (inReview.length > 0 && r() < 0.2) {
      const span = pick(r, inReview);
      const staffAt = staff(span.from + r() * (span.to - span.from) * 0.5);
      if (staffAt < span.to && staffAt < now) {
        steps.push({ t: staffAt, type: 'message_posted', who: 'staff', message: pick(r, STAFF_MESSAGES), bumps: false });
        const replyAt = founderTime(staffAt + exponential(r, DAY) + 10 * MINUTE);
        if (replyAt < span.to && replyAt < now) steps.push({ t: replyAt, type: 'message_posted', who: 'founder', message: pick(r, FOUNDER_REPLIES), bumps: false });
      }
    }
    let enrolment: { id: string; cohort: DemoCohort; at: number; by: string } | null = null;
    if (status === 'accepted' && decisionProgramme && decidedMs !== null && r() < 0.65) {
      const decided: number = decidedMs;
      const dIdx = cal.dayOf(decided);
      const cohort = (this.cohortsOf.get(decisionProgramme) ?? []).find((c) => c.endsIdx > dIdx + 14 && c.enrolled < c.capacity);
      if (cohort) {
        const at = staff(Math.max(decided + exponential(r, 6 * DAY) + HOUR, cal.at(Math.max(0, cohort.startsIdx - 45), 9)));
        if (at < now && cal.dayOf(at) <= cohort.endsIdx) {
          cohort.enrolled++;
          const by = managerOf(decisionProgramme);
          enrolment = { id: randomUUID(), cohort, at, by: by.id };
          steps.push({ t: at, type: 'enrolled', who: 'manager', data: { cohort: cohort.name, cohortId: cohort.id, enrolmentId: enrolment.id }, bumps: false });
        }
      }
    }

    // -- service-level events, as the reminder scan (every minute) would have written them -------
    const firstDue = cal.firstResponseDue(submitDay);
    const firstEnd = Math.min(firstRespondedMs ?? Infinity, withdrawnMs ?? Infinity, now);
    this.clockEvents(steps, 'first_response', firstDue, [{ from: submittedMs, to: firstEnd }], r);
    let decisionDue = cal.decisionDue(submitDay);
    const decisionEnd = Math.min(decidedMs ?? Infinity, withdrawnMs ?? Infinity, now);
    const running: { from: number; to: number; due: Date }[] = [];
    let from = submittedMs;
    for (const pause of pauses) {
      running.push({ from, to: pause.from, due: decisionDue });
      // a withdrawal while waiting ends the case, not the pause: the due date does not move
      if (pause.to === null || !pause.resumed) {
        from = Infinity;
        break;
      }
      decisionDue = cal.afterPause(decisionDue, cal.dayOf(pause.from), cal.dayOf(pause.to));
      from = pause.to;
    }
    if (from < decisionEnd) running.push({ from, to: decisionEnd, due: decisionDue });
    const byDue = new Map<number, { from: number; to: number }[]>();
    for (const span of running) byDue.set(span.due.getTime(), [...(byDue.get(span.due.getTime()) ?? []), { from: span.from, to: Math.min(span.to, decisionEnd) }]);
    for (const [due, spans] of byDue) this.clockEvents(steps, 'decision', new Date(due), spans, r);

    // -- the timeline, hash-chained -----------------------------------------------------------
    steps.sort((x, y) => x.t - y.t);
    const e = batch.events;
    let prevHash: string | null = null;
    let seq = 0;
    let version = 2; // created (1), submitted (2)
    let updatedMs = submittedMs;
    const addEvent = (at: number, type: string, actor: { id: string; role: string } | null, isPublic: boolean, data: Record<string, unknown>): void => {
      seq++;
      const atIso = iso(at);
      const actorId = actor?.id ?? null;
      const actorRole = actor?.role ?? null;
      // `data` is built with its keys in sorted order, so JSON.stringify is its canonical form
      const dataJson = JSON.stringify(data);
      const hash = chainHash(prevHash, `{"actorId":${JSON.stringify(actorId)},"actorRole":${JSON.stringify(actorRole)},"applicationId":"${id}","at":"${atIso}","data":${dataJson},"public":${isPublic},"seq":${seq},"type":"${type}"}`);
      if (this.checked++ % 97 === 0) {
        // the shortcut must give exactly what the app computes (src/timeline/event-hash.ts)
        const expected = eventHash(prevHash, { applicationId: id, seq, at: atIso, type, actorId, actorRole, public: isPublic, data });
        if (expected !== hash) throw new Error(`demo timeline hash differs from eventHash() for a ${type} event: ${dataJson}`);
      }
      e.application_id.push(id);
      e.seq.push(seq);
      e.at.push(atIso);
      e.type.push(type);
      e.actor_id.push(actorId);
      e.actor_role.push(actorRole);
      e.public.push(isPublic);
      e.data.push(dataJson);
      e.prev_hash.push(prevHash);
      e.hash.push(hash);
      prevHash = hash;
      batch.eventCount++;
    };
    const addMessage = (at: number, author: { id: string; role: string }, body: string): string => {
      const messageId = randomUUID();
      const m = batch.messages;
      m.id.push(messageId);
      m.application_id.push(id);
      m.author_id.push(author.id);
      m.author_role.push(author.role);
      m.body.push(body);
      m.created_at.push(iso(at));
      return messageId;
    };
    const founderActor = { id: founder.id, role: 'founder' };
    const staffActor = { id: worker.id, role: 'advisor' };

    addEvent(submittedMs, 'submitted', founderActor, true, { recommended: profile.eligible, reference });
    for (const step of steps) {
      if (step.bumps) {
        version++;
        updatedMs = step.t;
      }
      switch (step.type) {
        case 'assigned': {
          const target = assignee as DemoAdvisor;
          const by = step.who === 'assigner' ? (r() < 0.7 ? { id: target.id, role: 'advisor' } : managerOf(area)) : { id: target.id, role: 'advisor' };
          addEvent(step.t, 'assigned', by, false, { auto: false, from: null, to: target.id });
          break;
        }
        case 'status_changed':
        case 'withdrawn': {
          const actor = step.who === 'founder' ? founderActor : step.who === 'manager' ? managerOf(step.programme ?? area) : staffActor;
          const messageId = step.message ? addMessage(step.t, actor, step.message) : null;
          addEvent(step.t, step.type, actor, true, { from: step.from, messageId, programme: step.programme ?? null, reason: step.reason ?? null, to: step.to });
          break;
        }
        case 'message_posted': {
          const actor = step.who === 'founder' ? founderActor : staffActor;
          addEvent(step.t, 'message_posted', actor, true, { messageId: addMessage(step.t, actor, step.message ?? '') });
          break;
        }
        case 'note_added': {
          const noteId = randomUUID();
          const n = batch.notes;
          n.id.push(noteId);
          n.application_id.push(id);
          n.author_id.push(worker.id);
          n.body.push(step.note ?? '');
          n.created_at.push(iso(step.t));
          addEvent(step.t, 'note_added', staffActor, false, { noteId });
          break;
        }
        case 'application_updated':
          addEvent(step.t, 'application_updated', founderActor, true, step.data ?? {});
          break;
        case 'sla_at_risk':
        case 'sla_breached':
          addEvent(step.t, step.type, null, false, step.data ?? {});
          break;
        case 'enrolled': {
          const en = enrolment as { id: string; cohort: DemoCohort; at: number; by: string };
          addEvent(step.t, 'enrolled', { id: en.by, role: en.by === o.adminId ? 'admin' : 'programme_manager' }, true, step.data ?? {});
          break;
        }
      }
    }

    // -- the row ----------------------------------------------------------------------------------
    a.assignee_id.push(assignee?.id ?? null);
    a.status.push(status);
    a.version.push(version);
    a.programme.push(status === 'accepted' || status === 'referred' ? decisionProgramme : null);
    a.first_response_due_at.push(iso(firstDue.getTime()));
    a.first_responded_at.push(firstRespondedMs === null ? null : iso(firstRespondedMs));
    a.decision_due_at.push(iso(decisionDue.getTime()));
    a.decided_at.push(decidedMs === null ? null : iso(decidedMs));
    a.first_decided_at.push(decidedMs === null ? null : iso(decidedMs)); // the demo never reopens a decision
    a.paused_at.push(pausedMs === null ? null : iso(pausedMs));
    a.withdrawn_at.push(withdrawnMs === null ? null : iso(withdrawnMs));
    a.updated_at.push(iso(updatedMs));

    if (enrolment) {
      const en = enrolment;
      const row = batch.enrolments;
      row.id.push(en.id);
      row.cohort_id.push(en.cohort.id);
      row.application_id.push(id);
      row.programme.push(en.cohort.programme);
      row.enrolled_by.push(en.by);
      row.created_at.push(iso(en.at));
      for (const milestone of en.cohort.milestones) {
        if (milestone.dueIdx >= this.todayIdx) continue;
        const roll = r();
        if (roll >= 0.85) continue; // still pending, overdue
        const done = roll < 0.75;
        const at = done ? cal.at(Math.max(0, milestone.dueIdx - intBetween(r, 0, 10)), 10 + 6 * r()) : cal.at(Math.min(this.todayIdx, milestone.dueIdx + intBetween(r, 1, 5)), 10 + 6 * r());
        if (at >= now || at <= en.at) continue;
        const p = batch.progress;
        p.enrolment_id.push(en.id);
        p.milestone_id.push(milestone.id);
        p.status.push(done ? 'done' : 'missed');
        p.note.push(done ? null : 'Reporté au prochain trimestre');
        p.updated_by.push(en.by);
        p.updated_at.push(iso(at));
      }
    }
  }

  /** The at-risk and breached events of one clock with one due date, over the spans it was running. */
  private clockEvents(steps: Step[], serviceLevel: 'first_response' | 'decision', due: Date, spans: { from: number; to: number }[], r: Random): void {
    const dueMs = due.getTime();
    const data = { dueAt: due.toISOString(), serviceLevel };
    const riskFrom = this.o.calendar.atRiskFrom(due);
    let warned = false;
    let breached = false;
    for (const span of spans) {
      if (span.to <= span.from) continue;
      const warnAt = Math.max(riskFrom, span.from) + Math.round(500 + r() * 58_000);
      if (!warned && warnAt <= dueMs && warnAt < span.to && warnAt < this.nowMs) {
        steps.push({ t: warnAt, type: 'sla_at_risk', who: 'system', data, bumps: false });
        warned = true;
      }
      const breachAt = Math.max(dueMs + 1, span.from) + Math.round(500 + r() * 58_000);
      if (!breached && breachAt < span.to && breachAt < this.nowMs) {
        steps.push({ t: breachAt, type: 'sla_breached', who: 'system', data, bumps: false });
        breached = true;
      }
    }
  }

  /**
   * An advisor who covers the programme and speaks the founder's language: for an open case one
   * with spare capacity, least loaded first (nobody fits → null); for a closed case anyone of them.
   */
  private chooseAdvisor(programme: string | null, language: string, open: boolean): DemoAdvisor | null {
    const r = this.o.random;
    const candidates = (programme ? this.covering.get(`${programme}|${language}`) : undefined) ?? this.o.advisors;
    if (!open) return candidates.length > 0 ? pick(r, candidates) : null;
    let best: DemoAdvisor | null = null;
    // a few random candidates, the least loaded with room wins (roughly what auto-assignment does)
    for (let k = 0; k < Math.min(6, candidates.length); k++) {
      const c = pick(r, candidates);
      if (c.load < c.capacity && (best === null || c.load < best.load)) best = c;
    }
    if (best === null) best = candidates.find((c) => c.load < c.capacity) ?? null;
    return best;
  }
}
