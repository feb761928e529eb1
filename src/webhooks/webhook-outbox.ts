import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { webhookBody, WebhookEventData, WebhookEventType } from './webhook-events';

/**
 * Writes one event for every active webhook subscribed to its type, inside the caller's
 * transaction: the deliveries exist if and only if their cause committed, and the dispatcher
 * (worker) sends them. One statement; with no subscriber it inserts nothing.
 * Every subscriber gets the same `webhook-id` (`msg_<uuid>`) for one event.
 */
export async function enqueueWebhookEvent<T extends WebhookEventType>(em: EntityManager, type: T, data: WebhookEventData[T], now: Date): Promise<void> {
  await em.query(
    `INSERT INTO webhook_deliveries (webhook_id, message_id, event_type, payload, next_attempt_at, created_at)
     SELECT w.id, $1, $2, $3, $4, $4 FROM webhooks w WHERE w.active AND w.events @> ARRAY[$2]::text[]`,
    [`msg_${randomUUID().replace(/-/g, '')}`, type, webhookBody(type, now, data), now],
  );
}
