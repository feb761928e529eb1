import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { defaultWebhookResolver, WEBHOOK_RESOLVER, WebhooksService } from './webhooks.service';

/** API side: registering webhooks, the delivery log, replays. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, { provide: WEBHOOK_RESOLVER, useValue: defaultWebhookResolver }],
  exports: [WebhooksService],
})
export class WebhooksModule {}
