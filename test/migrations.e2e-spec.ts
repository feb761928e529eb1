import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { MIGRATIONS } from '../src/database/migrations';
import { migrateDatabase } from '../src/database/run-migrations';
import { databaseUrl, withServer } from './support/databases';

describe('migrations', () => {
  const name = `guichet_test_${process.pid}_migrations`;
  afterAll(() => withServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('create the database when missing, apply every migration from empty, twice safely, and revert', async () => {
    await withServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    const url = databaseUrl(name);
    // two processes booting together: the advisory lock makes them take turns
    const [first, second] = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);
    expect([...first, ...second].sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    expect(await migrateDatabase(url)).toEqual([]);

    const ds = new DataSource(dataSourceOptions(url, 2));
    await ds.initialize();
    try {
      const tables: { table_name: string }[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['users', 'migrations']));
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
      const left: { table_name: string }[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
      expect(left).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
