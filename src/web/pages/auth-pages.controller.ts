import { Controller, Get, HttpException, Post, Req, Res, UnauthorizedException, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/http/auth.decorators';
import { AuthService } from '../../auth/auth.service';
import { LoginDto } from '../../auth/dto/login.dto';
import { RegisterDto } from '../../auth/dto/register.dto';
import { STAFF_ROLES } from '../../users/user.entity';
import { textOf, validateWithDto } from '../forms/form-validation';
import { safeReturnPath, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';

/** Where a user lands after signing in when no page was asked for. */
export function homeOf(role: string): string {
  if (role === 'partner') return '/partner/referrals';
  return (STAFF_ROLES as readonly string[]).includes(role) ? '/staff/inbox' : '/applications';
}

/** Sign-up, sign-in, sign-out: the same services, rules and rate limits as the API's /auth routes. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class AuthPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly auth: AuthService,
  ) {}

  @Get('signup')
  async signupForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    if (req.web.user) return res.redirect(303, homeOf(req.web.user.role));
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/signup', { titleKey: 'signup.title', form: { locale: req.web.locale } });
  }

  @Post('signup')
  async signup(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const form = { fullName: textOf(body, 'fullName'), email: textOf(body, 'email'), locale: textOf(body, 'locale') || req.web.locale };
    const { value, errors } = await validateWithDto(RegisterDto, { ...form, password: textOf(body, 'password') });
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const fieldErrors: Record<string, string> = {};
    for (const error of errors) fieldErrors[error.field] ??= t(`signup.errors.${error.field}`);
    if (Object.keys(fieldErrors).length === 0) {
      try {
        const signedUp = await this.auth.register(value, req.ip ?? '');
        await this.pages.signIn(req, res, signedUp, { key: 'verify.signupDone', params: { email: signedUp.user.email } });
        return res.redirect(303, '/applications');
      } catch (error) {
        if (!(error instanceof HttpException) || (error.getStatus() !== 409 && error.getStatus() !== 429)) throw error;
        if (error.getStatus() === 429) throw error;
        fieldErrors.email = t('signup.errors.taken');
      }
    }
    await this.pages.render(req, res, 'account/signup', { titleKey: 'signup.title', form, errors: fieldErrors }, 400);
  }

  @Get('login')
  async loginForm(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const next = safeReturnPath(req.query.next);
    if (req.web.user) return res.redirect(303, next ?? homeOf(req.web.user.role));
    await this.pages.ensureSession(req, res);
    await this.pages.render(req, res, 'account/login', { titleKey: 'login.title', next, signedOut: req.query.signedOut === '1', verified: req.query.verified === '1', form: {} });
  }

  @Post('login')
  async login(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const next = safeReturnPath(textOf(body, 'next'));
    const form = { email: textOf(body, 'email') };
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const { value, errors } = await validateWithDto(LoginDto, { email: form.email, password: textOf(body, 'password') });
    let fieldErrors: Record<string, string> = {};
    for (const error of errors) fieldErrors[error.field] ??= t(`login.errors.${error.field}`);
    if (Object.keys(fieldErrors).length === 0) {
      try {
        const signedIn = await this.auth.login(value, req.ip ?? '');
        const { user } = signedIn;
        await this.pages.signIn(req, res, signedIn);
        return res.redirect(303, next ?? homeOf(user.role));
      } catch (error) {
        if (!(error instanceof UnauthorizedException)) throw error;
        // the same message for an unknown address and a wrong password, as the API
        fieldErrors = { email: t('login.errors.credentials') };
      }
    }
    await this.pages.render(req, res, 'account/login', { titleKey: 'login.title', next, form, errors: fieldErrors }, 400);
  }

  @Post('logout')
  async logout(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.pages.signOut(req, res);
    res.redirect(303, '/login?signedOut=1');
  }
}
