import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every staff page shows its reader's saved inbox views in the navigation. Reading them cost each
 * page a query of its own; the account, read on every request anyway, now carries a counter of
 * changes to its views (`users.saved_views_version`, raised by a trigger on `saved_views`), so a
 * process can keep the views it read and reuse them while the counter stays the same, whichever
 * process or session changed them. Adding a column with a constant default is a catalogue change
 * (no table rewrite).
 */
export class SavedViewsVersion1795825500000 implements MigrationInterface {
  name = 'SavedViewsVersion1795825500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN saved_views_version integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE FUNCTION saved_views_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          UPDATE users SET saved_views_version = saved_views_version + 1 WHERE id = OLD.user_id;
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
          UPDATE users SET saved_views_version = saved_views_version + 1 WHERE id = NEW.user_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER saved_views_changed AFTER INSERT OR UPDATE OR DELETE ON saved_views FOR EACH ROW EXECUTE FUNCTION saved_views_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER saved_views_changed ON saved_views`);
    await q.query(`DROP FUNCTION saved_views_changed()`);
    await q.query(`ALTER TABLE users DROP COLUMN saved_views_version`);
  }
}
