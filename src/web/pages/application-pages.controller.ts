import { Controller, Get, HttpException, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ApplicationView } from '../../applications/application.view';
import { ApplicationsService } from '../../applications/applications.service';
import { CreateApplicationDto, UpdateApplicationDto } from '../../applications/dto/application-fields.dto';
import { submissionErrors, type ApplicationFields } from '../../applications/submission-check';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { parisDate } from '../../domain/business-calendar';
import { CaseThreadService } from '../../cases/case-thread.service';
import { CaseWorkflowService } from '../../cases/case-workflow.service';
import { BodyDto } from '../../cases/dto/case-actions.dto';
import { type CaseRef, type SeenCase } from '../../common/case-visibility';
import { Clock } from '../../common/clock';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import type { FieldError } from '../../common/http/validation';
import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, ACCEPTED_FORMAT_NAMES } from '../../domain/document-rules';
import type { DocumentView } from '../../documents/document.view';
import { DocumentsService } from '../../documents/documents.service';
import { ProgrammesService } from '../../programmes/programmes.service';
import type { ProfileInput } from '../../routing/application-profile';
import { AFFILIATIONS, DOMAINS, NEEDS, STAGES } from '../../routing/application-profile';
import { recommend } from '../../routing/routing-engine';
import { TimelineService, type TimelineEventView } from '../../timeline/timeline.service';
import { STAFF_ROLES } from '../../users/user.entity';
import { errorsByField, FORM_FIELDS, FormValues, formValuesOf, readApplicationForm } from '../forms/application-form';
import { textOf, validateWithDto } from '../forms/form-validation';
import type { PageLocale } from '../i18n/catalogue';
import { csrfMatches } from '../session/web-session.service';
import { CsrfInMultipartBody, CsrfRefused, SignedIn, WebRedirect, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';
import { canEdit, canWithdraw, nextStep, recommendationCards, RecommendationCards, timelineItem } from './application-presenter';
import { documentItems, humanSize, kindChecklist, requestedKinds, uploadRefusal } from './document-presenter';
import { ProgrammeNamesService } from './programme-names';

type FieldsUpdate = Partial<Record<(typeof FORM_FIELDS)[number], unknown>>;

/** The founder's pages: my applications, the form, an application's page, reply, withdraw. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('applications')
export class ApplicationPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly applications: ApplicationsService,
    private readonly workflow: CaseWorkflowService,
    private readonly thread: CaseThreadService,
    private readonly timeline: TimelineService,
    private readonly programmes: ProgrammesService,
    private readonly names: ProgrammeNamesService,
    private readonly documents: DocumentsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @SignedIn('founder')
  async list(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const user = this.viewer(req);
    const [page, names] = await Promise.all([this.applications.list(user, { limit: 100 }), this.names.names(req.web.locale)]);
    const items = page.items.map((app) => ({ ...app, next: nextStep(app, names) }));
    await this.pages.render(req, res, 'applications/list', { titleKey: 'list.title', items });
  }

  @Get('new')
  @SignedIn('founder')
  async newForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.renderForm(req, res, null, formValuesOf({}), {}, 200);
  }

  @Post('new')
  @SignedIn('founder')
  async create(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.saveAndMaybeSubmit(req, res, null);
  }

  /** The live routing preview (the form's script posts the form here as you type): nothing is saved. */
  @Post('preview')
  @SignedIn('founder')
  async preview(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const { update } = readApplicationForm(req.body as Record<string, unknown>);
    const { value, errors } = await validateWithDto(UpdateApplicationDto, update);
    const fields = this.validFields(value, errors);
    const names = await this.names.names(req.web.locale);
    const recommendations = recommend(await this.programmes.routable(), fields as ProfileInput, { today: parisDate(this.clock.now()), locale: req.web.locale });
    this.pages.fragment(req, res, 'applications/preview', { preview: recommendationCards(recommendations, names) });
  }

  @Get(':id/edit')
  @SignedIn('founder')
  async editForm(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const user = this.viewer(req);
    const seen = await this.applications.seen(id, user);
    const app = await this.applications.get(seen, user);
    if (!canEdit(app.status)) throw new WebRedirect(`/applications/${id}`);
    await this.renderForm(req, res, app, formValuesOf(app), {}, 200, '', seen);
  }

  @Post(':id/edit')
  @SignedIn('founder')
  async update(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.saveAndMaybeSubmit(req, res, id);
  }

  @Get(':id')
  @SignedIn()
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    // links in staff emails open the staff's page of the case
    if ((STAFF_ROLES as readonly string[]).includes(req.web.user?.role ?? '')) throw new WebRedirect(`/staff/cases/${id}`);
    if (req.web.user?.role !== 'founder') throw new HttpException('Not found', 404);
    await this.renderCase(req, res, id, {}, 200);
  }

  @Post(':id/messages')
  @SignedIn('founder')
  async reply(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = textOf(req.body as Record<string, unknown>, 'body');
    const { value, errors } = await validateWithDto(BodyDto, { body });
    if (errors.length > 0) return this.renderCase(req, res, id, { body: this.pages.t(req.web.locale, 'case.reply.errors.body') }, 400, body);
    await this.thread.postMessage(id, this.viewer(req), value.body);
    await this.pages.flash(req, 'case.reply.sent');
    res.redirect(303, `/applications/${id}#messages`);
  }

  /**
   * A document attached from the form, with or without JavaScript: the multipart body streams
   * through the same service as the API (never buffered whole). Without JavaScript the CSRF token
   * is the form's first field, checked before the file part is read; the page's script sends it
   * in a header as well. A refusal (415, 413, 409, 422, 400) shows the form again with the
   * message beside the file field, with the API's status.
   */
  @Post(':id/documents')
  @SignedIn('founder')
  @CsrfInMultipartBody()
  async attach(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const user = this.viewer(req);
    let tokenSeen = req.web.csrfPending !== true;
    const checkToken = tokenSeen
      ? undefined
      : (fields: Readonly<Record<string, string>>): void => {
          if (!csrfMatches(req.web.session, fields._csrf)) throw new CsrfRefused();
          tokenSeen = true;
        };
    try {
      const document = await this.documents.upload(id, user, req, checkToken);
      await this.pages.flash(req, 'documents.added', { filename: document.filename });
      res.redirect(303, `/applications/${id}/edit#documents`);
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const body = error.getResponse() as { errors?: FieldError[] };
      const refusal = uploadRefusal(error.getStatus(), body.errors?.[0]?.field);
      // a malformed body whose token was never read is refused as a forged one would be
      if (!refusal || (!tokenSeen && error.getStatus() === 400)) throw tokenSeen ? error : new CsrfRefused();
      const locale = req.web.locale;
      const message = this.pages.t(locale, refusal.key, { max: humanSize(MAX_DOCUMENT_BYTES, locale), formats: ACCEPTED_FORMAT_NAMES });
      const app = await this.applications.get(id, user);
      if (canEdit(app.status)) return this.renderForm(req, res, app, formValuesOf(app), { [refusal.field]: message }, error.getStatus());
      return this.renderCase(req, res, id, { documents: message }, error.getStatus());
    }
  }

  /** The owner deletes a document while the application is editable (to replace one: delete it, attach the new one). */
  @Post(':id/documents/:documentId/delete')
  @SignedIn('founder')
  async detach(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string, @Param('documentId', UuidParamPipe) documentId: string): Promise<void> {
    await this.documents.delete(documentId, this.viewer(req));
    await this.pages.flash(req, 'documents.deleted');
    const back = textOf(req.body as Record<string, unknown>, 'from') === 'case' ? `/applications/${id}#documents` : `/applications/${id}/edit#documents`;
    res.redirect(303, back);
  }

  @Get(':id/withdraw')
  @SignedIn('founder')
  async withdrawForm(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const app = await this.applications.get(id, this.viewer(req));
    if (!canWithdraw(app.status)) throw new WebRedirect(`/applications/${id}`);
    await this.pages.render(req, res, 'applications/withdraw', { titleKey: 'withdraw.title', app });
  }

  @Post(':id/withdraw')
  @SignedIn('founder')
  async withdraw(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const reason = textOf(req.body as Record<string, unknown>, 'reason').trim();
    if (reason.length > 2000) {
      const app = await this.applications.get(id, this.viewer(req));
      return this.pages.render(req, res, 'applications/withdraw', { titleKey: 'withdraw.title', app, reason, errors: { reason: this.pages.t(req.web.locale, 'withdraw.errors.reason') } }, 400);
    }
    const app = await this.workflow.withdraw(id, this.viewer(req), reason === '' ? undefined : reason, undefined);
    await this.pages.flash(req, 'withdraw.done', { reference: app.reference });
    res.redirect(303, `/applications/${id}`);
  }

  /** The user as the services see them, in the page's language (views and reasons come in it). */
  private viewer(req: WebRequest): AuthUser {
    const user = req.web.user as AuthUser;
    return { ...user, locale: req.web.locale };
  }

  /** The fields of a validated form that passed, each null when cleared. */
  private validFields(value: UpdateApplicationDto, errors: FieldError[]): FieldsUpdate {
    const failed = new Set(errors.map((e) => e.field.replace(/\[\d+\]$/, '')));
    const out: FieldsUpdate = {};
    for (const field of FORM_FIELDS) if (!failed.has(field)) out[field] = (value as unknown as Record<string, unknown>)[field] ?? null;
    return out;
  }

  /**
   * Every post saves what can be saved (a value that fails a rule is shown back with its error,
   * the others are kept); then `submit` submits through the same service as the API and, when
   * something is missing, shows the form again with each error beside its field.
   */
  private async saveAndMaybeSubmit(req: WebRequest, res: Response, id: string | null): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const action = textOf(body, 'action');
    const locale = req.web.locale;
    const t = (key: string): string => this.pages.t(locale, key);
    const user = this.viewer(req);
    const { values, update } = readApplicationForm(body);
    const { value, errors } = await validateWithDto(UpdateApplicationDto, update);
    const fieldErrors: FieldError[] = [...errors];
    let changes = this.validFields(value, errors);

    let app: ApplicationView | null = id ? await this.applications.get(id, user) : null;
    if (app && !canEdit(app.status)) throw new WebRedirect(`/applications/${app.id}`);
    if (!app && fieldErrors.some((e) => e.field === 'startupName')) {
      // a draft needs its name: nothing can be saved yet
      return this.renderForm(req, res, null, values, errorsByField(fieldErrors, t), 400);
    }
    // rules between fields (a future incorporation date, a bad SIREN key) refuse the whole write: drop those fields and save the rest
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const dto = (app === null ? { ...changes } : { ...changes, startupName: changes.startupName ?? undefined }) as UpdateApplicationDto;
        if (dto.startupName === null || dto.startupName === undefined) delete dto.startupName;
        app = app === null ? await this.applications.create(user, dto as CreateApplicationDto) : await this.applications.update(app.id, user, dto);
        break;
      } catch (error) {
        const crossField = fieldErrorsOf(error, 400);
        if (!crossField || attempt === 1) throw error;
        fieldErrors.push(...crossField);
        const failed = new Set(crossField.map((e) => e.field));
        changes = Object.fromEntries(Object.entries(changes).filter(([field]) => !failed.has(field)));
      }
    }
    const saved = app as ApplicationView;

    if (action === 'reply' && saved.status === 'info_requested') {
      const message = textOf(body, 'body').trim();
      if (fieldErrors.length > 0 || message === '' || message.length > 10000) {
        const errors = errorsByField(fieldErrors, t);
        if (message === '' || message.length > 10000) errors.body = t('case.reply.errors.body');
        return this.renderForm(req, res, saved, values, errors, 400, message);
      }
      await this.thread.postMessage(saved.id, user, message);
      await this.pages.flash(req, 'case.reply.sent');
      return res.redirect(303, `/applications/${saved.id}`);
    }

    if (action === 'submit' && saved.status === 'draft') {
      if (fieldErrors.length === 0) {
        try {
          const submitted = await this.applications.submit(saved.id, user, {});
          await this.pages.flash(req, 'case.submitted', { reference: submitted.reference });
          return res.redirect(303, `/applications/${saved.id}`);
        } catch (error) {
          const missingKinds = missingDocumentsOf(error);
          const missing = fieldErrorsOf(error, 422);
          if (missingKinds) {
            // the programme's required documents: said beside the file field, kind by kind
            const names = await this.names.names(locale);
            const errors = errorsByField(fieldErrors, t);
            errors.file = this.pages.t(locale, 'documents.errors.missing', { kinds: this.kindList(missingKinds, locale), programme: names.get(missingKinds.programme) ?? missingKinds.programme });
            return this.renderForm(req, res, saved, values, errors, 422);
          }
          if (missing) fieldErrors.push(...missing);
          else if (error instanceof HttpException && error.getStatus() === 403) {
            return this.renderForm(req, res, saved, values, { actions: t('form.errors.emailNotVerified') }, 403);
          } else throw error;
        }
      } else {
        // say everything that stands in the way at once: the values refused and what is still missing
        fieldErrors.push(...submissionErrors(saved as unknown as ApplicationFields, parisDate(this.clock.now())));
      }
      return this.renderForm(req, res, saved, values, errorsByField(fieldErrors, t), 422);
    }

    if (fieldErrors.length > 0) return this.renderForm(req, res, saved, values, errorsByField(fieldErrors, t), 400);
    await this.pages.flash(req, 'form.saved');
    res.redirect(303, `/applications/${saved.id}/edit`);
  }

  /** `seen`: the case as read earlier in this request, when it was not written since (its parts are then read without checking it again). */
  private async renderForm(req: WebRequest, res: Response, app: ApplicationView | null, values: FormValues, errors: Record<string, string>, status: number, reply = '', seen?: SeenCase): Promise<void> {
    const locale = req.web.locale;
    const user = this.viewer(req);
    let preview: RecommendationCards | null = null;
    let documents: Record<string, unknown> | null = null;
    if (app) {
      const ref: CaseRef = seen ?? app.id;
      const [names, routed, attached] = await Promise.all([this.names.names(locale), this.applications.recommendations(ref, user), this.documents.list(ref, user)]);
      preview = recommendationCards(routed.recommendations, names);
      documents = await this.documentsSection(req, app, attached.items, preview, names);
    }
    await this.pages.render(
      req,
      res,
      'applications/form',
      {
        titleKey: app ? 'form.editTitle' : 'form.newTitle',
        titleParams: { reference: app?.reference ?? '' },
        app,
        action: app ? `/applications/${app.id}/edit` : '/applications/new',
        values,
        errors,
        preview,
        infoRequested: app?.status === 'info_requested',
        reply,
        options: this.options(locale),
        documents,
      },
      status,
    );
  }

  /**
   * The documents part of the form and of the application's page: the list with sizes in words,
   * the kinds the top-ranked programme requires and those an information request named, each
   * ticked when attached, and the upload form while the application is editable.
   */
  private async documentsSection(req: WebRequest, app: ApplicationView, items: DocumentView[], preview: RecommendationCards | null, names: ReadonlyMap<string, string>, events?: TimelineEventView[]): Promise<Record<string, unknown>> {
    const locale = req.web.locale;
    const user = this.viewer(req);
    const top = preview?.eligible[0]?.programme;
    const required = top ? ((await this.programmes.routable()).find((p) => p.slug === top)?.requiredDocuments ?? []) : [];
    const timeline = events ?? (app.status === 'info_requested' ? (await this.timeline.list(app.id, user, 500)).items : []);
    const label = (kind: string): string => this.pages.t(locale, `documents.kinds.${kind}`);
    const checklist = (kinds: string[]) => kindChecklist(kinds, items).map((k) => ({ ...k, label: label(k.kind) }));
    return {
      items: documentItems(items, locale).map((d) => ({ ...d, kindLabel: label(d.kind) })),
      editable: canEdit(app.status),
      required: checklist(required),
      requiredBy: top ? (names.get(top) ?? top) : null,
      requested: checklist(requestedKinds(timeline, app.status)),
      kinds: DOCUMENT_KINDS.map((kind) => ({ value: kind, label: label(kind) })),
      max: humanSize(MAX_DOCUMENT_BYTES, locale),
      formats: ACCEPTED_FORMAT_NAMES,
    };
  }

  private kindList(missing: { kinds: string[] }, locale: PageLocale): string {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(missing.kinds.map((kind) => this.pages.t(locale, `documents.kinds.${kind}`)));
  }

  private options(locale: PageLocale): Record<string, { value: string; label: string; hint?: string }[]> {
    const t = (key: string): string => this.pages.t(locale, key);
    const list = (values: readonly string[], key: string, hints = false): { value: string; label: string; hint?: string }[] =>
      values.map((value) => ({ value, label: t(`${key}.${value}`), ...(hints ? { hint: t(`${key}Hint.${value}`) } : {}) }));
    return {
      stages: list(STAGES, 'values.stage'),
      trl: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ value: String(n), label: t(`values.trl.${n}`) })),
      domains: list(DOMAINS, 'values.domain'),
      needs: list(NEEDS, 'values.need', true),
      affiliations: list(AFFILIATIONS, 'values.affiliation'),
    };
  }

  private async renderCase(req: WebRequest, res: Response, id: string, errors: Record<string, string>, status: number, reply = ''): Promise<void> {
    const user = this.viewer(req);
    // the case is checked once (404 when the founder may not see it), then its parts are read side by side
    const seen = await this.applications.seen(id, user);
    const [app, messages, events, attached, names] = await Promise.all([
      this.applications.get(seen, user),
      this.thread.messages(seen, user, 200),
      this.timeline.list(seen, user, 500),
      this.documents.list(seen, user),
      this.names.names(req.web.locale),
    ]);
    const recommendations = recommendationCards(app.recommendations, names);
    const preview = canEdit(app.status) ? recommendationCards((await this.applications.recommendations(seen, user)).recommendations, names) : recommendations;
    const documents = await this.documentsSection(req, app, attached.items, preview, names, events.items);
    await this.pages.render(
      req,
      res,
      'applications/show',
      {
        titleKey: 'case.title',
        titleParams: { startupName: app.startupName },
        app,
        next: nextStep(app, names),
        recommendations,
        documents,
        canEdit: canEdit(app.status),
        canWithdraw: canWithdraw(app.status),
        isDraft: app.status === 'draft',
        infoRequested: app.status === 'info_requested',
        messages: messages.items.map((m) => ({ ...m, mine: m.author.id === app.ownerId })),
        timeline: events.items.map((e) => timelineItem(e, app.ownerId, names)).reverse(),
        answers: formValuesOf(app),
        options: this.options(req.web.locale),
        reply,
        errors,
      },
      status,
    );
  }
}

/** The document kinds a refused submission says are missing (422 with `missingDocuments`), or null. */
function missingDocumentsOf(error: unknown): { kinds: string[]; programme: string } | null {
  if (!(error instanceof HttpException) || error.getStatus() !== 422) return null;
  const body = error.getResponse() as { missingDocuments?: unknown; programme?: unknown };
  return Array.isArray(body.missingDocuments) && body.missingDocuments.length > 0 ? { kinds: body.missingDocuments.map(String), programme: String(body.programme ?? '') } : null;
}

/** The field errors an API exception of this status carries, or null when it is another error. */
function fieldErrorsOf(error: unknown, status: number): FieldError[] | null {
  if (!(error instanceof HttpException) || error.getStatus() !== status) return null;
  const body = error.getResponse() as { errors?: FieldError[] };
  return Array.isArray(body.errors) && body.errors.length > 0 ? body.errors : null;
}
