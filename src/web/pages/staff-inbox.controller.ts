import { Controller, Get, HttpException, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApplicationsService } from '../../applications/applications.service';
import { ListApplicationsQuery } from '../../applications/dto/application-actions.dto';
import type { AuthUser } from '../../auth/auth-user';
import { Public, STAFF } from '../../common/http/auth.decorators';
import { CASE_STATUSES } from '../../domain/case-state-machine';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import { ApplicationsCsvService } from '../../reports/applications-csv.service';
import { ApplicationsCsvQuery } from '../../reports/dto/report-queries.dto';
import { canonicalInboxQuery } from '../../saved-views/saved-view-rules';
import { SavedViewsService } from '../../saved-views/saved-views.service';
import { textOf, validateWithDto } from '../forms/form-validation';
import type { PageLocale } from '../i18n/catalogue';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';
import { ProgrammeNamesService } from './programme-names';
import { StaffDirectory } from '../../users/staff-directory.repository';
import { StaffNamesService } from './staff-names';
import { inboxBadge } from './staff-presenter';

type QueryValues = Record<string, unknown>;

const FILTER_FIELDS = ['status', 'programme', 'assignee', 'sla', 'q', 'sort'] as const;

/** The staff's inbox: the API's filters as a GET form, the table, saved views, the CSV. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('staff')
export class StaffInboxController {
  constructor(
    private readonly pages: WebPages,
    private readonly applications: ApplicationsService,
    private readonly csv: ApplicationsCsvService,
    private readonly savedViews: SavedViewsService,
    private readonly names: ProgrammeNamesService,
    private readonly staffNames: StaffNamesService,
    private readonly directory: StaffDirectory,
  ) {}

  @Get('inbox')
  @SignedIn(...STAFF)
  async inbox(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.renderInbox(req, res, req.query as QueryValues, {}, 200);
  }

  /** The filtered inbox as the API's CSV (managers and admins), through the same export service. */
  @Get('inbox.csv')
  @SignedIn('programme_manager', 'admin')
  async inboxCsv(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const { values } = apiQuery(req.query as QueryValues);
    delete values.cursor;
    const { value, errors } = await validateWithDto(ApplicationsCsvQuery, values);
    if (errors.length > 0) throw new HttpException('Bad filter', 400);
    await this.csv.stream(this.viewer(req), value, res);
  }

  /** Saves the inbox filter it was posted from (`query`, the inbox's query string) as a named view. */
  @Post('views')
  @SignedIn(...STAFF)
  async saveView(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const query = parseQuery(textOf(body, 'query').slice(0, 4000));
    const name = textOf(body, 'name');
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    try {
      const view = await this.savedViews.create(this.viewer(req).id, name, query);
      await this.pages.flash(req, 'staff.inbox.saved', { name: view.name });
      res.redirect(303, `/staff/inbox${view.query ? `?${view.query}` : ''}`);
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const answer = error.getResponse() as { code?: string; errors?: { field: string }[] };
      const status = error.getStatus();
      let message: string;
      if (status === 409) message = t('staff.inbox.errors.duplicate_name', { name: name.trim() });
      else if (status === 422) message = t('staff.inbox.errors.too_many_views');
      else if (status === 400 && answer.errors?.some((e) => e.field === 'query')) message = t('staff.inbox.errors.query');
      else if (status === 400) message = t(name.trim() === '' ? 'staff.inbox.errors.name_required' : 'staff.inbox.errors.name_too_long');
      else throw error;
      await this.renderInbox(req, res, query, { 'view-name': message }, status, name);
    }
  }

  @Post('views/:id/delete')
  @SignedIn(...STAFF)
  async deleteView(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.savedViews.delete(this.viewer(req).id, id);
    await this.pages.flash(req, 'staff.inbox.deleted');
    res.redirect(303, '/staff/inbox');
  }

  private viewer(req: WebRequest): AuthUser {
    return { ...(req.web.user as AuthUser), locale: req.web.locale };
  }

  private async renderInbox(req: WebRequest, res: Response, raw: QueryValues, errors: Record<string, string>, status: number, viewName = ''): Promise<void> {
    const locale = req.web.locale;
    const t = (key: string): string => this.pages.t(locale, key);
    const user = this.viewer(req);
    const { values, statuses } = apiQuery(raw);
    // a colleague named by email stands for the assignee list's choice; an unknown email is named
    // beside its field, kept in it, and the filter left out
    const assigneeEmail = firstText(raw.assigneeEmail);
    const filterErrors: Record<string, string> = {};
    if (assigneeEmail !== '') {
      const colleague = await this.directory.byEmail(assigneeEmail);
      if (colleague) values.assignee = colleague.id;
      else {
        delete values.assignee;
        filterErrors['filter-assigneeEmail'] = t('staff.inbox.errors.assigneeEmail');
      }
    }
    const checked = await validateWithDto(ListApplicationsQuery, values);
    // a filter that fails the API's rules is named beside its field and left out; the others apply
    const failed = new Set(checked.errors.map((e) => e.field));
    for (const field of failed) if ((FILTER_FIELDS as readonly string[]).includes(field) || field === 'cursor') filterErrors[field === 'status' ? 'status' : `filter-${field}`] = t(`staff.inbox.errors.${field}`);
    const kept = Object.fromEntries(Object.entries(values).filter(([key]) => !failed.has(key)));
    const query = failed.size > 0 ? (await validateWithDto(ListApplicationsQuery, kept)).value : checked.value;
    const canonical = canonicalInboxQuery(Object.fromEntries(Object.entries(kept).filter(([key]) => key !== 'cursor')));
    const someone = query.assignee !== undefined && query.assignee !== 'me' && query.assignee !== 'unassigned' ? query.assignee : null;

    const [page, programmes, views] = await Promise.all([this.applications.list(user, query), this.names.all(), this.pages.savedViewsOf(req.web, user.id)]);
    const assignees = await this.staffNames.namesOf([...page.items.map((a) => a.assigneeId).filter((id): id is string => id !== null), ...(someone ? [someone] : [])]);
    const programmeNames = new Map(programmes.map((p) => [p.slug, p.name[locale]]));
    const rows = page.items.map((app) => ({
      id: app.id,
      reference: app.reference,
      startupName: app.startupName,
      status: app.status,
      programme: app.programme ? (programmeNames.get(app.programme) ?? app.programme) : null,
      assignee: app.assigneeId ? (assignees.get(app.assigneeId) ?? null) : null,
      badge: inboxBadge(app),
    }));
    await this.pages.render(
      req,
      res,
      'staff/inbox',
      {
        titleKey: 'staff.inbox.title',
        staffPage: true,
        errors: { ...filterErrors, ...errors },
        filters: {
          statuses: failed.has('status') ? [] : statuses,
          programme: query.programme ?? '',
          assignee: query.assignee ?? '',
          assigneeEmail: filterErrors['filter-assigneeEmail'] ? assigneeEmail : '',
          sla: query.sla ?? '',
          q: query.q ?? '',
          sort: query.sort ?? '-submittedAt',
        },
        options: this.options(locale, programmes, someone ? { id: someone, fullName: assignees.get(someone) ?? t('staff.inbox.assigneeSomeone') } : null),
        rows,
        canonical,
        nextHref: page.nextCursor ? `/staff/inbox?${canonical ? `${canonical}&` : ''}cursor=${encodeURIComponent(page.nextCursor)}` : null,
        firstHref: query.cursor ? `/staff/inbox${canonical ? `?${canonical}` : ''}` : null,
        csvHref: user.role === 'programme_manager' || user.role === 'admin' ? `/staff/inbox.csv${canonical ? `?${canonical}` : ''}` : null,
        views,
        viewName,
      },
      status,
    );
  }

  /** The filters' choices; `someone`, the colleague the inbox is filtered by, if any (the list names nobody else). */
  private options(locale: PageLocale, programmes: { slug: string; name: Record<PageLocale, string>; active: boolean }[], someone: { id: string; fullName: string } | null): Record<string, { value: string; label: string }[]> {
    const t = (key: string): string => this.pages.t(locale, key);
    return {
      statuses: CASE_STATUSES.filter((s) => s !== 'draft').map((s) => ({ value: s, label: t(`status.${s}`) })),
      programmes: programmes.map((p) => ({ value: p.slug, label: p.name[locale] })),
      assignees: [
        { value: 'me', label: t('staff.inbox.assigneeMe') },
        { value: 'unassigned', label: t('staff.inbox.assigneeUnassigned') },
        ...(someone ? [{ value: someone.id, label: someone.fullName }] : []),
      ],
      sla: [
        { value: 'at_risk', label: t('staff.inbox.slaAtRisk') },
        { value: 'breached', label: t('staff.inbox.slaBreached') },
      ],
      sorts: [
        { value: '-submittedAt', label: t('staff.inbox.sortNewest') },
        { value: 'submittedAt', label: t('staff.inbox.sortOldest') },
        { value: 'decisionDueAt', label: t('staff.inbox.sortDecision') },
      ],
    };
  }
}

function firstText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/**
 * The inbox form's values as the API's query: the status checkboxes (or the API's comma list)
 * become one comma list, empty fields are left out.
 */
export function apiQuery(raw: QueryValues): { values: Record<string, string>; statuses: string[] } {
  const list = (Array.isArray(raw.status) ? raw.status : [raw.status]).filter((v): v is string => typeof v === 'string');
  const statuses = [...new Set(list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
  const values: Record<string, string> = {};
  if (statuses.length > 0) values.status = statuses.join(',');
  for (const key of ['programme', 'assignee', 'sla', 'q', 'sort', 'cursor'] as const) {
    const value = firstText(raw[key]);
    if (value !== '') values[key] = value;
  }
  return { values, statuses };
}

function parseQuery(text: string): QueryValues {
  const params = new URLSearchParams(text);
  return Object.fromEntries([...new Set(params.keys())].map((key) => [key, params.getAll(key)]));
}
