import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../../auth/auth-user';
import { Public, STAFF } from '../../../common/http/auth.decorators';
import { CohortsService } from '../../../cohorts/cohorts.service';
import { CreateCohortDto, CreateMilestoneDto, EnrolDto, MilestoneProgressDto, UpdateMilestoneDto } from '../../../cohorts/dto/cohort.dto';
import { UuidParamPipe } from '../../../common/http/is-uuid.pipe';
import type { FieldError } from '../../../common/http/validation';
import { textOf, validateWithDto } from '../../forms/form-validation';
import { ProgrammeNamesService } from '../programme-names';
import { SignedIn, WebRequest } from '../../web-context';
import { WebExceptionFilter } from '../../web-exception.filter';
import { WebGuard } from '../../web.guard';
import { WebPages } from '../../web-pages.service';
import { askedPage, cohortPage, pageOfIndex } from './cohort-pager';
import { fieldMessages, pageProblemOf } from './page-problems';

const COHORT_FIELDS = ['programme', 'name', 'startsOn', 'endsOn', 'capacity'];
const MILESTONE_FIELDS = ['title', 'dueOn'];
const PROGRESS_STATUSES = ['pending', 'done', 'missed'] as const;
/** the overdue milestones listed at the top of a cohort's page; the rest are counted */
const OVERDUE_SHOWN = 20;

/**
 * The page of startups a request asks for: `?page=` on a GET, the hidden `page` field of the
 * forms inside the paged lists on a POST (so that saving a startup's progress on page 3 comes
 * back to page 3).
 */
function requestedPage(req: WebRequest): unknown {
  const body = req.body as Record<string, unknown> | undefined;
  return req.method === 'POST' ? body?.page : req.query.page;
}

/** `?page=N` for a page after the first, '' otherwise. */
function pageSuffix(page: number): string {
  return page > 1 ? `?page=${page}` : '';
}

/** Where a change made from a page of the cohort sends its author back to. */
function pageQuery(req: WebRequest): string {
  return pageSuffix(askedPage(requestedPage(req)));
}

/** Whether this user may change the cohorts of `programme` (its managers, admins); advisors read. */
export function managesProgramme(user: Pick<AuthUser, 'role' | 'programmes'>, programme: string): boolean {
  return user.role === 'admin' || (user.role === 'programme_manager' && user.programmes.includes(programme));
}

