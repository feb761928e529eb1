import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { FieldValidationException } from '../common/http/validation';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { CreatedWebhookView, CreateWebhookDto, DeliveryView, UpdateWebhookDto, WebhookView } from './dto/webhook.dto';
import { systemResolver } from './webhook-sender';
import { generateWebhookSecret } from './webhook-signature';
import { checkWebhookUrlSyntax, resolveWebhookHost, Resolver, WebhookUrlError } from './webhook-url';
import { DeliveryRow, WebhookRow, WebhooksRepository } from './webhooks.repository';

/** Resolves webhook hosts when they are saved; tests give a stub. */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

/** Registering webhooks (admin), their delivery log and replays. Delivery is the dispatcher's. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {}

  async create(user: AuthUser, dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    const url = await this.checkedUrl(dto.url);
    const row = await this.repository.create({ url, events: dto.events, secret: generateWebhookSecret(), active: dto.active ?? true, createdBy: user.id }, this.clock.now());
    return { ...toView(row), secret: row.secret };
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<WebhookView>> {
    const rows = await this.repository.list(limit, decodeCursor(cursor, 2));
    return toPage(rows, limit, toView, (r) => [r.created_at.toISOString(), r.id]);
  }

  async get(id: string): Promise<WebhookView> {
    const row = await this.repository.find(id);
    if (!row) throw notFound();
    return toView(row);
  }

  async update(id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    const url = dto.url === undefined ? undefined : await this.checkedUrl(dto.url);
    const row = await this.repository.update(id, { url, events: dto.events, active: dto.active }, this.clock.now());
    if (!row) throw notFound();
    return toView(row);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.remove(id))) throw notFound();
  }

  async deliveries(webhookId: string, limit: number, cursor: string | undefined): Promise<Page<DeliveryView>> {
    const after = decodeCursor(cursor, 2);
    if (!(await this.repository.find(webhookId))) throw notFound();
    const rows = await this.repository.deliveries(webhookId, limit, after);
    return toPage(rows, limit, toDeliveryView, (r) => [r.created_at.toISOString(), r.id]);
  }

  async replay(webhookId: string, deliveryId: string): Promise<void> {
    if (!(await this.repository.replay(webhookId, deliveryId, this.clock.now()))) throw new NotFoundException('Delivery not found');
  }

  /** 400 naming `url` when it may not be used (see webhook-url.ts). */
  private async checkedUrl(raw: string): Promise<string> {
    const production = this.config.nodeEnv === 'production';
    try {
      const url = checkWebhookUrlSyntax(raw, production);
      if (production) await resolveWebhookHost(url, production, this.resolver);
      return url.toString();
    } catch (error) {
      if (error instanceof WebhookUrlError) throw new FieldValidationException([{ field: 'url', messages: [error.message] }]);
      throw error;
    }
  }
}

export const defaultWebhookResolver: Resolver = systemResolver;

function notFound(): NotFoundException {
  return new NotFoundException('Webhook not found');
}

function toView(r: WebhookRow): WebhookView {
  return { id: r.id, url: r.url, events: r.events, active: r.active, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() };
}

function toDeliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    messageId: r.message_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastResponse: r.last_response_excerpt,
    createdAt: r.created_at.toISOString(),
    lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}
