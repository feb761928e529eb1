/**
 * The "raw" side of the HTTP benchmarks: the same SQL the app runs, sent straight through `pg`
 * at the same concurrency (one pooled connection per lane, closed loop), every latency recorded.
 */
import { Pool } from 'pg';
import { summarize, type LatencySummary } from './stats';

export interface PgLoadResult {
  queries: number;
  errors: number;
  elapsedSeconds: number;
  perSecond: number;
  latency: LatencySummary;
  /** every latency, in the order they came (to pool several runs) */
  latenciesMs: number[];
  rows: number;
}

export async function runPgLoad(options: { databaseUrl: string; connections: number; durationSeconds: number; sql: string; params: unknown[] }): Promise<PgLoadResult> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.connections, application_name: 'guichet-bench-raw' });
  pool.on('error', () => undefined);
  try {
    // open every connection first: connecting is not what is measured
    const clients = await Promise.all(Array.from({ length: options.connections }, () => pool.connect()));
    clients.forEach((c) => c.release());
    const latencies: number[] = [];
    let errors = 0;
    let rows = 0;
    const started = performance.now();
    const deadline = started + options.durationSeconds * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          const result = await pool.query(options.sql, options.params);
          latencies.push(performance.now() - t);
          rows = result.rowCount ?? rows;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: options.connections }, lane));
    const elapsedSeconds = (performance.now() - started) / 1000;
    return { queries: latencies.length, errors, elapsedSeconds, perSecond: latencies.length / elapsedSeconds, latency: summarize(latencies), latenciesMs: latencies, rows };
  } finally {
    await pool.end();
  }
}

/** Several runs of one statement pooled as one (see poolLoads). */
export function poolPgLoads(runs: readonly PgLoadResult[]): PgLoadResult {
  const elapsedSeconds = runs.reduce((sum, r) => sum + r.elapsedSeconds, 0);
  const latenciesMs = runs.flatMap((r) => r.latenciesMs);
  return {
    queries: latenciesMs.length,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    elapsedSeconds,
    perSecond: elapsedSeconds > 0 ? latenciesMs.length / elapsedSeconds : 0,
    latency: summarize(latenciesMs),
    latenciesMs,
    rows: runs.at(-1)?.rows ?? 0,
  };
}

/** `EXPLAIN (ANALYZE, BUFFERS)` of a statement, as text. */
export async function explainAnalyze(databaseUrl: string, sql: string, params: unknown[]): Promise<string> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await pool.end();
  }
}
