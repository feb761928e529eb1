import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { UpdateApplicationDto } from '../../../applications/dto/application-fields.dto';
import type { AuthUser } from '../../../auth/auth-user';
import { Public } from '../../../common/http/auth.decorators';
import { parisDate } from '../../../domain/business-calendar';
import { Clock } from '../../../common/clock';
import { FieldValidationException, type FieldError } from '../../../common/http/validation';
import { UpdateProgrammeDto } from '../../../programmes/dto/programme.dto';
import type { Programme } from '../../../programmes/programme.entity';
import { ProgrammeVersionsRepository } from '../../../programmes/programme-versions.repository';
import { ProgrammesService } from '../../../programmes/programmes.service';
import { AFFILIATIONS, DOMAINS, NEEDS, STAGES, type ProfileInput } from '../../../routing/application-profile';
import { recommend, type Recommendations } from '../../../routing/routing-engine';
import { FORM_FIELDS, formValuesOf, readApplicationForm, type FormValues } from '../../forms/application-form';
import { textOf, validateWithDto } from '../../forms/form-validation';
import type { PageLocale } from '../../i18n/catalogue';
import { SignedIn, WebRequest } from '../../web-context';
import { WebExceptionFilter } from '../../web-exception.filter';
import { WebGuard } from '../../web.guard';
import { WebPages } from '../../web-pages.service';
import { ProgrammeNamesService } from '../programme-names';

/** The programme form: texts, activity and the rules as JSON, as typed. */
interface ProgrammeForm {
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  active: boolean;
  rules: string;
}

const TEXT_FIELDS: Record<string, keyof ProgrammeForm> = { 'name.fr': 'nameFr', 'name.en': 'nameEn', 'description.fr': 'descriptionFr', 'description.en': 'descriptionEn' };

/** The rules' problems (path: message), and the control each error of an edit belongs to. */
export function programmeFormErrors(errors: readonly FieldError[]): { controls: Set<string>; ruleProblems: string[] } {
  const controls = new Set<string>();
  const ruleProblems: string[] = [];
  for (const error of errors) {
    if (error.field === 'rules' || error.field.startsWith('rules.')) {
      controls.add('rules');
      ruleProblems.push(...error.messages);
    } else {
      controls.add(TEXT_FIELDS[error.field] ?? error.field.split('.')[0]);
    }
  }
  return { controls, ruleProblems };
}

