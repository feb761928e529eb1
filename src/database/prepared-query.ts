import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

interface PgPool {
  query<T>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
}

const names = new Map<string, string>();
const MAX_NAMES = 500;

/**
 * Runs a hot read query as a named prepared statement on the pool TypeORM manages: PostgreSQL
 * parses and plans it once per connection instead of on every call. For statements whose text
 * comes from a small set (the auth lookup, the inbox's filter combinations) and whose values are
 * all parameters: at a million cases the inbox's statements spent 1–8 ms planning, as long as
 * they ran, on the same two cores as everything else. The name is a hash of the text; the cache
 * of names is bounded (beyond it a text is still prepared, its name computed again).
 *
 * Outside a transaction only (it takes any pooled connection).
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  let name = names.get(text);
  if (name === undefined) {
    name = `g_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  return (await pool.query<T>({ name, text, values })).rows;
}
