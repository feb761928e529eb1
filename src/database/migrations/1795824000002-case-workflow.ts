import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The advisors' workflow: the founder–staff thread, internal notes, and the indexes the triage
 * inbox really runs (filters by status, programme, assignee, service level, search; sorts by
 * submission or decision due date; keyset pagination).
 *
 * Message and note bodies live in their own tables, not in the hash-chained timeline: the
 * timeline event points at them, so a founder's erasure can remove personal text without
 * breaking the chain.
 */
export class CaseWorkflow1795824000002 implements MigrationInterface {
  name = 'CaseWorkflow1795824000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE case_messages (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id),
        author_id      uuid REFERENCES users (id),
        author_role    text NOT NULL,
        body           text NOT NULL,
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_messages_thread_idx ON case_messages (application_id, created_at, id)`);
    await q.query(`
      CREATE TABLE case_notes (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id),
        author_id      uuid REFERENCES users (id),
        body           text NOT NULL,
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_notes_case_idx ON case_notes (application_id, created_at)`);

    // the programme a case belongs to in the inbox: its decided programme, else its top recommendation
    await q.query(`ALTER TABLE applications ADD COLUMN inbox_programme text GENERATED ALWAYS AS (coalesce(programme, top_programme)) STORED`);

    // staff never see drafts: every inbox index is partial on submitted cases
    await q.query(`CREATE INDEX applications_inbox_submitted_idx ON applications (submitted_at DESC, id DESC) WHERE status <> 'draft'`);
    await q.query(`CREATE INDEX applications_inbox_status_idx ON applications (status, submitted_at DESC, id DESC) WHERE status <> 'draft'`);
    await q.query(`CREATE INDEX applications_inbox_assignee_idx ON applications (assignee_id, status, submitted_at DESC, id DESC) WHERE status <> 'draft'`);
    await q.query(`CREATE INDEX applications_inbox_programme_idx ON applications (inbox_programme, status, submitted_at DESC, id DESC) WHERE status <> 'draft'`);
    await q.query(`CREATE INDEX applications_inbox_decision_due_idx ON applications (decision_due_at, id) WHERE status <> 'draft'`);
    // service-level filters look only at open cases whose clock is running
    await q.query(`CREATE INDEX applications_first_response_due_idx ON applications (first_response_due_at) WHERE first_responded_at IS NULL AND status = 'submitted'`);
    await q.query(`CREATE INDEX applications_decision_open_due_idx ON applications (decision_due_at) WHERE status IN ('submitted', 'in_review')`);
    // search by startup name (substring, case-insensitive)
    await q.query(`CREATE INDEX applications_startup_name_trgm_idx ON applications USING gin (lower(startup_name) gin_trgm_ops) WHERE status <> 'draft'`);
    // load of each advisor (open cases assigned)
    await q.query(`CREATE INDEX applications_open_load_idx ON applications (assignee_id) WHERE status IN ('submitted', 'in_review', 'info_requested')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'applications_open_load_idx',
      'applications_startup_name_trgm_idx',
      'applications_decision_open_due_idx',
      'applications_first_response_due_idx',
      'applications_inbox_decision_due_idx',
      'applications_inbox_programme_idx',
      'applications_inbox_assignee_idx',
      'applications_inbox_status_idx',
      'applications_inbox_submitted_idx',
    ]) {
      await q.query(`DROP INDEX ${index}`);
    }
    await q.query(`ALTER TABLE applications DROP COLUMN inbox_programme`);
    await q.query(`DROP TABLE case_notes`);
    await q.query(`DROP TABLE case_messages`);
  }
}
