import { Controller, Get, HttpException, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import type { ReferralView } from '../../referrals/dto/referral.dto';
import { CreateReferralDto, ReferralResponseDto } from '../../referrals/dto/referral.dto';
import { partnerOutcomes } from '../../domain/referral-rules';
import { ReferralsService } from '../../referrals/referrals.service';
import { textOf, validateWithDto } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';

/**
 * Referral pages: the founder's consent page (the `referral-consent` email's link), and the
 * partner's referrals with the answer form (the `referral-received` and reminder links).
 * Same service as the API: a partner sees nothing before consent, another organisation's
 * referral is a 404 page.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class ReferralPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly referrals: ReferralsService,
  ) {}

  @Get('referrals/:id/consent')
  @SignedIn('founder')
  async consentPage(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const referral = await this.referrals.get(id, this.viewer(req));
    await this.renderConsent(req, res, referral, 200);
  }

  @Post('referrals/:id/consent')
  @SignedIn('founder')
  async consent(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const answer = textOf(req.body as Record<string, unknown>, 'consent');
    if (answer !== 'true' && answer !== 'false') {
      const referral = await this.referrals.get(id, this.viewer(req));
      return this.renderConsent(req, res, referral, 400, { consent: this.pages.t(req.web.locale, 'referrals.consent.question') });
    }
    const referral = await this.referrals.consent(this.viewer(req), id, answer === 'true');
    await this.pages.flash(req, answer === 'true' ? 'referrals.consent.given' : 'referrals.consent.refusedDone', { partnerName: referral.partnerName });
    res.redirect(303, `/applications/${referral.applicationId}`);
  }

  @Get('partner/referrals')
  @SignedIn('partner')
  async list(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const page = await this.referrals.list(this.viewer(req), { limit: 25, cursor });
    await this.pages.render(req, res, 'partner/referrals', {
      titleKey: 'partner.list.title',
      items: page.items,
      nextHref: page.nextCursor ? `/partner/referrals?cursor=${encodeURIComponent(page.nextCursor)}` : null,
    });
  }

  @Get('partner/referrals/:id')
  @SignedIn('partner')
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.renderReferral(req, res, await this.referrals.get(id, this.viewer(req)), {}, 200);
  }

  @Post('partner/referrals/:id/response')
  @SignedIn('partner')
  async respond(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const input = { outcome: textOf(body, 'outcome'), reason: textOf(body, 'reason') || undefined };
    const { value, errors } = await validateWithDto(ReferralResponseDto, input);
    if (errors.length > 0) {
      const referral = await this.referrals.get(id, this.viewer(req));
      const messages: Record<string, string> = {};
      for (const e of errors) messages[e.field] = this.pages.t(req.web.locale, e.field === 'outcome' ? 'partner.answer.errors.outcome' : 'partner.answer.errors.reason');
      return this.renderReferral(req, res, referral, messages, 400, input);
    }
    await this.referrals.respond(this.viewer(req), id, value);
    await this.pages.flash(req, 'partner.answer.done');
    res.redirect(303, `/partner/referrals/${id}`);
  }

  /**
   * The staff case page's "send to partner" form (partials/staff-case-referrals.hbs). A refusal
   * (not referred, a partner not serving the programme, already referred there) comes back to
   * the case page as its message.
   */
  @Post('staff/cases/:id/referrals')
  @SignedIn('advisor', 'programme_manager', 'admin')
  async send(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const { value, errors } = await validateWithDto(CreateReferralDto, { partnerId: textOf(body, 'partnerId'), note: textOf(body, 'note') || undefined });
    if (errors.length > 0) {
      await this.pages.flash(req, 'referrals.panel.errors.partnerId');
      return res.redirect(303, `/staff/cases/${id}#referrals`);
    }
    try {
      await this.referrals.create(this.viewer(req), id, value);
      await this.pages.flash(req, 'referrals.panel.sent');
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() === 404) throw error;
      await this.pages.flash(req, 'referrals.panel.errors.refused', { reason: messageOf(error) });
    }
    res.redirect(303, `/staff/cases/${id}#referrals`);
  }

  private viewer(req: WebRequest): AuthUser {
    return { ...(req.web.user as AuthUser), locale: req.web.locale };
  }

  private async renderConsent(req: WebRequest, res: Response, referral: ReferralView, status: number, errors: Record<string, string> = {}): Promise<void> {
    await this.pages.render(
      req,
      res,
      'referrals/consent',
      { titleKey: 'referrals.consent.title', titleParams: { partnerName: referral.partnerName }, referral, awaiting: referral.status === 'awaiting_consent', errors },
      status,
    );
  }

  private async renderReferral(req: WebRequest, res: Response, referral: ReferralView, errors: Record<string, string>, status: number, form: { outcome?: string; reason?: string } = {}): Promise<void> {
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const outcomes = partnerOutcomes(referral.status).map((o) => ({ value: o, label: t(`partner.outcome.${o}`) }));
    // the application's answers in words: the form's labels, the lists' values
    const VALUE_KEYS: Record<string, string> = { stage: 'values.stage', domains: 'values.domain', needs: 'values.need', academicAffiliation: 'values.affiliation' };
    const word = (name: string, v: unknown): string => {
      if (typeof v === 'boolean') return t(v ? 'form.yes' : 'form.no');
      const prefix = VALUE_KEYS[name];
      if (!prefix) return String(v);
      try {
        return t(`${prefix}.${String(v)}`);
      } catch {
        return String(v);
      }
    };
    const fields = Object.entries(referral.application.fields ?? {})
      .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([name, v]) => ({ label: t(`form.${name}.label`), value: Array.isArray(v) ? v.map((x) => word(name, x)).join(', ') : word(name, v) }));
    await this.pages.render(
      req,
      res,
      'partner/referral',
      { titleKey: 'partner.show.title', titleParams: { startupName: referral.application.startupName }, referral, fields, outcomes, form, errors },
      status,
    );
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse() as { message?: string | string[] } | string;
  if (typeof body === 'string') return body;
  return Array.isArray(body.message) ? body.message.join(' ') : (body.message ?? error.message);
}