/**
 * Cohorts as staff see them: by programme with their seats; one cohort's enrolments, milestones,
 * each startup's progress and the overdue milestones. Every change goes through CohortsService,
 * as the API's do: a manager outside their programmes gets the 403 page, a full cohort or a
 * case already enrolled a message.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn(...STAFF)
@Controller('staff/cohorts')
export class StaffCohortsController {
  constructor(
    private readonly pages: WebPages,
    private readonly cohorts: CohortsService,
    private readonly names: ProgrammeNamesService,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Res() res: Response, @Query('programme') programme?: string): Promise<void> {
    await this.renderList(req, res, { programme: typeof programme === 'string' ? programme : '' }, {}, 200);
  }

  @Post()
  async create(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const user = req.web.user as AuthUser;
    const form = { programme: textOf(body, 'programme'), name: textOf(body, 'name'), startsOn: textOf(body, 'startsOn'), endsOn: textOf(body, 'endsOn'), capacity: textOf(body, 'capacity') };
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const capacity = /^\d{1,6}$/.test(form.capacity.trim()) ? Number(form.capacity.trim()) : form.capacity;
    const { value, errors } = await validateWithDto(CreateCohortDto, { name: form.name, startsOn: form.startsOn, endsOn: form.endsOn, capacity });
    const fieldErrors: FieldError[] = [...errors];
    if (form.programme === '') fieldErrors.unshift({ field: 'programme', messages: ['programme is required'] });
    if (fieldErrors.length > 0) return this.renderList(req, res, { ...form, creating: true }, fieldMessages(fieldErrors, 'cohorts.errors', t, COHORT_FIELDS), 400);
    try {
      const cohort = await this.cohorts.create(form.programme, user, value);
      await this.pages.flash(req, 'cohorts.created', { name: cohort.name });
      res.redirect(303, `/staff/cohorts/${cohort.id}`);
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem) throw error;
      if (problem.status === 422) return this.renderList(req, res, { ...form, creating: true }, { programme: t('cohorts.errors.externalProgramme') }, 422);
      return this.renderList(req, res, { ...form, creating: true }, fieldMessages(problem.fields, 'cohorts.errors', t, COHORT_FIELDS), problem.status);
    }
  }

  @Get(':id')
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.renderCohort(req, res, id, {}, null, 200);
  }

  @Post(':id/enrolments')
  async enrol(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const { value, errors } = await validateWithDto(EnrolDto, { applicationId: textOf(req.body as Record<string, unknown>, 'applicationId') });
    if (errors.length > 0) return this.renderCohort(req, res, id, { applicationId: t('cohorts.errors.applicationId') }, null, 400);
    await this.act(req, res, id, async () => {
      const enrolment = await this.cohorts.enrol(id, req.web.user as AuthUser, value.applicationId.toLowerCase());
      await this.pages.flash(req, 'cohorts.enrolDone', { startup: enrolment.startupName });
    });
  }

  @Post(':id/enrolments/:enrolmentId/delete')
  async unenrol(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string, @Param('enrolmentId', UuidParamPipe) enrolmentId: string): Promise<void> {
    await this.act(req, res, id, async () => {
      await this.cohorts.unenrol(id, enrolmentId, req.web.user as AuthUser);
      await this.pages.flash(req, 'cohorts.unenrolled');
    });
  }

  @Post(':id/milestones')
  async addMilestone(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const form = { title: textOf(body, 'title'), dueOn: textOf(body, 'dueOn') };
    const { value, errors } = await validateWithDto(CreateMilestoneDto, form);
    if (errors.length > 0) return this.renderCohort(req, res, id, fieldMessages(errors, 'cohorts.errors', t, MILESTONE_FIELDS), form, 400);
    await this.act(req, res, id, async () => {
      await this.cohorts.addMilestone(id, req.web.user as AuthUser, value);
      await this.pages.flash(req, 'cohorts.milestoneAdded', { title: value.title });
    }, form);
  }

  @Post(':id/milestones/:milestoneId')
  async editMilestone(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string, @Param('milestoneId', UuidParamPipe) milestoneId: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    // each milestone's edit form names its controls after the milestone (ids are unique on the page)
    const { value, errors } = await validateWithDto(UpdateMilestoneDto, { title: textOf(body, `title-${milestoneId}`), dueOn: textOf(body, `dueOn-${milestoneId}`) });
    // the edit forms carry one id per milestone: the error is shown beside that milestone's fields
    const ids: Record<string, string> = { title: `title-${milestoneId}`, dueOn: `dueOn-${milestoneId}` };
    const idErrors = (list: FieldError[]): Record<string, string> =>
      Object.fromEntries(Object.entries(fieldMessages(list, 'cohorts.errors', t, MILESTONE_FIELDS)).map(([field, message]) => [ids[field] ?? field, message]));
    if (errors.length > 0) return this.renderCohort(req, res, id, idErrors(errors), null, 400);
    try {
      await this.cohorts.updateMilestone(id, milestoneId, req.web.user as AuthUser, value);
      await this.pages.flash(req, 'cohorts.milestoneSaved', { title: value.title ?? '' });
      res.redirect(303, `/staff/cohorts/${id}#milestones`);
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem || problem.status !== 400) throw error;
      return this.renderCohort(req, res, id, idErrors(problem.fields), null, 400);
    }
  }

  @Post(':id/milestones/:milestoneId/delete')
  async deleteMilestone(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string, @Param('milestoneId', UuidParamPipe) milestoneId: string): Promise<void> {
    await this.act(req, res, id, async () => {
      await this.cohorts.deleteMilestone(id, milestoneId, req.web.user as AuthUser);
      await this.pages.flash(req, 'cohorts.milestoneDeleted');
    });
  }

  @Post(':id/progress/:enrolmentId/:milestoneId')
  async progress(
    @Req() req: WebRequest,
    @Res() res: Response,
    @Param('id', UuidParamPipe) id: string,
    @Param('enrolmentId', UuidParamPipe) enrolmentId: string,
    @Param('milestoneId', UuidParamPipe) milestoneId: string,
  ): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const note = textOf(body, 'note');
    const { value, errors } = await validateWithDto(MilestoneProgressDto, { status: textOf(body, 'status'), ...(note.trim() === '' ? {} : { note }) });
    const control = `status-${enrolmentId}-${milestoneId}`;
    if (errors.length > 0) return this.renderCohort(req, res, id, { [control]: this.pages.t(req.web.locale, 'cohorts.errors.status') }, null, 400, enrolmentId);
    // the enrolment must belong to this cohort (the service checks it, and the milestone against the enrolment's cohort)
    await this.cohorts.setProgress(enrolmentId, milestoneId, req.web.user as AuthUser, value, id);
    await this.pages.flash(req, 'cohorts.progressSaved');
    res.redirect(303, `/staff/cohorts/${id}${pageQuery(req)}#progress`);
  }

  /** Runs a change; a refusal the person can act on (full, already enrolled, not accepted, a date) is shown on the cohort's page. */
  private async act(req: WebRequest, res: Response, id: string, change: () => Promise<void>, milestoneForm: { title: string; dueOn: string } | null = null): Promise<void> {
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    try {
      await change();
      res.redirect(303, `/staff/cohorts/${id}${pageQuery(req)}`);
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem) throw error;
      if (problem.status === 409) {
        const key = problem.code === 'cohort_full' ? 'cohorts.errors.full' : 'cohorts.errors.alreadyEnrolled';
        return this.renderCohort(req, res, id, { applicationId: t(key) }, milestoneForm, 409);
      }
      if (problem.status === 422) return this.renderCohort(req, res, id, { applicationId: t('cohorts.errors.notAccepted') }, milestoneForm, 422);
      return this.renderCohort(req, res, id, fieldMessages(problem.fields, 'cohorts.errors', t, MILESTONE_FIELDS), milestoneForm, 400);
    }
  }

  private async renderList(req: WebRequest, res: Response, form: Record<string, unknown>, errors: Record<string, string>, status: number): Promise<void> {
    const user = req.web.user as AuthUser;
    const locale = req.web.locale;
    const programmes = (await this.names.all()).filter((p) => p.kind === 'internal');
    const filter = typeof form.programme === 'string' && programmes.some((p) => p.slug === form.programme) && !form.creating ? form.programme : '';
    const items = await this.cohorts.summaries(filter || undefined);
    const groups = programmes
      .filter((p) => filter === '' || p.slug === filter)
      .map((p) => ({ slug: p.slug, name: p.name[locale], cohorts: items.filter((c) => c.programme === p.slug), canManage: managesProgramme(user, p.slug) }));
    const manageable = programmes.filter((p) => p.active && managesProgramme(user, p.slug)).map((p) => ({ value: p.slug, label: p.name[locale] }));
    await this.pages.render(
      req,
      res,
      'staff/cohorts',
      {
        titleKey: 'cohorts.title',
        wide: true,
        groups,
        filterOptions: programmes.map((p) => ({ value: p.slug, label: p.name[locale] })),
        filter,
        manageable,
        form: { programme: '', name: '', startsOn: '', endsOn: '', capacity: '', ...form },
        errors,
      },
      status,
    );
  }

  /**
   * The cohort's page, its startups a page at a time (see cohort-pager.ts): the page the request
   * asks for, or the one showing `focusEnrolment` (a progress form sent back with an error).
   */
  private async renderCohort(
    req: WebRequest,
    res: Response,
    id: string,
    errors: Record<string, string>,
    milestoneForm: { title: string; dueOn: string } | null,
    status: number,
    focusEnrolment?: string,
  ): Promise<void> {
    const user = req.web.user as AuthUser;
    const locale = req.web.locale;
    const { dashboard, enrolments } = await this.cohorts.dashboardAndEnrolments(id);
    const canManage = managesProgramme(user, dashboard.cohort.programme);
    const candidates = canManage ? await this.cohorts.enrolmentCandidates(id) : [];
    const names = await this.names.names(locale);
    const statusOptions = PROGRESS_STATUSES.map((s) => ({ value: s, label: this.pages.t(locale, `cohorts.progressStatus.${s}`) }));
    // the enrolments table and the progress list show the same startups in the same order
    const focus = focusEnrolment ? enrolments.findIndex((e) => e.id === focusEnrolment) : -1;
    const shown = cohortPage(enrolments.length, focus >= 0 ? pageOfIndex(focus) : requestedPage(req));
    const pageHref = (page: number): string => `/staff/cohorts/${id}${pageSuffix(page)}`;
    await this.pages.render(
      req,
      res,
      'staff/cohort',
      {
        titleKey: 'cohorts.cohortTitle',
        titleParams: { name: dashboard.cohort.name },
        wide: true,
        cohort: { ...dashboard.cohort, programmeName: names.get(dashboard.cohort.programme) ?? dashboard.cohort.programme },
        seats: dashboard.seats,
        milestones: dashboard.milestones,
        startups: dashboard.startups.slice(shown.start, shown.end).map((s) => ({
          ...s,
          milestones: s.milestones.map((m) => ({ ...m, control: `status-${s.enrolmentId}-${m.milestoneId}`, note: m.note ?? '', options: statusOptions.map((o) => ({ ...o, selected: o.value === m.status })) })),
        })),
        overdue: dashboard.overdueMilestones.slice(0, OVERDUE_SHOWN),
        overdueMore: Math.max(0, dashboard.overdueMilestones.length - OVERDUE_SHOWN),
        enrolments: enrolments.slice(shown.start, shown.end),
        pager:
          shown.pages > 1
            ? {
                page: shown.page,
                from: shown.start + 1,
                to: shown.end,
                total: shown.total,
                previousHref: shown.page > 1 ? pageHref(shown.page - 1) : null,
                nextHref: shown.page < shown.pages ? pageHref(shown.page + 1) : null,
              }
            : null,
        candidates: candidates.map((c) => ({ value: c.applicationId, label: `${c.reference} — ${c.startupName}` })),
        canManage,
        full: dashboard.seats.seatsLeft === 0,
        milestoneForm: milestoneForm ?? { title: '', dueOn: '' },
        errors,
      },
      status,
    );
  }
}