/**
 * Programmes and their routing rules (admin only). The rules are edited as data (JSON, the
 * API's own format) and checked by the rule language's validator, each bad part named by its
 * path beside the rules. "Preview" runs the routing engine on a sample profile with the edited
 * rules in place of the saved ones, next to what the saved rules answer, and saves nothing;
 * "Save" is the API's PATCH (a rules change makes a new version, listed in the history).
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn('admin')
@Controller('admin/programmes')
export class AdminProgrammesController {
  constructor(
    private readonly pages: WebPages,
    private readonly programmes: ProgrammesService,
    private readonly versions: ProgrammeVersionsRepository,
    private readonly names: ProgrammeNamesService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const locale = req.web.locale;
    const programmes = await this.programmes.list(true);
    await this.pages.render(req, res, 'admin/programmes', {
      titleKey: 'admin.programmes.title',
      wide: true,
      programmes: programmes.map((p) => ({ slug: p.slug, name: p.name[locale], kind: p.kind, active: p.active, rulesVersion: p.rulesVersion, updatedAt: p.updatedAt.toISOString() })),
    });
  }

  @Get(':slug')
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('slug') slug: string): Promise<void> {
    const programme = await this.programmes.get(slug);
    await this.render(req, res, programme, formOf(programme), formValuesOf({}), {}, [], null, 200);
  }

  @Post(':slug')
  async post(@Req() req: WebRequest, @Res() res: Response, @Param('slug') slug: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const locale = req.web.locale;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(locale, key, params);
    const programme = await this.programmes.get(slug);
    const form: ProgrammeForm = {
      nameFr: textOf(body, 'nameFr'),
      nameEn: textOf(body, 'nameEn'),
      descriptionFr: textOf(body, 'descriptionFr'),
      descriptionEn: textOf(body, 'descriptionEn'),
      active: textOf(body, 'active') === 'true',
      rules: textOf(body, 'rules'),
    };
    const sample = readApplicationForm(body);
    let rules: unknown;
    try {
      rules = JSON.parse(form.rules);
    } catch (error) {
      return this.render(req, res, programme, form, sample.values, { rules: t('admin.programmes.errors.json') }, [(error as Error).message], null, 400);
    }
    if (textOf(body, 'action') === 'preview') {
      const profile = await this.sampleProfile(sample.update);
      try {
        const options = { today: parisDate(this.clock.now()), locale };
        const after = await this.programmes.previewRouting(slug, rules, profile, options);
        const before = recommend(await this.programmes.routable(), profile, options);
        return this.render(req, res, programme, form, sample.values, {}, [], { before, after }, 200);
      } catch (error) {
        if (!(error instanceof FieldValidationException)) throw error;
        return this.renderRuleErrors(req, res, programme, form, sample.values, error);
      }
    }
    const dto = { name: { fr: form.nameFr, en: form.nameEn }, description: { fr: form.descriptionFr, en: form.descriptionEn }, active: form.active, rules };
    const { value, errors } = await validateWithDto(UpdateProgrammeDto, dto);
    if (errors.length > 0) return this.renderRuleErrors(req, res, programme, form, sample.values, new FieldValidationException(errors));
    try {
      const saved = await this.programmes.update(slug, value, req.web.user as AuthUser);
      await this.pages.flash(req, 'admin.programmes.saved', { name: saved.name[locale], version: String(saved.rulesVersion) });
      res.redirect(303, `/admin/programmes/${encodeURIComponent(slug)}`);
    } catch (error) {
      if (!(error instanceof FieldValidationException)) throw error;
      return this.renderRuleErrors(req, res, programme, form, sample.values, error);
    }
  }

  /** The sample profile's valid fields (a field that fails its rule is left out, as in the founder's live preview). */
  private async sampleProfile(update: Record<string, unknown>): Promise<ProfileInput> {
    const { startupName: _name, projectSummary: _summary, ...fields } = update;
    void _name;
    void _summary;
    const { value, errors } = await validateWithDto(UpdateApplicationDto, fields);
    const failed = new Set(errors.map((e) => e.field.replace(/\[\d+\]$/, '')));
    const out: Record<string, unknown> = {};
    for (const field of FORM_FIELDS) if (!failed.has(field)) out[field] = (value as unknown as Record<string, unknown>)[field] ?? null;
    return out as ProfileInput;
  }

  private async renderRuleErrors(req: WebRequest, res: Response, programme: Programme, form: ProgrammeForm, sample: FormValues, error: FieldValidationException): Promise<void> {
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const body = error.getResponse() as { errors?: FieldError[] };
    const { controls, ruleProblems } = programmeFormErrors(body.errors ?? []);
    const errors: Record<string, string> = {};
    for (const control of controls) errors[control] = t(control === 'rules' ? 'admin.programmes.errors.rules' : 'admin.programmes.errors.text');
    return this.render(req, res, programme, form, sample, errors, ruleProblems, null, 400);
  }

  private async render(
    req: WebRequest,
    res: Response,
    programme: Programme,
    form: ProgrammeForm,
    sample: FormValues,
    errors: Record<string, string>,
    ruleProblems: string[],
    preview: { before: Recommendations; after: Recommendations } | null,
    status: number,
  ): Promise<void> {
    const locale = req.web.locale;
    const names = await this.names.names(locale);
    const view = (r: Recommendations): unknown => ({
      eligible: r.eligible.map((e, i) => ({ programme: e.programme, name: names.get(e.programme) ?? e.programme, score: e.score, first: i === 0, edited: e.programme === programme.slug, reasons: e.reasons.map((x) => x.text) })),
      ineligible: r.ineligible.map((e) => ({ programme: e.programme, name: names.get(e.programme) ?? e.programme, edited: e.programme === programme.slug, failed: e.failed.map((x) => x.text) })),
    });
    const history = await this.versions.list(programme.slug);
    await this.pages.render(
      req,
      res,
      'admin/programme',
      {
        titleKey: 'admin.programmes.editTitle',
        titleParams: { name: programme.name[locale] },
        wide: true,
        programme: { slug: programme.slug, kind: programme.kind, rulesVersion: programme.rulesVersion },
        form,
        values: sample,
        options: this.options(locale),
        ruleProblems,
        preview: preview ? { before: view(preview.before), after: view(preview.after) } : null,
        history: history.map((v) => ({ ...v, rulesJson: JSON.stringify(v.rules, null, 2), current: v.version === programme.rulesVersion })),
        errors,
      },
      status,
    );
  }

  private options(locale: PageLocale): Record<string, { value: string; label: string }[]> {
    const t = (key: string): string => this.pages.t(locale, key);
    const list = (values: readonly string[], key: string): { value: string; label: string }[] => values.map((value) => ({ value, label: t(`${key}.${value}`) }));
    return {
      stages: list(STAGES, 'values.stage'),
      trl: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ value: String(n), label: t(`values.trl.${n}`) })),
      domains: list(DOMAINS, 'values.domain'),
      needs: list(NEEDS, 'values.need'),
      affiliations: list(AFFILIATIONS, 'values.affiliation'),
    };
  }
}

function formOf(p: Programme): ProgrammeForm {
  return { nameFr: p.name.fr, nameEn: p.name.en, descriptionFr: p.description.fr, descriptionEn: p.description.en, active: p.active, rules: JSON.stringify(p.rules, null, 2) };
}
