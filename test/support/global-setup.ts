import { migrateDatabase } from '../../src/database/run-migrations';
import { databaseUrl, TEMPLATE_DB, withServer } from './databases';

/**
 * Once per run: rebuild the template database from the real migrations (from empty, so every
 * run proves they apply on a blank database), and drop databases left by killed runs.
 */
export default async function globalSetup(): Promise<void> {
  await withServer(async (client) => {
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'guichet_test_%' AND datname NOT LIKE 'guichet_test_template%'`,
    );
    for (const { datname } of stale.rows) {
      const pid = Number(/^guichet_test_(\d+)_/.exec(datname)?.[1]);
      // leave databases of test processes that are still running (a parallel run)
      if (pid && isAlive(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`);
  });
  await migrateDatabase(databaseUrl(TEMPLATE_DB));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
