import { Controller, Get, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../../auth/auth-user';
import { Public, STAFF } from '../../../common/http/auth.decorators';
import { parisDate } from '../../../domain/business-calendar';
import { Clock } from '../../../common/clock';
import { FieldValidationException } from '../../../common/http/validation';
import { formatDate, formatNumber } from '../../../notifications/templates/template-helpers';
import { ApplicationsCsvService } from '../../../reports/applications-csv.service';
import { ApplicationsCsvQuery } from '../../../reports/dto/report-queries.dto';
import { FUNNEL_STATUSES, FunnelService, type FunnelReport } from '../../../reports/funnel.service';
import { validateWithDto } from '../../forms/form-validation';
import { SignedIn, WebRequest } from '../../web-context';
import { WebExceptionFilter } from '../../web-exception.filter';
import { WebGuard } from '../../web.guard';
import { WebPages } from '../../web-pages.service';
import { ProgrammeNamesService } from '../programme-names';
import { barChartSvg } from './funnel-chart';
import { fieldMessages } from './page-problems';

const REPORT_FIELDS = ['from', 'to', 'programme'];

/** The first day of the month of `day` (YYYY-MM-DD). */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * The funnel for a period and a programme (the API's `GET /reports/funnel`, same service), as
 * figures, a table and an SVG chart; managers and admins download the cases as CSV from here
 * (the same streaming service as `GET /reports/applications.csv`).
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn(...STAFF)
@Controller('staff/reports')
export class StaffReportsController {
  constructor(
    private readonly pages: WebPages,
    private readonly funnel: FunnelService,
    private readonly csv: ApplicationsCsvService,
    private readonly names: ProgrammeNamesService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const user = req.web.user as AuthUser;
    const locale = req.web.locale;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(locale, key, params);
    const today = parisDate(this.clock.now());
    const text = (name: string): string => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const form = { from: text('from') || monthStart(today), to: text('to') || today, programme: text('programme') };
    let report: FunnelReport | null = null;
    let errors: Record<string, string> = {};
    try {
      report = await this.funnel.funnel({ from: form.from, to: form.to, programme: form.programme || undefined });
    } catch (error) {
      if (!(error instanceof FieldValidationException)) throw error;
      const body = error.getResponse() as { errors?: { field: string; messages: string[] }[] };
      errors = fieldMessages(body.errors ?? [], 'reports.errors', t, REPORT_FIELDS);
    }
    const programmes = await this.names.all();
    const programmeName = form.programme ? (programmes.find((p) => p.slug === form.programme)?.name[locale] ?? form.programme) : t('reports.allProgrammes');
    const rows = report ? FUNNEL_STATUSES.map((status) => ({ status, label: t(`reports.status.${status}`), value: report.counts[status] })) : [];
    const inWords = (day: string): string => (report ? formatDate(new Date(`${day}T12:00:00Z`), locale) : day);
    const period = t('reports.periodWords', { from: inWords(form.from), to: inWords(form.to), programme: programmeName });
    const chart = report
      ? barChartSvg({ id: 'funnel-chart', title: t('reports.chartTitle'), description: period, bars: rows.map((r) => ({ label: r.label, value: r.value })), formatValue: (v) => formatNumber(v, locale) })
      : null;
    const pct = (value: number | null): string => (value === null ? t('reports.none') : `${formatNumber(value, locale)} %`);
    const csvQuery = new URLSearchParams(form.programme ? { programme: form.programme } : {});
    await this.pages.render(
      req,
      res,
      'staff/reports',
      {
        titleKey: 'reports.title',
        wide: true,
        form,
        programmeOptions: programmes.map((p) => ({ value: p.slug, label: p.name[locale] })),
        report: report
          ? {
              rows,
              medianHours: report.medianHoursToFirstResponse === null ? t('reports.none') : t('reports.hours', { n: formatNumber(report.medianHoursToFirstResponse, locale) }),
              medianDays: report.medianBusinessDaysToDecision === null ? t('reports.none') : t('reports.businessDays', { n: formatNumber(report.medianBusinessDaysToDecision, locale) }),
              firstResponseMet: pct(report.firstResponseMetPct),
              decisionMet: pct(report.decisionMetPct),
              cohort: report.cohort,
            }
          : null,
        period,
        chart,
        canDownload: user.role === 'programme_manager' || user.role === 'admin',
        csvHref: `/staff/reports/applications.csv${csvQuery.size > 0 ? `?${csvQuery.toString()}` : ''}`,
        errors,
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  }

  /** The CSV download: the same streaming service (and per-user limit) as the API's. */
  @Get('applications.csv')
  @SignedIn('programme_manager', 'admin')
  async download(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const { lang: _lang, ...filters } = query;
    void _lang;
    const { value, errors } = await validateWithDto(ApplicationsCsvQuery, filters);
    if (errors.length > 0) throw new FieldValidationException(errors);
    await this.csv.stream(req.web.user as AuthUser, value, res);
  }
}
