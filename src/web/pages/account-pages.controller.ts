import { Controller, Get, Post, Req, Res, UnauthorizedException, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountLifecycleService } from '../../auth/account-lifecycle.service';
import type { AuthUser } from '../../auth/auth-user';
import { ChangePasswordDto } from '../../auth/dto/account.dto';
import { FieldValidationException } from '../../common/http/validation';
import { Public } from '../../common/http/auth.decorators';
import { AuthService } from '../../auth/auth.service';
import { Clock } from '../../common/clock';
import { PrivacyService } from '../../privacy/privacy.service';
import { UsersService } from '../../users/users.service';
import { textOf, validateWithDto } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { LANG_COOKIE, WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';

/** Any user's account: language and digest preferences, and for founders the data export and erasure. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn()
@Controller('account')
export class AccountPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly users: UsersService,
    private readonly privacy: PrivacyService,
    private readonly auth: AuthService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.render(req, res, {}, 200);
  }

  @Post('preferences')
  async preferences(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const user = req.web.user as AuthUser;
    const locale = textOf(body, 'locale');
    if (locale !== 'fr' && locale !== 'en') return this.render(req, res, { locale: this.pages.t(req.web.locale, 'account.errors.locale') }, 400);
    const staff = user.role !== 'founder';
    await this.users.updatePreferences(user.id, { locale, ...(staff ? { weeklyDigest: textOf(body, 'weeklyDigest') === 'true' } : {}) });
    // the chosen language wins over an earlier choice made with the switch
    res.cookie(LANG_COOKIE, locale, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 * 1000, secure: req.secure });
    await this.pages.flash(req, 'account.saved');
    res.redirect(303, '/account');
  }

  /** A new password: the account's other sessions and API tokens stop working; this browser stays signed in (a new session). */
  @Post('password')
  async changePassword(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const user = req.web.user as AuthUser;
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const { value, errors } = await validateWithDto(ChangePasswordDto, { currentPassword: textOf(body, 'currentPassword'), newPassword: textOf(body, 'newPassword') });
    const fieldErrors: Record<string, string> = {};
    for (const error of errors) fieldErrors[error.field] ??= t(`account.errors.${error.field}`);
    if (Object.keys(fieldErrors).length > 0) return this.render(req, res, fieldErrors, 400);
    let accessToken: string;
    try {
      ({ accessToken } = await this.lifecycle.changePassword(user, value.currentPassword, value.newPassword));
    } catch (error) {
      if (!(error instanceof FieldValidationException)) throw error;
      return this.render(req, res, { currentPassword: t('account.errors.currentPassword') }, 400);
    }
    await this.pages.signIn(req, res, { accessToken, user }, { key: 'account.passwordChanged' });
    res.redirect(303, '/account');
  }

  /** Every session and API token of the account stops working, this one included. */
  @Post('logout-everywhere')
  async logoutEverywhere(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.lifecycle.logout(req.web.user as AuthUser, true);
    await this.pages.signOut(req, res);
    res.redirect(303, '/login?signedOut=1');
  }

  /** The GDPR export as a file to keep (same document and rate limit as GET /api/v1/me/export). */
  @Get('export')
  @SignedIn('founder')
  async export(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const data = await this.privacy.export(req.web.user as AuthUser);
    const day = this.clock.now().toISOString().slice(0, 10);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="guichet-export-${day}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(JSON.stringify(data, null, 2));
  }

  /** Erasure asks for the password again: a session left open on a shared computer cannot erase an account. */
  @Post('erase')
  @SignedIn('founder')
  async erase(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const user = req.web.user as AuthUser;
    const password = textOf(req.body as Record<string, unknown>, 'password');
    try {
      if (password === '') throw new UnauthorizedException();
      // the login check itself: same timing, same failure counting and lock-out as a sign-in
      await this.auth.login({ email: user.email, password }, req.ip ?? '');
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) throw error;
      return this.render(req, res, { password: this.pages.t(req.web.locale, 'account.errors.password') }, 400);
    }
    await this.privacy.erase(user);
    await this.pages.signOut(req, res);
    res.redirect(303, '/?erased=1');
  }

  private async render(req: WebRequest, res: Response, errors: Record<string, string>, status: number): Promise<void> {
    const user = req.web.user as AuthUser;
    const account = await this.users.get(user.id);
    await this.pages.render(
      req,
      res,
      'account/account',
      { titleKey: 'account.title', account: { fullName: account.fullName, email: account.email, role: account.role, locale: account.locale, weeklyDigest: account.weeklyDigest }, staff: user.role !== 'founder', errors },
      status,
    );
  }
}
