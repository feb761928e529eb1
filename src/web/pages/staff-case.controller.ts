import { Controller, Get, HttpException, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApplicationsService } from '../../applications/applications.service';
import type { AssignmentExplanation } from '../../assignment/assignment-choice';
import { AssignmentService } from '../../assignment/assignment.service';
import type { AuthUser } from '../../auth/auth-user';
import { Public, STAFF } from '../../common/http/auth.decorators';
import { isActor, isAssignable, isDecided, type CaseStatus } from '../../domain/case-state-machine';
import { CaseThreadService } from '../../cases/case-thread.service';
import { CaseWorkflowService } from '../../cases/case-workflow.service';
import { BodyDto, TransitionDto } from '../../cases/dto/case-actions.dto';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import { DocumentsService } from '../../documents/documents.service';
import type { Recommendations } from '../../routing/routing-engine';
import { TimelineService } from '../../timeline/timeline.service';
import { StaffDirectory } from '../../users/staff-directory.repository';
import { formValuesOf } from '../forms/application-form';
import { textOf, validateWithDto } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';
import { ProgrammeNamesService } from './programme-names';
import { ReviewsService } from '../../reviews/reviews.service';
import { ReviewPagesController } from './review-pages.controller';
import { ReferralPanels } from './referral-panel';
import { StaffNamesService } from './staff-names';
import { movesFor, staffTimelineItem, type MoveOffer } from './staff-presenter';

/** What a failed or special post adds to the case page. */
interface CaseExtras {
  errors?: Record<string, string>;
  /** the form's values to show back, by field id */
  values?: Record<string, string>;
  stale?: boolean;
  explanation?: AssignmentExplanation;
  verify?: { intact: boolean; events: number; brokenAt?: number };
}

/** A move's form key: its target, except a reopening (also `to: in_review`), told apart from taking into review. */
const moveKey = (move: Pick<MoveOffer, 'to'>, from: CaseStatus): string => (move.to === 'in_review' && isDecided(from) ? 'reopen' : move.to);

