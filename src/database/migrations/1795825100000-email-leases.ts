import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email sender claims a row with a lease (`lease_id`, `locked_until`) in its own short
 * statement, sends over SMTP without any transaction open, then records the outcome only if the
 * lease is still its own. A worker killed mid-send leaves a lease that lapses: the relay hands
 * the email out again. Adding two nullable columns is a catalogue change (no table rewrite).
 */
export class EmailLeases1795825100000 implements MigrationInterface {
  name = 'EmailLeases1795825100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE emails ADD COLUMN lease_id uuid, ADD COLUMN locked_until timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE emails DROP COLUMN lease_id, DROP COLUMN locked_until`);
  }
}
