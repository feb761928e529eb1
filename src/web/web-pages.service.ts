import { staffNav, type NavLink } from './pages/staff/staff-nav';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../common/clock';
import { canonicalInboxQuery } from '../saved-views/saved-view-rules';
import { type SavedView, SavedViewsService } from '../saved-views/saved-views.service';
import { STAFF_ROLES } from '../users/user.entity';
import type { PageLocale } from './i18n/catalogue';
import { KeptByVersion } from './kept-by-version';
import { SESSION_COOKIE, Session, WebSessionService } from './session/web-session.service';
import { WebContext, WebRequest } from './web-context';
import { assetUrls } from './views/assets';
import { PageRoot, WebViews } from './views/web-views';

export interface PageData {
  /** catalogue key of the page's <title> and <h1> */
  titleKey: string;
  titleParams?: Record<string, unknown>;
  /** field → message (already translated), shown in the error summary and beside each field */
  errors?: Record<string, string>;
  [key: string]: unknown;
}

/** Renders pages and keeps the session cookie: what every web controller shares. */
@Injectable()
export class WebPages implements OnModuleInit {
  private views: WebViews | null = null;
  private assets: { css: string; js: string } | null = null;
  /** each staff member's saved views, kept while their account's counter of changes stays the same */
  private readonly keptViews = new KeptByVersion<SavedView[]>();

  constructor(
    private readonly sessions: WebSessionService,
    private readonly clock: Clock,
    private readonly savedViews: SavedViewsService,
  ) {}

  onModuleInit(): void {
    this.views = WebViews.load();
    this.assets = assetUrls();
  }

  private get loaded(): { views: WebViews; assets: { css: string; js: string } } {
    if (!this.views || !this.assets) this.onModuleInit();
    return { views: this.views as WebViews, assets: this.assets as { css: string; js: string } };
  }

  t(locale: PageLocale, key: string, params?: Record<string, unknown>): string {
    return this.loaded.views.t(locale, key, params);
  }

  /** Renders `page` in the layout, with the session's CSRF token and its pending message. */
  async render(req: WebRequest, res: Response, page: string, data: PageData, status = 200): Promise<void> {
    const { views, assets } = this.loaded;
    const web: WebContext = req.web ?? { session: null, user: null, locale: 'fr', cookies: {} };
    let flash: string | null = null;
    if (web.session?.data.flash) {
      flash = views.t(web.locale, web.session.data.flash.key, web.session.data.flash.params);
      web.session.data.flash = null;
      await this.sessions.save(web.session);
    }
    const errorList = data.errors ? Object.entries(data.errors).map(([field, message]) => ({ field, message })) : [];
    const other: PageLocale = web.locale === 'fr' ? 'en' : 'fr';
    const url = new URL(req.originalUrl, 'http://page');
    url.searchParams.set('lang', other);
    const title = views.t(web.locale, data.titleKey, data.titleParams);
    const staffNav = web.user && (STAFF_ROLES as readonly string[]).includes(web.user.role) ? await this.staffNav(web, web.user, url) : null;
    const root: PageRoot = {
      ...data,
      locale: web.locale,
      title,
      documentTitle: errorList.length > 0 ? views.t(web.locale, 'layout.errorTitle', { title }) : title,
      csrfToken: web.session?.data.csrf ?? null,
      user: web.user ? { fullName: web.user.fullName, role: web.user.role } : null,
      isFounder: web.user?.role === 'founder',
      // a founder who has not confirmed their address is told how to, on every page (they cannot submit before)
      unverifiedEmail: web.user?.role === 'founder' && !web.user.emailVerified ? web.user.email : null,
      errors: data.errors ?? {},
      errorList,
      flash,
      otherLocale: { locale: other, href: `${url.pathname}${url.search}`, label: views.t(other, 'layout.languageName') },
      assets,
      path: url.pathname,
      staffNav,
      localeOptions: [
        { value: 'fr', label: views.t('fr', 'layout.languageName') },
        { value: 'en', label: views.t('en', 'layout.languageName') },
      ],
      yesNo: [
        { value: 'true', label: views.t(web.locale, 'form.yes') },
        { value: 'false', label: views.t(web.locale, 'form.no') },
      ],
    };
    res.status(status);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // personal pages: never kept by a shared cache or the back button of a signed-out browser
    res.setHeader('Cache-Control', 'no-store');
    // written as it is: a page kept by nobody needs no ETag (Express's send would hash it)
    const body = Buffer.from(views.render(page, root), 'utf8');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }

