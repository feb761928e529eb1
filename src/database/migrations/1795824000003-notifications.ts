import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One table is the transactional outbox, the idempotency ledger and the email log at once:
 * a row is written in the same transaction as its cause (unique `dedupe_key` per logical event,
 * template and recipient, so a cause never yields two emails), relayed to BullMQ by the worker,
 * and marked `sent` under a row lock once the SMTP server accepted it.
 * Rows carry ids only (`data`); the sender re-reads the database to render.
 */
export class Notifications1795824000003 implements MigrationInterface {
  name = 'Notifications1795824000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE emails (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key       text NOT NULL,
        template         text NOT NULL,
        recipient_id     uuid REFERENCES users (id),
        recipient_email  text,
        application_id   uuid REFERENCES applications (id),
        data             jsonb NOT NULL DEFAULT '{}',
        status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
        attempts         integer NOT NULL DEFAULT 0,
        last_error       text,
        relay_count      integer NOT NULL DEFAULT 0,
        available_at     timestamptz(3) NOT NULL DEFAULT now(),
        relayed_at       timestamptz(3),
        sent_at          timestamptz(3),
        smtp_message_id  text,
        created_at       timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX emails_dedupe_key ON emails (dedupe_key)`);
    // what the relay scans: queued rows not yet (or long ago) handed to the queue
    await q.query(`CREATE INDEX emails_relay_idx ON emails (available_at) WHERE status = 'queued'`);
    // the admin's email log
    await q.query(`CREATE INDEX emails_log_idx ON emails (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX emails_recipient_idx ON emails (recipient_id, created_at DESC)`);
    await q.query(`CREATE INDEX emails_application_idx ON emails (application_id) WHERE application_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE emails`);
  }
}
