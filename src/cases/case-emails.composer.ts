import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationRow, fieldsOf } from '../applications/application.view';
import { ApplicationsRepository } from '../applications/applications.repository';
import { submissionErrors } from '../applications/submission-check';
import { Coalescer } from '../common/coalescer';
import { parisDate } from '../domain/business-calendar';
import { decisionRunning, firstResponseRunning } from '../domain/case-sql';
import { isCaseStatus, isTerminal, type CaseStatus } from '../domain/case-state-machine';
import type { Composers, Composition, EmailRow, Recipient } from '../notifications/email-composer';
import type { ApplicationField, BaseEmailContext, CaseRef, ProgrammeRef, ServiceLevelKind, TemplateContexts } from '../notifications/templates/template-contexts';
import { CaseEventsRepository } from '../timeline/case-events.repository';
import { UsersRepository } from '../users/users.repository';
import { CasesRepository, type ProgrammeFacts } from './cases.repository';

/** The templates of a case's life, composed here. */
export type CaseTemplate =
  | 'application-received'
  | 'case-assigned'
  | 'info-requested'
  | 'info-request-reminder'
  | 'founder-replied'
  | 'new-message'
  | 'decision-accepted'
  | 'decision-referred'
  | 'decision-declined'
  | 'draft-reminder'
  | 'sla-warning'
  | 'sla-breached'
  | 'cohort-enrolled'
  | 'seat-freed'
  | 'milestone-due';

type DecisionTemplate = 'decision-accepted' | 'decision-referred' | 'decision-declined';

/** Whole calendar days from one `YYYY-MM-DD` to another (negative when `to` is earlier). */
function calendarDaysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The coalescer of `em` kept in `kept`, made with `read` the first time. */
function coalescerOf<T, R>(kept: WeakMap<EntityManager, Coalescer<T, R>>, em: EntityManager, read: (items: T[]) => Promise<R[]>): Coalescer<T, R> {
  let coalescer = kept.get(em);
  if (!coalescer) {
    coalescer = new Coalescer(read);
    kept.set(em, coalescer);
  }
  return coalescer;
}

/**
 * Composes the emails of a case's life (received, assigned, information requested, messages,
 * decisions, reminders, service levels, cohorts) at send time from the database, and decides
 * whether each is still relevant: a reminder for a request the founder has answered, or for a
 * case decided meanwhile, is not sent. The composition root gives these composers to the
 * notifications' EmailComposer (EMAIL_COMPOSERS).
 */
