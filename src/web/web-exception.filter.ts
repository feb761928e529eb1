import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '../common/http/http-error.filter';
import { CsrfRefused, WebRedirect, WebRequest } from './web-context';
import { WebForbidden } from './web.guard';
import { WebPages } from './web-pages.service';

/**
 * Pages answer errors as pages, in the page's language: 403 (CSRF refused, a role that may
 * not see the page), 404 (another founder's application looks exactly like one that does not
 * exist), 429, and 500/503 without any detail. A WebRedirect becomes a 303.
 */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebPages');

  constructor(private readonly pages: WebPages) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<WebRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof WebRedirect) {
      res.redirect(303, exception.location);
      return;
    }
    let status = 500;
    if (exception instanceof CsrfRefused || exception instanceof WebForbidden) status = 403;
    else if (exception instanceof HttpException) status = exception.getStatus();
    else if (isDatabaseUnavailable(exception)) status = 503;
    if (status >= 500) {
      this.logger.error({ err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : exception, path: req.path }, 'page failed');
    }
    const page = status === 404 ? 'not-found' : status === 403 ? (exception instanceof CsrfRefused ? 'csrf' : 'forbidden') : status === 429 ? 'too-many' : status >= 500 ? 'server-error' : 'bad-request';
    // the API's rate-limit exceptions say how long to wait (`retryAfterSeconds`): the page sends it too
    const retry = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (status === 429 && typeof retry === 'number' && Number.isFinite(retry)) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retry))));
    try {
      await this.pages.render(req, res, `errors/${page}`, { titleKey: `errors.${page}.title` }, status);
    } catch (error) {
      this.logger.error({ err: { message: (error as Error).message } }, 'error page failed');
      if (!res.headersSent) res.status(status).type('text/plain').send(String(status));
    }
  }
}
