/**
 * Where producers in every folder import the outbox's writer from: `enqueueEmails` lives with
 * the rest of the `emails` table's SQL in EmailOutboxRepository's file; the email's shape and its
 * dedupe key in `outbox-email.ts`.
 */
export { enqueueEmails } from '../email-outbox.repository';
export { dedupeKey, type OutboxEmail } from './outbox-email';
