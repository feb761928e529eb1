import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals to partner organisations. `partners` are the outside organisations (incubators,
 * clusters) and the external programmes they serve; `partner_contacts` links each of their
 * contact people's `partner` accounts to one organisation. A `referral` sends one case to one
 * partner: `awaiting_consent` until the founder answers (`refused` ends it; `sent` shares it),
 * then the partner's answer (`accepted`, `declined`, `meeting`). `chased_step` remembers how far
 * the silence was chased (1: first reminder, 2: second, 3: escalated), so each goes out once.
 */
export class Referrals1795825000000 implements MigrationInterface {
  name = 'Referrals1795825000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partners (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind        text NOT NULL CHECK (kind IN ('incubator', 'cluster', 'other')),
        programmes  text[] NOT NULL DEFAULT '{}',
        created_at  timestamptz(3) NOT NULL,
        updated_at  timestamptz(3) NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX partners_name_idx ON partners (lower(name))`);
    await q.query(`
      CREATE TABLE partner_contacts (
        partner_id  uuid NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
        user_id     uuid NOT NULL UNIQUE REFERENCES users (id),
        created_at  timestamptz(3) NOT NULL,
        PRIMARY KEY (partner_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE referrals (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        partner_id      uuid NOT NULL REFERENCES partners (id),
        status          text NOT NULL CHECK (status IN ('awaiting_consent', 'refused', 'sent', 'accepted', 'declined', 'meeting')),
        note            text CHECK (length(note) <= 4000),
        reason          text CHECK (length(reason) <= 4000),
        referred_by     uuid REFERENCES users (id),
        answered_by     uuid REFERENCES users (id),
        chased_step     smallint NOT NULL DEFAULT 0,
        created_at      timestamptz(3) NOT NULL,
        consent_at      timestamptz(3),
        sent_at         timestamptz(3),
        answered_at     timestamptz(3),
        updated_at      timestamptz(3) NOT NULL
      )`);
    // one live referral of a case to a partner (a refused one may be asked again)
    await q.query(`CREATE UNIQUE INDEX referrals_live_idx ON referrals (application_id, partner_id) WHERE status <> 'refused'`);
    await q.query(`CREATE INDEX referrals_application_idx ON referrals (application_id)`);
    await q.query(`CREATE INDEX referrals_partner_idx ON referrals (partner_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX referrals_created_idx ON referrals (created_at DESC, id DESC)`);
    // the reminder scan reads the sent, unanswered ones; the report reads by sent_at
    await q.query(`CREATE INDEX referrals_unanswered_idx ON referrals (sent_at) WHERE status = 'sent' AND chased_step < 3`);
    await q.query(`CREATE INDEX referrals_sent_at_idx ON referrals (sent_at) WHERE sent_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE referrals`);
    await q.query(`DROP TABLE partner_contacts`);
    await q.query(`DROP TABLE partners`);
  }
}