@Injectable()
export class CaseEmailsComposer {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly facts: CasesRepository,
    private readonly events: CaseEventsRepository,
    private readonly users: UsersRepository,
  ) {}

  readonly composers: Composers<CaseTemplate> = {
    'application-received': (em, e, r, base) => this.applicationReceived(em, e, r, base),
    'case-assigned': (em, e, r, base) => this.caseAssigned(em, e, r, base),
    'info-requested': (em, e, r, base) => this.infoRequested(em, e, base, 'info-requested'),
    'info-request-reminder': (em, e, r, base) => this.infoRequested(em, e, base, 'info-request-reminder'),
    'founder-replied': (em, e, r, base) => this.founderReplied(em, e, r, base),
    'new-message': (em, e, r, base) => this.newMessage(em, e, base),
    'decision-accepted': (em, e, r, base) => this.decision(em, e, base, 'decision-accepted'),
    'decision-referred': (em, e, r, base) => this.decision(em, e, base, 'decision-referred'),
    'decision-declined': (em, e, r, base) => this.decision(em, e, base, 'decision-declined'),
    'draft-reminder': (em, e, r, base, now) => this.draftReminder(em, e, base, now),
    'sla-warning': (em, e, r, base) => this.serviceLevel(em, e, base, 'sla-warning'),
    'sla-breached': (em, e, r, base) => this.serviceLevel(em, e, base, 'sla-breached'),
    'cohort-enrolled': (em, e, r, base) => this.cohortEnrolled(em, e, base),
    'seat-freed': (em, e, r, base) => this.seatFreed(em, e, base),
    'milestone-due': (em, e, r, base, now) => this.milestoneDue(em, e, base, now),
  };

  // -- helpers ------------------------------------------------------------------------------

  /**
   * The cases and programmes the emails name, read many at a time: a job's emails are composed
   * side by side, so the first read goes at once and those asked meanwhile share the next query
   * (Coalescer), instead of one query per email.
   */
  private readonly caseReads = new WeakMap<EntityManager, Coalescer<string, ApplicationRow | null>>();
  private readonly programmeReads = new WeakMap<EntityManager, Coalescer<string[], ProgrammeFacts[]>>();

  private application(em: EntityManager, id: string | null): Promise<ApplicationRow | null> {
    if (!id) return Promise.resolve(null);
    return coalescerOf(this.caseReads, em, async (ids) => {
      const byId = new Map((await this.applications.loadMany(em, [...new Set(ids)])).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }).add(id);
  }

  /** The programmes named `slugs` (those that exist). */
  private programmes(em: EntityManager, slugs: string[]): Promise<ProgrammeFacts[]> {
    return coalescerOf(this.programmeReads, em, async (asks) => {
      const bySlug = new Map((await this.facts.programmes(em, [...new Set(asks.flat())])).map((row) => [row.slug, row]));
      return asks.map((wanted) => wanted.flatMap((slug) => bySlug.get(slug) ?? []));
    }).add(slugs);
  }

  private caseRef(app: ApplicationRow): CaseRef {
    return { id: app.id, reference: app.reference, startupName: app.startup_name };
  }

  private async programme(em: EntityManager, slug: string | null, locale: 'fr' | 'en'): Promise<ProgrammeRef | null> {
    if (!slug) return null;
    const [row] = await this.programmes(em, [slug]);
    return row ? { slug: row.slug, kind: row.kind, name: row.name[locale] } : null;
  }

  private userName(em: EntityManager, id: string | null | undefined): Promise<string | null> {
    return this.users.nameOf(em, id);
  }

  private message(em: EntityManager, id: unknown): Promise<{ body: string; author_id: string | null; created_at: Date } | null> {
    return this.facts.messageFacts(em, id);
  }

  // -- composers ----------------------------------------------------------------------------

  private async applicationReceived(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'application-received'>> {
    const app = await this.application(em, e.application_id);
    if (!app || !app.submitted_at || !app.first_response_due_at || !app.decision_due_at) return { send: false, why: 'application not submitted' };
    const eligible = app.recommendations?.[r.locale].eligible ?? [];
    const names = await this.programmes(em, eligible.map((p) => p.programme));
    const bySlug = new Map(names.map((n) => [n.slug, n]));
    const context: TemplateContexts['application-received'] = {
      ...base,
      application: this.caseRef(app),
      submittedAt: app.submitted_at,
      firstResponseDueAt: app.first_response_due_at,
      decisionDueAt: app.decision_due_at,
      recommendations: eligible.map((p) => ({
        name: bySlug.get(p.programme)?.name[r.locale] ?? p.programme,
        kind: bySlug.get(p.programme)?.kind ?? 'internal',
        score: p.score,
        reasons: p.reasons.map((reason) => ({ code: reason.code, text: reason.text })),
      })),
    };
    return { send: true, context };
  }

  private async caseAssigned(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'case-assigned'>> {
    const app = await this.application(em, e.application_id);
    if (!app || !app.submitted_at || !app.decision_due_at) return { send: false, why: 'case not found' };
    if (app.assignee_id !== r.id) return { send: false, why: 'the case was given to someone else meanwhile' };
    // moot once the case is closed (decided or withdrawn since): skipped, not reworded
    if (isTerminal(app.status)) return { send: false, why: `the case was ${app.status} before the email left` };
    const suggested = await this.programme(em, app.programme ?? app.top_programme, r.locale);
    // what was true when the assignment was committed (older rows, without it: read now)
    const statusThen = isCaseStatus(e.data.status) ? e.data.status : app.status;
    const assignedByName = e.data.auto === true ? null : typeof e.data.assignedByName === 'string' ? e.data.assignedByName : await this.userName(em, e.data.assignedBy as string | null);
    const context: TemplateContexts['case-assigned'] = {
      ...base,
      application: { ...this.caseRef(app), status: statusThen },
      assignedByName,
      submittedAt: app.submitted_at,
      firstResponseDueAt: app.first_responded_at ? null : app.first_response_due_at,
      decisionDueAt: app.decision_due_at,
      suggestedProgrammeName: suggested?.name ?? null,
    };
    return { send: true, context };
  }

  /** Both templates: the reminder's context is the request's without the documents. */
  private async infoRequested(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'info-requested' | 'info-request-reminder'): Promise<Composition<'info-requested'>> {
    const app = await this.application(em, e.application_id);
    const message = await this.message(em, e.data.messageId);
    if (!app || !message) return { send: false, why: 'case or message not found' };
    if (template === 'info-request-reminder' && (app.status !== 'info_requested' || app.paused_at?.toISOString() !== e.data.pausedAt)) {
      return { send: false, why: 'the founder answered, or the request is over' };
    }
    const context: TemplateContexts['info-requested'] = {
      ...base,
      application: this.caseRef(app),
      advisorName: (await this.userName(em, message.author_id)) ?? '',
      message: message.body,
      requestedAt: message.created_at,
      // written by the info_requested move as a comma-separated list of kinds
      documents: typeof e.data.documents === 'string' && e.data.documents !== '' ? e.data.documents.split(',') : [],
    };
    return { send: true, context };
  }

  private async founderReplied(em: EntityManager, e: EmailRow, r: Recipient, base: BaseEmailContext): Promise<Composition<'founder-replied'>> {
    const app = await this.application(em, e.application_id);
    const message = await this.message(em, e.data.messageId);
    if (!app || !message || !app.decision_due_at) return { send: false, why: 'case or message not found' };
    const context: TemplateContexts['founder-replied'] = {
      ...base,
      application: this.caseRef(app),
      founderName: (await this.userName(em, message.author_id)) ?? '',
      message: message.body,
      repliedAt: message.created_at,
      decisionDueAt: app.decision_due_at,
    };
    return { send: true, context };
  }

  private async newMessage(em: EntityManager, e: EmailRow, base: BaseEmailContext): Promise<Composition<'new-message'>> {
    const app = await this.application(em, e.application_id);
    const message = await this.message(em, e.data.messageId);
    if (!app || !message) return { send: false, why: 'case or message not found' };
    const statusThen = typeof e.data.status === 'string' ? (e.data.status as CaseStatus) : app.status;
    const context: TemplateContexts['new-message'] = {
      ...base,
      audience: e.data.audience === 'staff' ? 'staff' : 'founder',
      application: { ...this.caseRef(app), status: statusThen },
      authorName: (await this.userName(em, message.author_id)) ?? '',
      message: message.body,
      sentAt: message.created_at,
    };
    return { send: true, context };
  }

  /** Each decision template is composed from its move's event; the branch taken is the one the event's `to` names, the template's own. */
  private decision(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'decision-accepted'): Promise<Composition<'decision-accepted'>>;
  private decision(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'decision-referred'): Promise<Composition<'decision-referred'>>;
  private decision(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'decision-declined'): Promise<Composition<'decision-declined'>>;
  private async decision(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: DecisionTemplate): Promise<Composition<DecisionTemplate>> {
    const app = await this.application(em, e.application_id);
    const event = await this.events.decision(em, e.data.eventId);
    if (!app || !event) return { send: false, why: 'case or decision not found' };
    if (app.status !== event.data.to) return { send: false, why: 'the decision was reopened before the email left' };
    if (`decision-${event.data.to}` !== template) return { send: false, why: `the decision is ${event.data.to}, not this email's` };
    const advisorName = (await this.userName(em, event.actor_id)) ?? '';
    const message = (await this.message(em, event.data.messageId))?.body ?? null;
    const common = { ...base, application: this.caseRef(app), advisorName, decidedAt: event.at, message };
    if (event.data.to === 'declined') {
      return { send: true, context: { ...common, reason: event.data.reason ?? '' } satisfies TemplateContexts['decision-declined'] };
    }
    const programme = await this.programme(em, event.data.programme, base.locale);
    if (!programme) return { send: false, why: 'programme not found' };
    if (event.data.to === 'accepted') return { send: true, context: { ...common, programme, reason: event.data.reason } satisfies TemplateContexts['decision-accepted'] };
    const reasons = app.recommendations?.[base.locale].eligible.find((p) => p.programme === programme.slug)?.reasons ?? [];
    return { send: true, context: { ...common, programme, reason: event.data.reason, reasons: reasons.map((x) => ({ code: x.code, text: x.text })) } satisfies TemplateContexts['decision-referred'] };
  }

  private async draftReminder(em: EntityManager, e: EmailRow, base: BaseEmailContext, now: Date): Promise<Composition<'draft-reminder'>> {
    const app = await this.application(em, e.application_id);
    if (!app || app.status !== 'draft') return { send: false, why: 'the draft was submitted or removed' };
    if (app.updated_at.toISOString() !== e.data.updatedAt) return { send: false, why: 'the draft was edited since' };
    const missingFields = submissionErrors(fieldsOf(app), parisDate(now)).map((x) => x.field as ApplicationField);
    const context: TemplateContexts['draft-reminder'] = {
      ...base,
      draft: this.caseRef(app),
      createdAt: app.created_at,
      lastEditedAt: app.updated_at,
      missingFields: [...new Set(missingFields)],
    };
    return { send: true, context };
  }

  private enrolment(em: EntityManager, id: unknown): Promise<{ cohort_id: string; name: string; starts_on: string; ends_on: string; programme: string } | null> {
    return this.facts.enrolment(em, id);
  }

  private async cohortEnrolled(em: EntityManager, e: EmailRow, base: BaseEmailContext): Promise<Composition<'cohort-enrolled'>> {
    const app = await this.application(em, e.application_id);
    const enrolment = await this.enrolment(em, e.data.enrolmentId);
    if (!app || !enrolment) return { send: false, why: 'the enrolment was removed before the email left' };
    const programme = await this.programme(em, enrolment.programme, base.locale);
    if (!programme) return { send: false, why: 'programme not found' };
    const milestones = await this.facts.milestones(em, enrolment.cohort_id);
    const context: TemplateContexts['cohort-enrolled'] = {
      ...base,
      application: this.caseRef(app),
      programme,
      cohort: { id: enrolment.cohort_id, name: enrolment.name, startsOn: enrolment.starts_on, endsOn: enrolment.ends_on },
      milestones: milestones.map((m) => ({ title: m.title, dueOn: m.due_on })),
    };
    return { send: true, context };
  }

  private async seatFreed(em: EntityManager, e: EmailRow, base: BaseEmailContext): Promise<Composition<'seat-freed'>> {
    const app = await this.application(em, e.application_id);
    const cohort = await this.facts.cohortSeats(em, e.data.cohortId);
    if (!app || !cohort) return { send: false, why: 'the case or the cohort is gone' };
    if (app.status === 'accepted') return { send: false, why: 'the case was accepted again' };
    const programme = await this.programme(em, cohort.programme, base.locale);
    if (!programme) return { send: false, why: 'programme not found' };
    const context: TemplateContexts['seat-freed'] = {
      ...base,
      application: { ...this.caseRef(app), status: app.status },
      programme,
      cohort: { id: cohort.id, name: cohort.name },
      capacity: cohort.capacity,
      seatsLeft: Math.max(0, cohort.capacity - cohort.enrolled),
    };
    return { send: true, context };
  }

  private async milestoneDue(em: EntityManager, e: EmailRow, base: BaseEmailContext, now: Date): Promise<Composition<'milestone-due'>> {
    const app = await this.application(em, e.application_id);
    const enrolment = await this.enrolment(em, e.data.enrolmentId);
    const milestone = await this.facts.milestone(em, e.data.milestoneId, e.data.enrolmentId);
    if (!app || !enrolment || !milestone) return { send: false, why: 'the enrolment or milestone is gone' };
    if (milestone.status !== null && milestone.status !== 'pending') return { send: false, why: 'the milestone is already settled' };
    // the reminder goes out up to 3 days before; it says how many are really left when it leaves
    const daysLeft = calendarDaysBetween(parisDate(now), milestone.due_on);
    if (daysLeft < 0) return { send: false, why: 'the milestone date has passed' };
    const programme = await this.programme(em, enrolment.programme, base.locale);
    if (!programme) return { send: false, why: 'programme not found' };
    const context: TemplateContexts['milestone-due'] = {
      ...base,
      audience: e.data.audience === 'manager' ? 'manager' : 'founder',
      application: this.caseRef(app),
      programme,
      cohort: { id: enrolment.cohort_id, name: enrolment.name },
      milestone: { id: milestone.id, title: milestone.title, dueOn: milestone.due_on, daysLeft },
    };
    return { send: true, context };
  }

  private serviceLevel(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'sla-warning'): Promise<Composition<'sla-warning'>>;
  private serviceLevel(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'sla-breached'): Promise<Composition<'sla-breached'>>;
  private async serviceLevel(em: EntityManager, e: EmailRow, base: BaseEmailContext, template: 'sla-warning' | 'sla-breached'): Promise<Composition<'sla-warning' | 'sla-breached'>> {
    const app = await this.application(em, e.application_id);
    if (!app) return { send: false, why: 'case not found' };
    const kind = e.data.serviceLevel as ServiceLevelKind;
    const due = kind === 'first_response' ? app.first_response_due_at : app.decision_due_at;
    const stillRunning = kind === 'first_response' ? firstResponseRunning(app.status, app.first_responded_at) : decisionRunning(app.status);
    if (!stillRunning || due?.toISOString() !== e.data.dueAt) return { send: false, why: 'the service level was met or its due date moved' };
    const application = { ...this.caseRef(app), status: app.status };
    if (template === 'sla-warning') return { send: true, context: { ...base, application, serviceLevel: kind, dueAt: due } satisfies TemplateContexts['sla-warning'] };
    const programme = await this.programme(em, app.inbox_programme ?? null, base.locale);
    return {
      send: true,
      context: { ...base, application, serviceLevel: kind, dueAt: due, assigneeName: await this.userName(em, app.assignee_id), programmeName: programme?.name ?? null } satisfies TemplateContexts['sla-breached'],
    };
  }
}
