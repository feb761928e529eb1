import { Controller, Get, NotFoundException, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../../common/http/auth.decorators';
import { DigestsService } from '../../../digests/digests.service';
import { EmailLogRepository } from '../../../notifications/email-log.repository';
import { TEMPLATE_NAMES } from '../../../notifications/templates/template-contexts';
import { isQueueName, JOB_STATES, QueueDashboardService } from '../../../queue/queue-dashboard.service';
import { UsersService } from '../../../users/users.service';
import { SignedIn, WebRequest } from '../../web-context';
import { WebExceptionFilter } from '../../web-exception.filter';
import { WebGuard } from '../../web.guard';
import { WebPages } from '../../web-pages.service';
import { pageProblemOf } from '../staff/page-problems';

const EMAIL_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The digest's HTML is shown in a sandboxed frame from this origin, under a CSP of its own: no
 * script at all, nothing loaded from anywhere but inline styles and images of the email itself,
 * framed only by our own pages. Never injected into the page.
 */
export const DIGEST_FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox";

/**
 * The admin's operations pages: the email log with filters and pagination (the API's
 * `GET /emails`, same repository), the weekly digest preview (`GET /digests/preview`, same
 * service) and the queues' dashboard with the retry of a failed job.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn('admin')
@Controller('admin')
export class AdminOperationsController {
  constructor(
    private readonly pages: WebPages,
    private readonly emailLog: EmailLogRepository,
    private readonly digests: DigestsService,
    private readonly users: UsersService,
    private readonly queues: QueueDashboardService,
  ) {}

  @Get('emails')
  async emails(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const locale = req.web.locale;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(locale, key, params);
    const text = (name: string): string => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const filters = { recipient: text('recipient'), template: text('template'), status: text('status') };
    const cursor = text('cursor');
    const errors: Record<string, string> = {};
    if (filters.recipient.length > 254) errors.recipient = t('admin.emails.errors.recipient');
    if (filters.template && !(TEMPLATE_NAMES as readonly string[]).includes(filters.template)) errors.template = t('admin.emails.errors.template');
    if (filters.status && !(EMAIL_STATUSES as readonly string[]).includes(filters.status)) errors.status = t('admin.emails.errors.status');
    const ok = Object.keys(errors).length === 0;
    const page = ok ? await this.emailLog.list({ recipient: filters.recipient || undefined, template: filters.template || undefined, status: filters.status || undefined, limit: 25, cursor: cursor || undefined }) : { items: [], nextCursor: null };
    const link = (nextCursor: string | null): string => {
      const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
      if (nextCursor) params.set('cursor', nextCursor);
      const qs = params.toString();
      return `/admin/emails${qs ? `?${qs}` : ''}`;
    };
    await this.pages.render(
      req,
      res,
      'admin/emails',
      {
        titleKey: 'admin.emails.title',
        wide: true,
        filters,
        templateOptions: TEMPLATE_NAMES.map((name) => ({ value: name, label: name })),
        statusOptions: EMAIL_STATUSES.map((s) => ({ value: s, label: t(`admin.emails.statuses.${s}`) })),
        emails: page.items,
        next: page.nextCursor ? link(page.nextCursor) : null,
        first: cursor ? link(null) : null,
        errors,
      },
      ok ? 200 : 400,
    );
  }

  @Get('digests/preview')
  async digestPreview(@Req() req: WebRequest, @Res() res: Response, @Query('userId') userId?: string): Promise<void> {
    const t = (key: string): string => this.pages.t(req.web.locale, key);
    const recipients = await this.digestRecipients();
    const chosen = typeof userId === 'string' && userId !== '' ? userId.toLowerCase() : '';
    const errors: Record<string, string> = {};
    let preview: { subject: string; text: string } | null = null;
    if (chosen !== '') {
      if (!UUID.test(chosen)) errors.userId = t('admin.digests.errors.userId');
      else {
        try {
          const rendered = await this.digests.preview(chosen);
          preview = { subject: rendered.subject, text: rendered.text };
        } catch (error) {
          if ((error as { status?: number }).status !== 404) throw error;
          errors.userId = t('admin.digests.errors.noDigest');
        }
      }
    }
    await this.pages.render(
      req,
      res,
      'admin/digest-preview',
      {
        titleKey: 'admin.digests.title',
        wide: true,
        recipients: recipients.map((r) => ({ ...r, selected: r.value === chosen })),
        userId: chosen,
        preview,
        frameSrc: preview ? `/admin/digests/preview/html?userId=${encodeURIComponent(chosen)}` : null,
        errors,
      },
      Object.keys(errors).length > 0 ? (errors.userId === t('admin.digests.errors.noDigest') ? 404 : 400) : 200,
    );
  }

  /** The digest's HTML alone, for the preview's sandboxed frame (see DIGEST_FRAME_CSP). */
  @Get('digests/preview/html')
  async digestHtml(@Res() res: Response, @Query('userId') userId?: string): Promise<void> {
    if (typeof userId !== 'string' || !UUID.test(userId)) {
      res.status(400).type('text/plain').send('userId must be a user id');
      return;
    }
    const rendered = await this.digests.preview(userId.toLowerCase());
    res.setHeader('Content-Security-Policy', DIGEST_FRAME_CSP);
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html; charset=utf-8').send(rendered.html);
  }

  @Get('queues')
  async queuesPage(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const [counts, failed] = await Promise.all([this.queues.counts(), this.queues.lastFailed(20)]);
    await this.pages.render(req, res, 'admin/queues', {
      titleKey: 'admin.queues.title',
      wide: true,
      states: JOB_STATES,
      counts: counts.map((c) => ({ queue: c.queue, cells: JOB_STATES.map((s) => ({ state: s, value: c.counts[s] })) })),
      failed,
    });
  }

  @Post('queues/:queue/jobs/:jobId/retry')
  async retry(@Req() req: WebRequest, @Res() res: Response, @Param('queue') queue: string, @Param('jobId') jobId: string): Promise<void> {
    if (!isQueueName(queue) || !/^[\w:.-]{1,200}$/.test(jobId)) {
      throw new NotFoundException('No such job');
    }
    try {
      await this.queues.retry(queue, jobId);
      await this.pages.flash(req, 'admin.queues.retried', { job: jobId });
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem || problem.status !== 422) throw error;
      await this.pages.flash(req, 'admin.queues.notFailed', { job: jobId });
    }
    res.redirect(303, '/admin/queues');
  }

  /** Who receives a digest: advisors and programme managers (the first 200, by creation). */
  private async digestRecipients(): Promise<{ value: string; label: string }[]> {
    const [advisors, managers] = await Promise.all([this.users.list({ role: 'advisor', limit: 100 }), this.users.list({ role: 'programme_manager', limit: 100 })]);
    return [...managers.items, ...advisors.items].filter((u) => u.active).map((u) => ({ value: u.id, label: `${u.fullName} (${u.email})` }));
  }
}
