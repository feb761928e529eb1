/**
 * Demo databases for the benchmarks that need realistic data (inbox, emails, digests, reports):
 * seeded once per run with `seedDemo` (src/seed/demo-seed.ts) into `guichet_bench_<pid>_<random>_<label>`
 * and dropped at the end (or kept with --keep), or an existing one given with --database-url
 * (used as it is, never dropped).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { seedDemo, type SeedSummary } from '../../src/seed/demo-seed';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';

export interface BenchDatabase {
  url: string;
  name: string;
  /** created for this run: dropped at the end unless kept */
  owned: boolean;
  /** what the seed did (absent for a given database) */
  seed?: SeedSummary;
}

const owned = new Map<string, BenchDatabase>();

export async function seedBenchDatabase(label: string, options: { cases: number; advisors: number; managers: number; log: (message: string) => void }): Promise<BenchDatabase> {
  const name = `guichet_bench_${process.pid}_${randomBytes(3).toString('hex')}_${label}`;
  const db: BenchDatabase = { url: `${POSTGRES}/${name}`, name, owned: true };
  owned.set(name, db);
  db.seed = await seedDemo({
    databaseUrl: db.url,
    cases: options.cases,
    advisors: options.advisors,
    managers: options.managers,
    log: (message) => options.log(`seed ${label}: ${message}`),
  });
  return db;
}

export function givenDatabase(url: string): BenchDatabase {
  return { url, name: decodeURIComponent(new URL(url).pathname.slice(1)), owned: false };
}

/** Drops every database seeded by this process (DROP DATABASE ... WITH (FORCE)); returns the problems. */
export async function dropSeededDatabases(): Promise<string[]> {
  const problems: string[] = [];
  if (owned.size === 0) return problems;
  const client = new Client({ connectionString: `${POSTGRES}/postgres` });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const db of [...owned.values()]) {
      try {
        await client.query(`DROP DATABASE IF EXISTS "${db.name.replace(/"/g, '""')}" WITH (FORCE)`);
        owned.delete(db.name);
      } catch (error) {
        problems.push(`drop ${db.name}: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    problems.push(`drop seeded databases: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return problems;
}

/** Forget the seeded databases without dropping them (--keep). */
export function keepSeededDatabases(): BenchDatabase[] {
  const kept = [...owned.values()];
  owned.clear();
  return kept;
}
