/**
 * Reports (issue 7) on the seeded database: `GET /api/v1/reports/funnel` over the last year
 * (time of a few sequential calls; raw: the app's own FunnelService run in this process straight
 * on `pg`, so the SQL alone), and `GET /api/v1/reports/applications.csv` over every case (time,
 * rows, and the app's RSS sampled every 50 ms during the download against its level at rest
 * just before; raw: the same keyset batches (CSV_BATCH_SIZE) read through `pg` without rendering).
 * Skipped, with a note, when the app does not serve /reports (src/reports not there yet).
 */
import { CSV_BATCH_SIZE } from '../src/reports/applications-csv.service';
import { join } from 'node:path';
import { Pool } from 'pg';
import { buildInboxQuery, inboxCursorKey } from '../src/applications/inbox-query';
import { addCalendarDays, parisDate } from '../src/domain/business-calendar';
import { atRiskThreshold } from '../src/domain/service-level';
import { SystemClock } from '../src/common/clock';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { getJson, login } from './support/http';
import { explainAnalyze } from './support/pg-load';
import { round } from './support/stats';

export interface ReportsBenchOptions {
  app: AppProcess;
  /** sequential funnel calls */
  runs: number;
  log?: (message: string) => void;
}

const TITLE = 'Reports: funnel and CSV export (seeded database)';

interface FunnelLike {
  funnel(query: { from: string; to: string }): Promise<unknown>;
}

