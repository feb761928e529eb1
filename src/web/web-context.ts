import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from '../auth/auth-user';
import type { Role } from '../users/user.entity';
import type { PageLocale } from './i18n/catalogue';
import type { SavedView } from '../saved-views/saved-views.service';
import type { Session } from './session/web-session.service';

/** What the web guard puts on each page request. */
export interface WebContext {
  session: Session | null;
  user: AuthUser | null;
  locale: PageLocale;
  cookies: Record<string, string>;
  /**
   * A multipart POST to a route marked @CsrfInMultipartBody whose token did not come in the
   * `X-CSRF-Token` header: the handler must check the `_csrf` field before the file part
   * (see multipartCsrfCheck) — nothing is done before that.
   */
  csrfPending?: boolean;
  /** The staff member's saved inbox views, read once per request (the page and the navigation both show them). */
  savedViews?: Promise<SavedView[]>;
  /** The account's count of changes to its saved views, read with the account (WebPages reuses views read at the same count). */
  savedViewsVersion?: number;
}

export type WebRequest = Request & { web: WebContext };

export const WEB_ROLES = 'guichet:web-roles';
/** The page needs a signed-in user with one of these roles (none listed: any signed-in user). */
export const SignedIn = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(WEB_ROLES, roles);

export const CSRF_IN_MULTIPART_BODY = 'guichet:csrf-in-multipart-body';
/**
 * The route takes a `multipart/form-data` upload: its CSRF token may come as the form's first
 * field (`_csrf`, before the file part) rather than be read by the guard, which cannot parse a
 * multipart body without reading the whole file first.
 */
export const CsrfInMultipartBody = (): MethodDecorator => SetMetadata(CSRF_IN_MULTIPART_BODY, true);

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

export const Web = createParamDecorator((_: unknown, ctx: ExecutionContext): WebContext => ctx.switchToHttp().getRequest<WebRequest>().web);

/** Thrown to send the browser elsewhere (303: the next request is a GET). */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
  }
}

/** A POST whose CSRF token is missing or wrong: 403, nothing done. */
export class CsrfRefused extends Error {
  constructor() {
    super('CSRF token missing or wrong');
  }
}

/** A local path to come back to after signing in; anything else (another site, `//host`) is dropped. */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 500) return null;
  if (!/^\/(?![/\\])[^\s\\]*$/.test(value)) return null;
  return value;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}