/**
 * The staff's page of a case (`/staff/cases/:id`) and its forms: assignment (take, give,
 * automatic with its explanation), the moves the state machine allows, notes, messages, and the
 * timeline's check for admins. Every write goes through the API's services with the version the
 * page was read at, so a page read before someone else's change is refused (409) and shown again
 * as the case now is.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('staff/cases')
export class StaffCaseController {
  constructor(
    private readonly pages: WebPages,
    private readonly applications: ApplicationsService,
    private readonly workflow: CaseWorkflowService,
    private readonly assignment: AssignmentService,
    private readonly thread: CaseThreadService,
    private readonly timeline: TimelineService,
    private readonly documents: DocumentsService,
    private readonly directory: StaffDirectory,
    private readonly names: ProgrammeNamesService,
    private readonly staffNames: StaffNamesService,
    private readonly referralPanels: ReferralPanels,
    private readonly reviews: ReviewsService,
  ) {}

  @Get(':id')
  @SignedIn(...STAFF)
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.renderCase(req, res, id, {}, 200);
  }

  @Get(':id/verify')
  @SignedIn('admin')
  async verify(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const verify = await this.timeline.verify(id, this.viewer(req));
    await this.renderCase(req, res, id, { verify }, 200);
  }

  /**
   * Take the case (`action=take`), give it to a colleague named by email (`assigneeEmail`), or
   * remove the assignment (`action=unassign`). The page never lists the whole staff: a campus
   * may have thousands of advisors.
   */
  @Post(':id/assign')
  @SignedIn(...STAFF)
  async assign(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const user = this.viewer(req);
    const action = textOf(body, 'action');
    const email = textOf(body, 'assigneeEmail').trim();
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const refused = (key: string, status: number): Promise<void> => this.renderCase(req, res, id, { errors: { assigneeEmail: t(key) }, values: { assigneeEmail: email } }, status);
    let assigneeId: string | null;
    if (action === 'take') assigneeId = user.id;
    else if (action === 'unassign') assigneeId = null;
    else if (email === '') return refused('staff.case.errors.assigneeEmailEmpty', 400);
    else {
      const colleague = await this.directory.byEmail(email);
      if (!colleague) return refused('staff.case.errors.assigneeEmail', 400);
      assigneeId = colleague.id;
    }
    const version = versionOf(body);
    if (version === null) return this.renderCase(req, res, id, { stale: true }, 409);
    try {
      const app = await this.assignment.assign(id, user, assigneeId, version);
      if (action === 'take') await this.pages.flash(req, 'staff.case.taken');
      else if (app.assigneeId === null) await this.pages.flash(req, 'staff.case.unassigned');
      else await this.pages.flash(req, 'staff.case.assigned', { name: (await this.staffNames.namesOf([app.assigneeId])).get(app.assigneeId) ?? '' });
      res.redirect(303, `/staff/cases/${id}#assignment`);
    } catch (error) {
      const answer = answerOf(error);
      if (!answer) throw error;
      if (answer.status === 409 && answer.body.code === 'at_capacity') return refused('staff.case.errors.capacity', 409);
      if (answer.status === 409) return this.renderCase(req, res, id, { stale: true }, 409);
      // an inactive account, or one that is not the staff's: the same answer as an unknown email
      if (answer.status === 400) return refused('staff.case.errors.assigneeEmail', 400);
      if (answer.status === 422) return refused('staff.case.errors.illegal', 422);
      throw error;
    }
  }

  /** Lets the system choose, then shows the page with why each candidate was or was not chosen. */
  @Post(':id/auto-assign')
  @SignedIn(...STAFF)
  async autoAssign(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const version = versionOf(req.body as Record<string, unknown>);
    if (version === null) return this.renderCase(req, res, id, { stale: true }, 409);
    try {
      const { explanation } = await this.assignment.autoAssign(id, this.viewer(req), version);
      await this.renderCase(req, res, id, { explanation }, 200);
    } catch (error) {
      const answer = answerOf(error);
      if (answer?.status === 409) return this.renderCase(req, res, id, { stale: true }, 409);
      if (answer?.status === 422) return this.renderCase(req, res, id, { errors: { assigneeEmail: this.pages.t(req.web.locale, 'staff.case.errors.illegal') } }, 422);
      throw error;
    }
  }

  @Post(':id/transitions')
  @SignedIn(...STAFF)
  async transition(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const to = textOf(body, 'to');
    const key = textOf(body, 'move') || to;
    const fields = { programme: textOf(body, 'programme').trim(), reason: textOf(body, 'reason').trim(), message: textOf(body, 'message').trim() };
    const values = { [`programme-${key}`]: fields.programme, [`reason-${key}`]: fields.reason, [`message-${key}`]: fields.message };
    const version = versionOf(body);
    if (version === null) return this.renderCase(req, res, id, { stale: true }, 409);
    const dto = {
      to,
      expectedVersion: version,
      ...(fields.programme !== '' ? { programme: fields.programme } : {}),
      ...(fields.reason !== '' ? { reason: fields.reason } : {}),
      ...(fields.message !== '' ? { message: fields.message } : {}),
    };
    const { value, errors } = await validateWithDto(TransitionDto, dto);
    if (errors.length > 0) {
      return this.renderCase(req, res, id, { errors: this.fieldErrors(errors.map((e) => e.field), key, t), values }, 400);
    }
    try {
      await this.workflow.transition(id, this.viewer(req), value);
      await this.pages.flash(req, `staff.case.moved.${key === 'reopen' ? 'reopen' : to}`);
      res.redirect(303, `/staff/cases/${id}`);
    } catch (error) {
      const answer = answerOf(error);
      if (!answer) throw error;
      if (answer.status === 409) return this.renderCase(req, res, id, { stale: true }, 409);
      if (answer.status === 422 || answer.status === 403) return this.renderCase(req, res, id, { errors: { [`move-${key}`]: t('staff.case.errors.illegal') }, values }, answer.status);
      if (answer.status === 400) {
        const failed = (answer.body.errors ?? []).map((e) => e.field);
        return this.renderCase(req, res, id, { errors: this.fieldErrors(failed.length > 0 ? failed : ['to'], key, t), values }, 400);
      }
      throw error;
    }
  }

  @Post(':id/notes')
  @SignedIn(...STAFF)
  async addNote(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = textOf(req.body as Record<string, unknown>, 'body').trim();
    const { errors } = await validateWithDto(BodyDto, { body });
    if (errors.length > 0) return this.renderCase(req, res, id, { errors: { 'note-body': this.pages.t(req.web.locale, 'staff.case.errors.body') }, values: { 'note-body': body } }, 400);
    await this.thread.addNote(id, this.viewer(req), body);
    await this.pages.flash(req, 'staff.case.noteAdded');
    res.redirect(303, `/staff/cases/${id}#notes`);
  }

  @Post(':id/messages')
  @SignedIn(...STAFF)
  async postMessage(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = textOf(req.body as Record<string, unknown>, 'body').trim();
    const { errors } = await validateWithDto(BodyDto, { body });
    if (errors.length > 0) return this.renderCase(req, res, id, { errors: { 'message-body': this.pages.t(req.web.locale, 'staff.case.errors.body') }, values: { 'message-body': body } }, 400);
    try {
      await this.thread.postMessage(id, this.viewer(req), body);
    } catch (error) {
      const answer = answerOf(error);
      if (answer?.status === 429) return this.renderCase(req, res, id, { errors: { 'message-body': this.pages.t(req.web.locale, 'staff.case.errors.tooMany') }, values: { 'message-body': body } }, 429);
      throw error;
    }
    await this.pages.flash(req, 'staff.case.messageSent');
    res.redirect(303, `/staff/cases/${id}#thread`);
  }

  private viewer(req: WebRequest): AuthUser {
    return { ...(req.web.user as AuthUser), locale: req.web.locale };
  }

  /** A move form's failing fields, keyed by the ids of that form's controls. */
  private fieldErrors(fields: string[], key: string, t: (key: string) => string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of new Set(fields)) {
      if (field === 'programme' || field === 'reason' || field === 'message') out[`${field}-${key}`] = t(`staff.case.errors.${field}`);
      else out[`move-${key}`] = t('staff.case.errors.illegal');
    }
    return out;
  }

  private async renderCase(req: WebRequest, res: Response, id: string, extras: CaseExtras, status: number): Promise<void> {
    const user = this.viewer(req);
    const locale = req.web.locale;
    // checked once (404 otherwise: a draft, an unknown id), then every part read side by side
    // without checking again: each check was a query of its own
    const seen = await this.applications.seen(id, user);
    const [app, recommendations, messages, events, documents, programmes, , referrals, reviewsPanel] = await Promise.all([
      this.applications.get(seen, user),
      this.applications.recommendations(seen, user),
      this.thread.messages(seen, user, 200),
      this.timeline.list(seen, user, 500),
      this.documents.list(seen, user),
      this.names.all(),
      // the navigation's saved views, read beside the case rather than after it
      this.pages.savedViewsOf(req.web, user.id).catch(() => []),
      this.referralPanels.staffCase(user, seen.row),
      ReviewPagesController.staffCaseReviewsPanel(this.reviews, seen, user, (key) => this.pages.t(locale, key), locale),
    ]);
    const names = new Map(programmes.map((p) => [p.slug, p.name[locale]]));
    const actorIds = events.items.map((e) => e.actor?.id).filter((v): v is string => typeof v === 'string');
    const assignedIds = events.items.map((e) => e.data.to).filter((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v));
    const people = await this.staffNames.namesOf([...actorIds, ...assignedIds, ...(app.assigneeId ? [app.assigneeId] : [])]);
    if (app.founder) people.set(app.founder.id, app.founder.fullName);

    const role = isActor(user.role) ? user.role : 'advisor';
    const active = programmes.filter((p) => p.active);
    const moves = movesFor(app.status, role).map((move) => {
      const key = moveKey(move, app.status);
      return {
        ...move,
        key,
        programmes: move.programmeKind ? active.filter((p) => p.kind === move.programmeKind).map((p) => ({ value: p.slug, label: p.name[locale] })) : null,
        values: { programme: extras.values?.[`programme-${key}`] ?? '', reason: extras.values?.[`reason-${key}`] ?? '', message: extras.values?.[`message-${key}`] ?? '' },
      };
    });
    const explanation = extras.explanation
      ? {
          chosen: extras.explanation.chosen ? (extras.explanation.candidates.find((c) => c.userId === extras.explanation?.chosen)?.fullName ?? people.get(extras.explanation.chosen) ?? '') : null,
          candidates: extras.explanation.candidates,
        }
      : null;
    const paused = app.status === 'info_requested';
    await this.pages.render(
      req,
      res,
      'staff/case',
      {
        titleKey: 'staff.case.title',
        titleParams: { startupName: app.startupName },
        staffPage: true,
        wide: true,
        app,
        answers: formValuesOf(app),
        programmeName: app.programme ? (names.get(app.programme) ?? app.programme) : null,
        founder: app.founder ? { ...app.founder, language: this.pages.t(app.founder.locale, 'layout.languageName') } : null,
        clocks: app.serviceLevels
          ? [
              { key: 'firstResponse', state: app.serviceLevels.firstResponse, dueAt: app.firstResponseDueAt, doneAt: app.firstRespondedAt, paused: false },
              { key: 'decision', state: app.serviceLevels.decision, dueAt: app.decisionDueAt, doneAt: app.decidedAt, paused },
            ]
          : null,
        assignee: app.assigneeId ? (people.get(app.assigneeId) ?? '') : null,
        assignedToMe: app.assigneeId === user.id,
        assignable: isAssignable(app.status),
        assigneeEmail: extras.values?.assigneeEmail ?? '',
        explanation,
        moves,
        recommendations: {
          stored: rankingOf(recommendations.recommendations, names),
          current: recommendations.current ? rankingOf(recommendations.current, names) : null,
          same: recommendations.current !== undefined && sameRanking(recommendations.recommendations, recommendations.current),
        },
        documents: documents.items.map((d) => ({ ...d, sizeKb: Math.max(1, Math.round(d.size / 1024)) })),
        messages: messages.items.map((m) => ({ ...m, fromFounder: m.author.role === 'founder' })),
        notes: events.items.filter((e) => e.type === 'note_added').map((e) => ({ at: e.at, body: typeof e.data.note === 'string' ? e.data.note : '', who: e.actor ? (people.get(e.actor.id) ?? null) : null })).reverse(),
        timeline: events.items.map((e) => ({ ...staffTimelineItem(e, people, names), role: e.actor?.role ?? 'system' })).reverse(),
        isAdmin: user.role === 'admin',
        referrals,
        reviewsPanel,
        verify: extras.verify ?? null,
        stale: extras.stale ?? false,
        errors: extras.errors ?? {},
        noteValue: extras.values?.['note-body'] ?? '',
        messageValue: extras.values?.['message-body'] ?? '',
      },
      status,
    );
  }
}

