import { Module } from '@nestjs/common';
import { WebhookDispatcherService } from './webhook-dispatcher.service';
import { WebhooksRepository } from './webhooks.repository';

/** Worker side: the dispatcher that sends `webhook_deliveries`. */
@Module({ providers: [WebhooksRepository, WebhookDispatcherService], exports: [WebhookDispatcherService] })
export class WebhooksWorkerModule {}
