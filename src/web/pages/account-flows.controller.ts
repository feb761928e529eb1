import { Controller, Get, HttpException, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountLifecycleService } from '../../auth/account-lifecycle.service';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { AcceptInvitationDto, ForgotPasswordDto, ResetPasswordDto } from '../../auth/dto/account.dto';
import { FieldValidationException } from '../../common/http/validation';
import { textOf, validateWithDto } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';
import { homeOf } from './auth-pages.controller';

/** A link's token refused by the service (used, expired, forged): a 400 naming `token`. */
function isTokenRefusal(error: unknown): boolean {
  return error instanceof FieldValidationException && error.fieldErrors.some((e) => e.field === 'token');
}

/**
 * The pages the account emails link to — verify the address, reset a forgotten password,
 * accept an invitation — and the resend of the verification link. Same service as the API's
 * /auth routes (AccountLifecycleService), same rules and rate limits. A link's page never acts
 * on a GET (mail scanners open links): it shows a form, and the POST does it.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class AccountFlowsController {
  constructor(
    private readonly pages: WebPages,
    private readonly lifecycle: AccountLifecycleService,
  ) {}

  @Get('verify-email')
  async verifyForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/verify-email', { titleKey: 'verify.title', token: typeof req.query.token === 'string' ? req.query.token : '' });
  }

  @Post('verify-email')
  async verify(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const token = textOf(req.body as Record<string, unknown>, 'token');
    try {
      await this.lifecycle.verifyEmail(token);
    } catch (error) {
      if (!isTokenRefusal(error)) throw error;
      return this.pages.render(req, res, 'account/verify-email', { titleKey: 'verify.title', token, invalid: true }, 400);
    }
    if (req.web.user) {
      await this.pages.flash(req, 'verify.done');
      return res.redirect(303, homeOf(req.web.user.role));
    }
    res.redirect(303, '/login?verified=1');
  }

  @Post('verify-email/resend')
  @SignedIn('founder')
  async resend(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.lifecycle.resendVerification(req.web.user as AuthUser, req.ip ?? '');
    await this.pages.flash(req, 'verify.resent');
    res.redirect(303, '/applications');
  }

  @Get('password/forgot')
  async forgotForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/password-forgot', { titleKey: 'forgot.title', form: {} });
  }

  @Post('password/forgot')
  async forgot(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const email = textOf(req.body as Record<string, unknown>, 'email');
    const { value, errors } = await validateWithDto(ForgotPasswordDto, { email });
    if (errors.length > 0) return this.pages.render(req, res, 'account/password-forgot', { titleKey: 'forgot.title', form: { email }, errors: { email: this.pages.t(req.web.locale, 'forgot.errors.email') } }, 400);
    await this.lifecycle.forgotPassword(value.email, req.ip ?? '');
    await this.pages.render(req, res, 'account/password-forgot', { titleKey: 'forgot.title', sent: value.email, form: {} });
  }

  @Get('password/reset')
  async resetForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/password-set', { titleKey: 'reset.title', action: '/password/reset', prefix: 'reset', token: typeof req.query.token === 'string' ? req.query.token : '' });
  }

  @Post('password/reset')
  async reset(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.setPassword(req, res, 'reset');
  }

  @Get('invitation')
  async invitationForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/password-set', { titleKey: 'invitation.title', action: '/invitation', prefix: 'invitation', lead: true, token: typeof req.query.token === 'string' ? req.query.token : '' });
  }

  @Post('invitation')
  async accept(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.setPassword(req, res, 'invitation');
  }

  /** Reset and invitation: choose a password through the link, then arrive signed in (a new session). */
  private async setPassword(req: WebRequest, res: Response, prefix: 'reset' | 'invitation'): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const token = textOf(body, 'token');
    const page = { titleKey: `${prefix}.title`, action: prefix === 'reset' ? '/password/reset' : '/invitation', prefix, lead: prefix === 'invitation', token };
    const { value, errors } = await validateWithDto(prefix === 'reset' ? ResetPasswordDto : AcceptInvitationDto, { token, password: textOf(body, 'password') });
    if (errors.some((e) => e.field === 'token')) return this.pages.render(req, res, 'account/password-set', { ...page, invalid: true }, 400);
    if (errors.length > 0) return this.pages.render(req, res, 'account/password-set', { ...page, errors: { password: this.pages.t(req.web.locale, 'reset.errors.password') } }, 400);
    try {
      const answer = prefix === 'reset' ? await this.lifecycle.resetPassword(value.token, value.password, req.ip ?? '') : await this.lifecycle.acceptInvitation(value.token, value.password, req.ip ?? '');
      await this.pages.signIn(req, res, answer, { key: prefix === 'reset' ? 'reset.done' : 'invitation.done' });
      res.redirect(303, homeOf(answer.user.role));
    } catch (error) {
      if (!isTokenRefusal(error) || error instanceof HttpException === false) throw error;
      await this.pages.render(req, res, 'account/password-set', { ...page, invalid: true }, 400);
    }
  }
}