/** The version the page was read at, from its hidden field (null when missing or not a version). */
function versionOf(body: Record<string, unknown>): number | null {
  const text = textOf(body, 'expectedVersion');
  return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : null;
}

function answerOf(error: unknown): { status: number; body: { code?: string; errors?: { field: string }[] } } | null {
  if (!(error instanceof HttpException)) return null;
  const body = error.getResponse();
  return { status: error.getStatus(), body: typeof body === 'object' && body !== null ? (body as { code?: string; errors?: { field: string }[] }) : {} };
}

function rankingOf(recommendations: Recommendations | null, names: ReadonlyMap<string, string>): { eligible: { name: string; score: number; reasons: string[] }[]; ineligible: { name: string; failed: string[] }[] } | null {
  if (!recommendations) return null;
  return {
    eligible: recommendations.eligible.map((e) => ({ name: names.get(e.programme) ?? e.programme, score: e.score, reasons: e.reasons.map((r) => r.text) })),
    ineligible: recommendations.ineligible.map((e) => ({ name: names.get(e.programme) ?? e.programme, failed: e.failed.map((r) => r.text) })),
  };
}

function sameRanking(a: Recommendations | null, b: Recommendations): boolean {
  if (!a) return false;
  const key = (r: Recommendations): string => r.eligible.map((e) => `${e.programme}:${e.score}`).join(',');
  return key(a) === key(b);
}