  /**
   * The staff's navigation: their workspace's pages (the administration's for admins) and their
   * saved inbox views, the one matching this inbox address marked as the current page.
   */
  private async staffNav(web: WebContext, user: { id: string; role: string }, url: URL): Promise<{ links: NavLink[]; views: { name: string; query: string; current: boolean }[] }> {
    const inbox = url.pathname === '/staff/inbox';
    const here = inbox ? canonicalInboxQuery(Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key)]))) : null;
    // an error page is still shown when the views cannot be read (the database is away)
    const saved = await this.savedViewsOf(web, user.id).catch(() => []);
    const views = saved.map((v) => ({ name: v.name, query: v.query, current: here !== null && !url.searchParams.has('cursor') && v.query === here }));
    return { links: staffNav(user, url.pathname, !views.some((v) => v.current)), views };
  }

  /**
   * The saved inbox views of the signed-in staff member, read once per request: a staff page that
   * shows them too (the inbox) reads them beside its own data, and the navigation then costs no
   * round trip after the page's queries.
   */
  savedViewsOf(web: WebContext, userId: string): Promise<SavedView[]> {
    web.savedViews ??= this.keptViews.read(userId, web.savedViewsVersion, () => this.savedViews.list(userId));
    return web.savedViews;
  }

  /** A bare fragment (the routing preview the page's script refreshes). */
  fragment(req: WebRequest, res: Response, page: string, data: Record<string, unknown>): void {
    const { views } = this.loaded;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.send(views.renderFragment(page, { ...data, locale: req.web.locale } as unknown as PageRoot));
  }

  /** A form needs a CSRF token, hence a session, even before signing in (login, sign-up). */
  async ensureSession(req: WebRequest, res: Response): Promise<Session> {
    if (req.web.session) return req.web.session;
    const session = await this.sessions.create(null, this.clock.now());
    this.setCookie(res, session);
    req.web.session = session;
    return session;
  }

  /**
   * Signing in, from what the account service answered (the API's `{accessToken, user}`): a new
   * session id (the old one is destroyed, so an id planted before is worthless), bound to the
   * token version the access token carries.
   */
  async signIn(req: WebRequest, res: Response, signedIn: { accessToken: string; user: { id: string } }, flash?: { key: string; params?: Record<string, string> }): Promise<void> {
    await this.sessions.destroy(req.web.session);
    const session = await this.sessions.create(signedIn.user.id, this.clock.now(), tokenVersionOf(signedIn.accessToken));
    if (flash) {
      session.data.flash = flash;
      await this.sessions.save(session);
    }
    this.setCookie(res, session);
  }

  async signOut(req: WebRequest, res: Response): Promise<void> {
    await this.sessions.destroy(req.web.session);
    req.web.session = null;
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: this.sessions.secureCookie, path: '/' });
  }

  async flash(req: WebRequest, key: string, params?: Record<string, string>): Promise<void> {
    const session = req.web.session;
    if (!session) return;
    session.data.flash = { key, params };
    await this.sessions.save(session);
  }

  private setCookie(res: Response, session: Session): void {
    res.cookie(SESSION_COOKIE, this.sessions.cookieValue(session), { httpOnly: true, sameSite: 'lax', secure: this.sessions.secureCookie, path: '/' });
  }
}

/** The `ver` claim of an access token we just signed (no need to verify our own signature). */
export function tokenVersionOf(accessToken: string): number {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { ver?: unknown };
  if (!Number.isInteger(claims.ver)) throw new Error('the access token carries no token version');
  return claims.ver as number;
}
