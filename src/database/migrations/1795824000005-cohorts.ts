import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Programme managers' cohorts: seats (never overbooked: enrolments lock the cohort row),
 * milestones and each startup's progress on them.
 */
export class Cohorts1795824000005 implements MigrationInterface {
  name = 'Cohorts1795824000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE cohorts (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        programme  text NOT NULL REFERENCES programmes (slug) ON UPDATE CASCADE,
        name       text NOT NULL,
        starts_on  date NOT NULL,
        ends_on    date NOT NULL,
        capacity   integer NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
        created_by uuid REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        -- a programme runs one cohort at a time: dates of its cohorts never overlap
        EXCLUDE USING gist (programme WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
      )`);
    await q.query(`CREATE INDEX cohorts_programme_idx ON cohorts (programme, starts_on)`);
    await q.query(`
      CREATE TABLE enrolments (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cohort_id      uuid NOT NULL REFERENCES cohorts (id),
        application_id uuid NOT NULL REFERENCES applications (id),
        programme      text NOT NULL,
        enrolled_by    uuid REFERENCES users (id),
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // once per programme at a time (a removed enrolment is deleted, freeing both the seat and this slot)
    await q.query(`CREATE UNIQUE INDEX enrolments_once_per_programme ON enrolments (application_id, programme)`);
    await q.query(`CREATE INDEX enrolments_cohort_idx ON enrolments (cohort_id, created_at)`);
    await q.query(`
      CREATE TABLE milestones (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cohort_id  uuid NOT NULL REFERENCES cohorts (id),
        title      text NOT NULL,
        due_on     date NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX milestones_cohort_idx ON milestones (cohort_id, due_on)`);
    await q.query(`CREATE INDEX milestones_due_idx ON milestones (due_on)`);
    await q.query(`
      CREATE TABLE milestone_progress (
        enrolment_id uuid NOT NULL REFERENCES enrolments (id) ON DELETE CASCADE,
        milestone_id uuid NOT NULL REFERENCES milestones (id),
        status       text NOT NULL CHECK (status IN ('pending', 'done', 'missed')),
        note         text,
        updated_by   uuid REFERENCES users (id),
        updated_at   timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (enrolment_id, milestone_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE milestone_progress`);
    await q.query(`DROP TABLE milestones`);
    await q.query(`DROP TABLE enrolments`);
    await q.query(`DROP TABLE cohorts`);
  }
}
