import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Free text in a timeline event (a staff member's reason, which may name the founder) can be
 * erased without breaking the hash chain. An event written from now on has `sealed` =
 * `{salt}`: its hash covers sha256(salt ":" text) in place of the text (event-hash.ts). Erasure
 * replaces the text and keeps that digest in `sealed.erased`, so the chain still verifies.
 * The append-only trigger lets exactly that through: an UPDATE of `data` and `sealed` only, on a
 * sealed event, inside a transaction that said `SET LOCAL guichet.erasing = 'on'`.
 * Events written before this migration have no salt (their hash covers the text itself).
 */
export class ErasableEventTexts1795824200000 implements MigrationInterface {
  name = 'ErasableEventTexts1795824200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_events ADD COLUMN sealed jsonb`);
    await q.query(`
      CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('guichet.erasing', true) = 'on' AND OLD.sealed IS NOT NULL AND NEW.sealed IS NOT NULL
           AND NEW.sealed->>'salt' = OLD.sealed->>'salt'
           AND (NEW.id, NEW.application_id, NEW.seq, NEW.at, NEW.type, NEW.actor_id, NEW.actor_role, NEW.public, NEW.prev_hash, NEW.hash)
               IS NOT DISTINCT FROM (OLD.id, OLD.application_id, OLD.seq, OLD.at, OLD.type, OLD.actor_id, OLD.actor_role, OLD.public, OLD.prev_hash, OLD.hash) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'case_events is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`ALTER TABLE case_events DROP COLUMN sealed`);
  }
}
