import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import type { Role } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { pickPageLocale } from './i18n/catalogue';
import { csrfMatches, SESSION_COOKIE, WebSessionService } from './session/web-session.service';
import { CSRF_IN_MULTIPART_BODY, CsrfRefused, isMultipart, parseCookies, WEB_ROLES, WebRedirect, WebRequest } from './web-context';

export const LANG_COOKIE = 'guichet_lang';

export class WebForbidden extends Error {}

/**
 * Every page goes through here (the API's bearer guard lets pages through: they are @Public).
 * It reads the session and, as the API's guard does, re-reads the account on each request, so
 * a deactivated or erased account, or one whose tokens were revoked, is signed out at once. Then: the page's language; a POST
 * without the session's CSRF token is refused (403) before anything else (a multipart upload
 * sent without JavaScript carries it as its first field, which the upload route checks before
 * the file part: see CsrfInMultipartBody); a page for signed-in
 * users sends a visitor to the login page (and back afterwards); a role that may never see the
 * page gets 403.
 */
@Injectable()
export class WebGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessionService,
    private readonly accounts: UsersRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WebRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const cookies = parseCookies(req.headers.cookie);
    let session = await this.sessions.read(cookies[SESSION_COOKIE]);
    let user: AuthUser | null = null;
    let savedViewsVersion: number | undefined;
    if (session?.data.userId) {
      const account = await this.activeAccount(session.data.userId, session.data.tokenVersion);
      user = account?.user ?? null;
      savedViewsVersion = account?.savedViewsVersion;
      if (!user) {
        await this.sessions.destroy(session);
        session = null;
      }
    }
    const lang = req.query.lang;
    if (lang === 'fr' || lang === 'en') {
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: this.sessions.secureCookie, path: '/', maxAge: 365 * 24 * 3600 * 1000 });
      cookies[LANG_COOKIE] = lang;
    }
    const locale = pickPageLocale({ query: lang, cookie: cookies[LANG_COOKIE], userLocale: user?.locale, acceptLanguage: req.headers['accept-language'] });
    req.web = { session, user, locale, cookies, savedViewsVersion };

    if (req.method === 'POST') {
      if (!isMultipart(req)) {
        if (!csrfMatches(session, (req.body as Record<string, unknown> | undefined)?._csrf)) throw new CsrfRefused();
      } else if (!csrfMatches(session, req.headers['x-csrf-token'])) {
        // a file upload: the page's script sends the token in a header; a form posted without
        // JavaScript sends it as the first field, which only the upload route reads (before the file)
        if (!this.reflector.getAllAndOverride<boolean | undefined>(CSRF_IN_MULTIPART_BODY, [context.getHandler(), context.getClass()])) throw new CsrfRefused();
        req.web.csrfPending = true;
      }
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(WEB_ROLES, [context.getHandler(), context.getClass()]);
    if (roles === undefined) return true;
    if (!user) {
      const next = req.method === 'GET' ? req.originalUrl : '/applications';
      throw new WebRedirect(`/login?next=${encodeURIComponent(next)}`);
    }
    if (roles.length > 0 && !roles.includes(user.role)) throw new WebForbidden();
    return true;
  }

  /**
   * The account, if it may still use this session: active, not erased, and with the token version
   * the session was opened with — a password change or reset, a logout everywhere or an erasure
   * moves the version on, which closes every session as it refuses every API token.
   */
  private async activeAccount(id: string, tokenVersion: unknown): Promise<{ user: AuthUser; savedViewsVersion: number } | null> {
    if (!Number.isInteger(tokenVersion)) return null;
    // the API guard's lookup: a session has no token id of its own to be logged out alone
    const row = await this.accounts.sessionAccount(id, tokenVersion as number, null);
    if (!row) return null;
    return {
      user: { id: row.id, role: row.role, email: row.email, fullName: row.full_name, locale: row.locale, programmes: row.programmes, emailVerified: row.email_verified },
      savedViewsVersion: row.saved_views_version,
    };
  }
}
