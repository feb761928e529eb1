import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents attached to applications (issue 18). The bytes live in the document storage (a
 * directory or S3-compatible object storage); a row exists only once its bytes are written.
 * `document_storage_cleanup` lists storage keys whose bytes may exist without a row: an upload
 * in flight (due an hour later: if the row never commits, the sweep deletes the bytes) and the
 * bytes of deleted documents (due at once). So neither a crash nor a failed delete leaves an
 * orphan for long, and no storage listing is ever needed.
 */
export class Documents1795824500000 implements MigrationInterface {
  name = 'Documents1795824500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- no cascade: whoever deletes an application must delete its bytes first
        application_id uuid NOT NULL REFERENCES applications (id),
        kind           text NOT NULL CHECK (kind IN ('pitch_deck', 'business_plan', 'team_cv', 'financials', 'regulatory', 'other')),
        filename       text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
        content_type   text NOT NULL,
        size           bigint NOT NULL CHECK (size >= 0),
        sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key    text NOT NULL UNIQUE,
        uploaded_by    uuid REFERENCES users (id),
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX documents_application_idx ON documents (application_id, created_at)`);
    await q.query(`
      CREATE TABLE document_storage_cleanup (
        storage_key text PRIMARY KEY,
        due_at      timestamptz(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX document_storage_cleanup_due_idx ON document_storage_cleanup (due_at)`);
    await q.query(`ALTER TABLE programmes ADD COLUMN required_documents text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programmes DROP COLUMN required_documents`);
    await q.query(`DROP TABLE document_storage_cleanup`);
    await q.query(`DROP TABLE documents`);
  }
}
