import { MigrationInterface, QueryRunner } from 'typeorm';
import catalogue from './data/programme-catalogue-v1.json';

/**
 * The programme catalogue (seeded from a frozen snapshot, then edited by admins through the
 * API, each edit kept in programme_rule_versions), applications with their per-year reference
 * counter, and the append-only, hash-chained timeline of each case.
 */
export class Applications1795824000001 implements MigrationInterface {
  name = 'Applications1795824000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE programmes (
        slug          text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        kind          text NOT NULL CHECK (kind IN ('internal', 'external')),
        name          jsonb NOT NULL,
        description   jsonb NOT NULL,
        rules         jsonb NOT NULL,
        rules_version integer NOT NULL DEFAULT 1,
        active        boolean NOT NULL DEFAULT true,
        position      integer NOT NULL DEFAULT 0,
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        updated_at    timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE programme_rule_versions (
        programme  text NOT NULL REFERENCES programmes (slug) ON UPDATE CASCADE,
        version    integer NOT NULL,
        rules      jsonb NOT NULL,
        changed_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (programme, version)
      )`);
    for (const [position, p] of catalogue.entries()) {
      await q.query(
        `INSERT INTO programmes (slug, kind, name, description, rules, active, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [p.slug, p.kind, JSON.stringify(p.name), JSON.stringify(p.description), JSON.stringify(p.rules), p.active, position],
      );
      await q.query(`INSERT INTO programme_rule_versions (programme, version, rules) VALUES ($1, 1, $2)`, [p.slug, JSON.stringify(p.rules)]);
    }

    await q.query(`CREATE TABLE reference_counters (year integer PRIMARY KEY, last integer NOT NULL)`);

    await q.query(`
      CREATE TABLE applications (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference             text NOT NULL,
        owner_id              uuid NOT NULL REFERENCES users (id),
        assignee_id           uuid REFERENCES users (id),
        status                text NOT NULL DEFAULT 'draft'
                              CHECK (status IN ('draft', 'submitted', 'in_review', 'info_requested', 'accepted', 'referred', 'declined', 'withdrawn')),
        version               integer NOT NULL DEFAULT 1,
        programme             text REFERENCES programmes (slug) ON UPDATE CASCADE,
        startup_name          text NOT NULL,
        project_summary       text,
        stage                 text,
        trl                   smallint,
        domains               text[],
        needs                 text[],
        incorporated          boolean,
        incorporation_date    date,
        siren                 text,
        academic_affiliation  text,
        looking_for_cofounder boolean,
        team_size             integer,
        funding_sought_eur    bigint,
        website               text,
        locale                text NOT NULL DEFAULT 'fr',
        recommendations       jsonb,
        rules_versions        jsonb,
        top_programme         text,
        submitted_at          timestamptz(3),
        first_response_due_at timestamptz(3),
        first_responded_at    timestamptz(3),
        decision_due_at       timestamptz(3),
        decided_at            timestamptz(3),
        paused_at             timestamptz(3),
        withdrawn_at          timestamptz(3),
        created_at            timestamptz(3) NOT NULL DEFAULT now(),
        updated_at            timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX applications_reference_key ON applications (reference)`);
    // the founder's own list, newest first
    await q.query(`CREATE INDEX applications_owner_idx ON applications (owner_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE case_events (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id),
        seq            integer NOT NULL,
        at             timestamptz(3) NOT NULL,
        type           text NOT NULL,
        actor_id       uuid,
        actor_role     text,
        public         boolean NOT NULL,
        data           jsonb NOT NULL DEFAULT '{}',
        prev_hash      text,
        hash           text NOT NULL,
        UNIQUE (application_id, seq)
      )`);
    // append-only: the database itself refuses to change or remove an event
    await q.query(`
      CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
      FOR EACH ROW WHEN (current_setting('guichet.allow_event_rewrite', true) IS DISTINCT FROM 'on')
      EXECUTE FUNCTION case_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_events`);
    await q.query(`DROP FUNCTION case_events_append_only`);
    await q.query(`DROP TABLE applications`);
    await q.query(`DROP TABLE reference_counters`);
    await q.query(`DROP TABLE programme_rule_versions`);
    await q.query(`DROP TABLE programmes`);
  }
}
