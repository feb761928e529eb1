import { Client } from 'pg';
import { createHash, randomBytes } from 'node:crypto';

/** The PostgreSQL server the tests use; TEST_DATABASE_URL overrides. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * Migrated once per `npm test` run by global-setup; every test file copies it. Named after the
 * checkout, so two clones (or git worktrees) can run their tests on one server at the same time.
 */
export const TEMPLATE_DB = `guichet_test_template_${createHash('sha1').update(process.cwd()).digest('hex').slice(0, 8)}`;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withServer<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, copied from the migrated template (fast: no migrations to run). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `guichet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withServer(async (client) => {
    // CREATE DATABASE ... TEMPLATE needs the template to have no other session: retry briefly
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    name,
    url: databaseUrl(name),
    drop: () => withServer(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
