import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search of the inbox (`q`): the startup's name and the founder's name as written
 * (`simple`: no stemming, names are not words), and the project summary stemmed in French and
 * in English (founders write either). One `tsvector` per case, kept by triggers because the
 * founder's name lives in `users` (a generated column cannot read another table): recomputed
 * when the name, summary or owner of a case changes, and for every case of a founder who
 * renames (or is erased). Served by a GIN index over submitted cases, beside the trigram index
 * that keeps serving part-of-a-name searches.
 */
export class CaseSearch1795824100000 implements MigrationInterface {
  name = 'CaseSearch1795824100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications ADD COLUMN search tsvector`);
    await q.query(`
      CREATE FUNCTION applications_search_document(startup_name text, project_summary text, founder_name text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('simple', coalesce(startup_name, '') || ' ' || coalesce(founder_name, '')), 'A')
            || setweight(to_tsvector('french', coalesce(project_summary, '')), 'B')
            || setweight(to_tsvector('english', coalesce(project_summary, '')), 'B')
      $$`);
    await q.query(`
      CREATE FUNCTION applications_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR NEW.search IS NULL
           OR NEW.startup_name IS DISTINCT FROM OLD.startup_name
           OR NEW.project_summary IS DISTINCT FROM OLD.project_summary
           OR NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
          NEW.search := applications_search_document(NEW.startup_name, NEW.project_summary, (SELECT full_name FROM users WHERE id = NEW.owner_id));
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER applications_search_refresh BEFORE INSERT OR UPDATE ON applications FOR EACH ROW EXECUTE FUNCTION applications_search_refresh()`);
    await q.query(`
      CREATE FUNCTION users_name_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE applications SET search = NULL WHERE owner_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER users_name_search_refresh AFTER UPDATE OF full_name ON users FOR EACH ROW WHEN (NEW.full_name IS DISTINCT FROM OLD.full_name) EXECUTE FUNCTION users_name_search_refresh()`);
    await q.query(`UPDATE applications SET search = NULL`);
    await q.query(`CREATE INDEX applications_search_idx ON applications USING gin (search) WHERE status <> 'draft'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX applications_search_idx`);
    await q.query(`DROP TRIGGER users_name_search_refresh ON users`);
    await q.query(`DROP FUNCTION users_name_search_refresh()`);
    await q.query(`DROP TRIGGER applications_search_refresh ON applications`);
    await q.query(`DROP FUNCTION applications_search_refresh()`);
    await q.query(`DROP FUNCTION applications_search_document(text, text, text)`);
    await q.query(`ALTER TABLE applications DROP COLUMN search`);
  }
}
