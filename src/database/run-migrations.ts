import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { ensureDatabase } from './ensure-database';

/** Any number, shared by every process of the product: only one of them migrates at a time. */
const MIGRATION_LOCK = 724_130_001;

/**
 * Creates the database when missing and applies pending migrations. Several API and worker
 * processes may boot together: a session advisory lock makes them take turns.
 */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 2));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
