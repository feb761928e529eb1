import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expert reviews and selection committees.
 * - `programmes.rubric` (criteria with weight and max) and its versions, so a review keeps the
 *   rubric it was scored on when the programme's rubric changes later.
 * - `reviews`: one reviewer's review of one application (invited → recused | open → submitted,
 *   or withdrawn by staff). One live review per reviewer and application.
 * - `committees` and their agenda (`committee_items`), each item with its decision once taken.
 */
export class Reviews1795824900000 implements MigrationInterface {
  name = 'Reviews1795824900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programmes ADD COLUMN rubric jsonb NOT NULL DEFAULT '[]', ADD COLUMN rubric_version integer NOT NULL DEFAULT 0 CHECK (rubric_version >= 0)`);
    await q.query(`
      CREATE TABLE programme_rubric_versions (
        programme  text NOT NULL REFERENCES programmes(slug) ON UPDATE CASCADE,
        version    integer NOT NULL CHECK (version >= 1),
        rubric     jsonb NOT NULL,
        changed_by uuid REFERENCES users(id),
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (programme, version)
      )`);
    await q.query(`
      CREATE TABLE reviews (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id   uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        reviewer_id      uuid NOT NULL REFERENCES users(id),
        programme        text NOT NULL REFERENCES programmes(slug) ON UPDATE CASCADE,
        status           text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'recused', 'open', 'submitted', 'withdrawn')),
        due_on           date NOT NULL,
        invited_by       uuid REFERENCES users(id),
        declared_at      timestamptz,
        conflict_details text CHECK (length(conflict_details) <= 2000),
        rubric_version   integer,
        scores           jsonb,
        weighted_score   double precision CHECK (weighted_score BETWEEN 0 AND 100),
        comment          text CHECK (length(comment) <= 5000),
        recommendation   text CHECK (recommendation IN ('accept', 'decline', 'discuss')),
        submitted_at     timestamptz,
        withdrawn_at     timestamptz,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL,
        CHECK ((status = 'submitted') = (submitted_at IS NOT NULL AND scores IS NOT NULL AND weighted_score IS NOT NULL AND rubric_version IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX reviews_one_live_per_reviewer ON reviews (application_id, reviewer_id) WHERE status <> 'withdrawn'`);
    await q.query(`CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id, created_at DESC)`);
    await q.query(`CREATE INDEX reviews_pending_due ON reviews (due_on) WHERE status IN ('invited', 'open')`);
    await q.query(`
      CREATE TABLE committees (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        programme  text NOT NULL REFERENCES programmes(slug) ON UPDATE CASCADE,
        name       text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        meets_on   date NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE committee_items (
        committee_id   uuid NOT NULL REFERENCES committees(id) ON DELETE CASCADE,
        application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        position       integer NOT NULL,
        decision       text CHECK (decision IN ('accepted', 'declined')),
        reason         text CHECK (length(reason) <= 5000),
        decided_by     uuid REFERENCES users(id),
        decided_at     timestamptz,
        PRIMARY KEY (committee_id, application_id)
      )`);
    await q.query(`CREATE INDEX committee_items_by_application ON committee_items (application_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE committee_items');
    await q.query('DROP TABLE committees');
    await q.query('DROP TABLE reviews');
    await q.query('DROP TABLE programme_rubric_versions');
    await q.query('ALTER TABLE programmes DROP COLUMN rubric_version, DROP COLUMN rubric');
  }
}
