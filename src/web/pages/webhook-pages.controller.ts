import { Controller, Get, HttpException, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../auth/auth-user';
import { Public } from '../../common/http/auth.decorators';
import { UuidParamPipe } from '../../common/http/is-uuid.pipe';
import type { FieldError } from '../../common/http/validation';
import { CreateWebhookDto, UpdateWebhookDto } from '../../webhooks/dto/webhook.dto';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/webhook-events';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { listOf, textOf, validateWithDto } from '../forms/form-validation';
import { SignedIn, WebRequest } from '../web-context';
import { WebExceptionFilter } from '../web-exception.filter';
import { WebGuard } from '../web.guard';
import { WebPages } from '../web-pages.service';

/**
 * `/admin/webhooks` (admins): the registered webhooks, registering one (its secret shown on the
 * answer page, once), editing, pausing, deleting, and each one's delivery log with a replay
 * button. The same service as the API's `/webhooks` routes, with the same URL checks.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('admin/webhooks')
@SignedIn('admin')
export class WebhookPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    await this.renderList(req, res, {}, { url: '', events: [] }, null, 200);
  }

  @Post()
  async create(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const form = { url: textOf(body, 'url'), events: listOf(body, 'events') };
    const { value, errors } = await validateWithDto(CreateWebhookDto, form);
    if (errors.length > 0) return this.renderList(req, res, this.messages(req, errors), form, null, 400);
    try {
      const created = await this.webhooks.create(req.web.user as AuthUser, value);
      await this.renderList(req, res, {}, { url: '', events: [] }, { url: created.url, secret: created.secret }, 200);
    } catch (error) {
      const fields = fieldErrorsOf(error);
      if (!fields) throw error;
      await this.renderList(req, res, this.messages(req, fields, true), form, null, 400);
    }
  }

  @Get(':id')
  async show(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const hook = await this.webhooks.get(id);
    await this.renderShow(req, res, id, {}, { url: hook.url, events: hook.events, active: hook.active }, 200);
  }

  @Post(':id')
  async update(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const form = { url: textOf(body, 'url'), events: listOf(body, 'events'), active: textOf(body, 'paused') !== 'true' };
    const { value, errors } = await validateWithDto(UpdateWebhookDto, form);
    if (errors.length > 0) return this.renderShow(req, res, id, this.messages(req, errors), form, 400);
    try {
      await this.webhooks.update(id, value);
    } catch (error) {
      const fields = fieldErrorsOf(error);
      if (!fields) throw error;
      return this.renderShow(req, res, id, this.messages(req, fields, true), form, 400);
    }
    await this.pages.flash(req, 'webhooksAdmin.saved');
    res.redirect(303, `/admin/webhooks/${id}`);
  }

  @Post(':id/delete')
  async remove(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.webhooks.remove(id);
    await this.pages.flash(req, 'webhooksAdmin.deleted');
    res.redirect(303, '/admin/webhooks');
  }

  @Post(':id/deliveries/:deliveryId/replay')
  async replay(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string, @Param('deliveryId', UuidParamPipe) deliveryId: string): Promise<void> {
    await this.webhooks.replay(id, deliveryId);
    await this.pages.flash(req, 'webhooksAdmin.replayed');
    res.redirect(303, `/admin/webhooks/${id}#deliveries`);
  }

  /** One message per failing field, in the page's language (the URL's own reason kept: it says what is refused). */
  private messages(req: WebRequest, errors: FieldError[], keepUrlReason = false): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of errors) {
      const field = e.field.replace(/\[\d+\]$/, '');
      if (field === 'url') out.url = keepUrlReason ? e.messages.join(' ') : this.pages.t(req.web.locale, 'webhooksAdmin.errors.url');
      else if (field === 'events') out.events = this.pages.t(req.web.locale, 'webhooksAdmin.errors.events');
    }
    return out;
  }

  private eventItems(): { value: string; label: string }[] {
    return WEBHOOK_EVENT_TYPES.map((e) => ({ value: e, label: e }));
  }

  private async renderList(req: WebRequest, res: Response, errors: Record<string, string>, form: { url: string; events: string[] }, created: { url: string; secret: string } | null, status: number): Promise<void> {
    const page = await this.webhooks.list(100, undefined);
    await this.pages.render(req, res, 'admin/webhooks', { titleKey: 'webhooksAdmin.title', items: page.items, eventItems: this.eventItems(), form, created, errors }, status);
  }

  private async renderShow(req: WebRequest, res: Response, id: string, errors: Record<string, string>, form: { url: string; events: string[]; active: boolean }, status: number): Promise<void> {
    const hook = await this.webhooks.get(id);
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const deliveries = await this.webhooks.deliveries(id, 50, cursor);
    await this.pages.render(
      req,
      res,
      'admin/webhook',
      {
        titleKey: 'webhooksAdmin.editTitle',
        hook,
        form,
        eventItems: this.eventItems(),
        deliveries: deliveries.items,
        nextHref: deliveries.nextCursor ? `/admin/webhooks/${id}?cursor=${encodeURIComponent(deliveries.nextCursor)}#deliveries` : null,
        errors,
      },
      status,
    );
  }
}

function fieldErrorsOf(error: unknown): FieldError[] | null {
  if (!(error instanceof HttpException) || error.getStatus() !== 400) return null;
  const body = error.getResponse() as { errors?: FieldError[] };
  return Array.isArray(body.errors) ? body.errors : null;
}
