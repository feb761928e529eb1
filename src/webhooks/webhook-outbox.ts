/**
 * Where producers in every folder import the webhook outbox's writer from: `enqueueWebhookEvent`
 * lives with the rest of the webhook tables' SQL in WebhooksRepository's file.
 */
export { enqueueWebhookEvent, webhookEventInsert } from './webhooks.repository';
