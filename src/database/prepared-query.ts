import { createHash } from 'node:crypto';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/** The part of node-postgres's client a named statement needs. */
interface PgClient {
  query<T>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
}

const names = new Map<string, string>();
const MAX_NAMES = 500;

/** The statement's name: a hash of its text, remembered for the first MAX_NAMES texts. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `g_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}

/**
 * Runs a hot read query as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call. For statements whose text comes from a small set (the
 * account lookup, the inbox's filter combinations) and whose values are all parameters: at a
 * million cases the inbox's statements spent 1–8 ms planning, as long as they ran, on the same two
 * cores as everything else.
 *
 * It borrows a pooled connection through TypeORM's public query runner (`connect()` hands back the
 * node-postgres client, the only way to give a statement a name) and releases it at once.
 * Outside a transaction only.
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PgClient;
    return await named<T>(client, text, values);
  } finally {
    await runner.release();
  }
}

/** Runs the named statement; a database error comes back as TypeORM's own (QueryFailedError, the driver's error inside), as from `query()`. */
async function named<T>(client: PgClient, text: string, values: unknown[]): Promise<T[]> {
  try {
    return (await client.query<T>({ name: statementName(text), text, values })).rows;
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

/**
 * The same on a transaction's connection (`em` from Transactions.run): the statement is named on
 * that connection, so the hot writes (submitting) are parsed and planned once per connection
 * too. With the pool's manager (no transaction), as preparedQuery.
 */
export async function preparedQueryOn<T>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner) {
    // the pool's manager: as preparedQuery; anything else that only answers query() (a benchmark's
    // stand-in over its own connection) runs the text as it is
    return em.dataSource ? preparedQuery<T>(em.dataSource, text, values) : (em.query(text, values) as Promise<T[]>);
  }
  const client = (await runner.connect()) as PgClient;
  return named<T>(client, text, values);
}
