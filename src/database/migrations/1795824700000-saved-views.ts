import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved inbox views: a staff member names a filter of the inbox (kept as its query string) and
 * finds it in the navigation. Each user's own; a name is unique per user whatever its case.
 */
export class SavedViews1795824700000 implements MigrationInterface {
  name = 'SavedViews1795824700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saved_views (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- the order they were saved in, even within one instant
        seq bigint GENERATED ALWAYS AS IDENTITY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
        query text NOT NULL CHECK (char_length(query) <= 1000),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX saved_views_user_name ON saved_views (user_id, lower(name))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saved_views`);
  }
}