/** The app's FunnelService with its repository, rollup and transactions, loaded at run time (src/reports is another change in progress). */
function loadFunnelService(pool: Pool, statements: string[]): FunnelLike | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (file: string): Record<string, unknown> => require(join(__dirname, '..', 'src', ...file.split('/'))) as Record<string, unknown>;
    const { FunnelService } = load('reports/funnel.service.js') as { FunnelService?: new (...deps: unknown[]) => FunnelLike };
    const { FunnelRepository } = load('reports/funnel.repository.js') as { FunnelRepository?: new (dataSource: unknown) => unknown };
    const { FunnelRollup } = load('reports/funnel-rollup.js') as { FunnelRollup?: new (transactions: unknown, repository: unknown) => unknown };
    const { Transactions } = load('database/transactions.js') as { Transactions?: new (dataSource: unknown) => unknown };
    if (typeof FunnelService !== 'function' || typeof FunnelRepository !== 'function' || typeof FunnelRollup !== 'function' || typeof Transactions !== 'function') return null;
    const run = async (query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>, sql: string, params?: unknown[]): Promise<unknown[]> => {
      if (!/^\s*(BEGIN|COMMIT|ROLLBACK|SET)/i.test(sql)) statements.push(JSON.stringify([sql, params ?? []]));
      return (await query(sql, params)).rows;
    };
    // what the funnel's repository and Transactions use of a TypeORM DataSource: query(), transaction([isolation,] work)
    const dataSource = {
      query: (sql: string, params?: unknown[]) => run((q, p) => pool.query(q, p), sql, params),
      transaction: async (a: unknown, b?: unknown): Promise<unknown> => {
        const work = (typeof a === 'function' ? a : b) as (em: unknown) => Promise<unknown>;
        const isolation = typeof a === 'string' ? a : null;
        const client = await pool.connect();
        try {
          await client.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
          const result = await work({ query: (sql: string, params?: unknown[]) => run((q, p) => client.query(q, p), sql, params) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
    };
    const transactions = new Transactions(dataSource);
    const repository = new FunnelRepository(dataSource);
    // the bench asks for every programme: the programmes' catalogue is never looked up
    const programmes = { unknownSlugs: async (slugs: string[]): Promise<string[]> => slugs };
    return new FunnelService(transactions, repository, new FunnelRollup(transactions, repository), programmes, new SystemClock());
  } catch {
    return null;
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

export async function benchReports(opts: ReportsBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const { token } = await login(app.url, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const today = parisDate(new Date());
  const from = addCalendarDays(today, -364);
  const funnelPath = `/api/v1/reports/funnel?from=${from}&to=${today}`;
  // the first call after the rollup is emptied pays for rolling the year's days up (the daily
  // maintenance job does it at night in production): measured apart, as "cold"
  const reset = new Pool({ connectionString: app.databaseUrl, max: 1 });
  reset.on('error', () => undefined);
  await reset.query('DELETE FROM funnel_days').catch(() => undefined);
  await reset.end();
  const probe = await getJson<unknown>(`${app.url}${funnelPath}`, token);
  if (probe.status === 404) {
    return { title: TITLE, figures: [], details: `Skipped: the app answers 404 to GET /api/v1/reports/funnel (src/reports is not served yet).` };
  }
  if (probe.status !== 200) throw new Error(`GET ${funnelPath} answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 300)}`);

  // -- funnel ------------------------------------------------------------------------------------
  log(`reports: funnel over ${from}..${today}, ${opts.runs} calls`);
  const httpMs: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const answer = await getJson<unknown>(`${app.url}${funnelPath}`, token);
    if (answer.status !== 200) throw new Error(`GET ${funnelPath} answered ${answer.status}`);
    httpMs.push(answer.ms);
  }
  const pool = new Pool({ connectionString: app.databaseUrl, max: 4, application_name: 'guichet-bench-reports' });
  pool.on('error', () => undefined);
  const statements: string[] = [];
  const rawMs: number[] = [];
  const plans: string[] = [];
  try {
    const service = loadFunnelService(pool, statements);
    if (service) {
      for (let i = 0; i < opts.runs; i++) {
        const t = performance.now();
        await service.funnel({ from, to: today });
        rawMs.push(performance.now() - t);
      }
      // one plan per statement (the parameters differ between calls: `now`)
      const firsts = new Map<string, unknown[]>();
      for (const text of statements) {
        const [sql, params] = JSON.parse(text) as [string, unknown[]];
        if (!firsts.has(sql)) firsts.set(sql, params);
      }
      for (const [sql, params] of firsts) {
        if (!/^\s*(SELECT|WITH)/i.test(sql) || /FROM programmes WHERE slug/.test(sql)) continue;
        plans.push('```text', await explainAnalyze(app.databaseUrl, sql, params.map((p) => (typeof p === 'string' && /^\d{4}-\d\d-\d\dT/.test(p) ? new Date(p) : p))), '```', '');
      }
    }
  } finally {
    await pool.end();
  }

  // -- CSV ---------------------------------------------------------------------------------------
  const db = new Pool({ connectionString: app.databaseUrl, max: 1 });
  db.on('error', () => undefined);
  const expected = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE status <> 'draft'`)).rows[0].n;
  const rest: number[] = [];
  for (let i = 0; i < 20; i++) {
    const v = app.rssBytes();
    if (v !== null) rest.push(v);
    await new Promise((r) => setTimeout(r, 50));
  }
  const before = rest.reduce((a, b) => a + b, 0) / Math.max(1, rest.length);
  log(`reports: CSV export of ${expected} cases`);
  const samples: number[] = [];
  const timer = setInterval(() => {
    const v = app.rssBytes();
    if (v !== null) samples.push(v);
  }, 50);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = Number.NaN;
  let status = 0;
  const t0 = performance.now();
  try {
    const response = await fetch(`${app.url}/api/v1/reports/applications.csv`, { headers: { authorization: `Bearer ${token}` } });
    status = response.status;
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t0;
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      }
    }
  } finally {
    clearInterval(timer);
  }
  const csvSeconds = (performance.now() - t0) / 1000;
  if (status !== 200) throw new Error(`GET /api/v1/reports/applications.csv answered ${status}`);
  const rows = Math.max(0, lines - 1);
  const peak = Math.max(before, ...samples);

  // raw: the same keyset batches straight through pg
  const tRaw = performance.now();
  let rawRows = 0;
  let after: (string | number | null)[] | null = null;
  const now = new Date();
  for (;;) {
    const { sql, params } = buildInboxQuery({ now, atRiskUntil: atRiskThreshold(now) }, { sort: '-submittedAt', limit: CSV_BATCH_SIZE, after });
    const batch = (await db.query<{ id: string; created_at: Date; submitted_at: Date | null; decision_due_at: Date | null }>(sql, params)).rows;
    const kept = batch.slice(0, CSV_BATCH_SIZE);
    rawRows += kept.length;
    if (batch.length <= CSV_BATCH_SIZE) break;
    after = inboxCursorKey(kept[kept.length - 1], '-submittedAt', false);
  }
  const rawSeconds = (performance.now() - tRaw) / 1000;
  await db.end();

  const mb = (b: number): number => round(b / 2 ** 20, 0);
  const figures: BenchFigure[] = [
    {
      name: 'funnel report over a year (median, days rolled up)',
      value: round(median(httpMs), 0),
      unit: 'ms',
      target: '<= 500',
      ...(rawMs.length > 0 ? { raw: round(median(rawMs), 0) } : {}),
      better: 'lower',
      note:
        `GET ${funnelPath} as admin, ${opts.runs} calls one after the other: ${httpMs.map((v) => round(v, 0)).join(', ')} ms; ` +
        (rawMs.length > 0 ? `raw: the app's FunnelService run in the bench process straight on pg (its SQL alone): ${rawMs.map((v) => round(v, 0)).join(', ')} ms` : 'raw: FunnelService could not be loaded'),
    },
    {
      name: 'funnel report over a year, cold (first call: rolls the year up)',
      value: round(probe.ms, 0),
      unit: 'ms',
      better: 'lower',
      note:
        'the same call right after `DELETE FROM funnel_days`: it rolls the 363 past days up (moves per day and programme, final cases per submission day) before reading; ' +
        'in production the daily `reports.rollup` job does this at 02:30, and a later change to a case only marks its own days stale',
    },
    {
      name: 'CSV export: time for every case',
      value: round(csvSeconds, 1),
      unit: 's',
      raw: round(rawSeconds, 1),
      better: 'lower',
      note: `GET /api/v1/reports/applications.csv as admin, read to the end: ${bytes.toLocaleString('en-US')} bytes, first byte after ${round(firstByteMs, 0)} ms, ${round(rows / csvSeconds, 0)} rows/s; raw: the same keyset batches of ${CSV_BATCH_SIZE} (buildInboxQuery) read through pg, not rendered (${rawRows} rows)`,
    },
    { name: 'CSV export: rows', value: rows, unit: 'rows', note: `every submitted case (${expected} in the database; drafts are not in the inbox)` },
    { name: 'CSV export: rows missing', value: expected - rows, unit: 'count', target: '= 0', better: 'lower' },
    {
      name: 'CSV export: app RSS growth (peak − at rest)',
      value: mb(peak - before),
      unit: 'MB',
      target: '< 100',
      better: 'lower',
      note:
        `app RSS ${mb(before)} MB at rest just before, peak ${mb(peak)} MB over ${samples.length} readings (every 50 ms) during the download; ` +
        `at 10/25/50/75/90/100% of the download: ${[0.1, 0.25, 0.5, 0.75, 0.9, 1].map((f) => mb(samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))] ?? 0)).join(' / ')} MB ` +
        '(a plateau is the garbage collector letting the heap grow, a steady climb would be memory held per row)',
    },
  ];
  const details = plans.length > 0 ? ['Plans of the funnel report\'s statements (`EXPLAIN (ANALYZE, BUFFERS)`, after the calls):', '', ...plans].join('\n') : undefined;
  return { title: TITLE, figures, details };
}
