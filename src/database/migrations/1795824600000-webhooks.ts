import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks: the subscriptions an admin registers, and `webhook_deliveries`, which is the
 * outbox, the retry schedule and the delivery log at once (as `emails` is for emails).
 * A delivery row (one per subscription × event) is inserted in the transaction of its cause;
 * the worker claims due rows with a lease (`locked_until`, `lease_id`), commits, posts, then
 * records the attempt. `message_id` is the `webhook-id` header: the same on every retry and
 * replay. `payload` is the exact body that is signed (ids, references, statuses, slugs only).
 */
export class Webhooks1795824600000 implements MigrationInterface {
  name = 'Webhooks1795824600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url         text NOT NULL CHECK (length(url) <= 2048),
        events      text[] NOT NULL CHECK (cardinality(events) >= 1),
        secret      text NOT NULL,
        active      boolean NOT NULL DEFAULT true,
        created_by  uuid REFERENCES users (id),
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at  timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // producers look up the active subscribers of one event type in the cause's transaction
    await q.query(`CREATE INDEX webhooks_events_idx ON webhooks USING gin (events) WHERE active`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id            uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        message_id            text NOT NULL,
        event_type            text NOT NULL,
        payload               text NOT NULL,
        status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts              integer NOT NULL DEFAULT 0,
        round_attempts        integer NOT NULL DEFAULT 0,
        round_started_at      timestamptz(3),
        next_attempt_at       timestamptz(3) NOT NULL,
        locked_until          timestamptz(3),
        lease_id              uuid,
        last_attempt_at       timestamptz(3),
        last_status_code      integer,
        last_error            text,
        last_response_excerpt text,
        delivered_at          timestamptz(3),
        created_at            timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // one message per subscription: a replayed cause cannot yield a second message to one receiver
    await q.query(`CREATE UNIQUE INDEX webhook_deliveries_message_idx ON webhook_deliveries (webhook_id, message_id)`);
    // what the dispatcher scans: pending rows by due time
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    // the delivery log of one webhook, newest first
    await q.query(`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
  }
}
