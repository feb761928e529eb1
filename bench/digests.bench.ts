/**
 * Weekly digests (issue 6) on a database seeded with many staff: `POST /api/v1/digests/run` as
 * the admin, then the app fans out (figures for every recipient, one snapshot and one outbox
 * email each) and its worker renders and sends; the clock stops at the last digest accepted by
 * the SMTP sink in this process.
 *
 * The query count: PostgreSQL's pg_stat_statements is not loaded on this server (it needs
 * shared_preload_libraries and a restart), so the bench counts itself: it replays
 * `DigestsService.run` (the app's own class, for the week before, so every recipient is due) on
 * a connection whose every statement is counted, inside a transaction it rolls back, and it
 * compares with the figures' queries for one recipient only (same count: no N+1).
 */
import 'reflect-metadata';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { addCalendarDays, parisDate } from '../src/domain/business-calendar';
import { SystemClock } from '../src/common/clock';
import type { AppConfig } from '../src/config/app-config';
import { Transactions } from '../src/database/transactions';
import { DigestFiguresService, periodOf } from '../src/digests/digest-figures.service';
import { DigestsRepository } from '../src/digests/digests.repository';
import { DigestsService } from '../src/digests/digests.service';
import { digestPeriod, isoWeekOf } from '../src/digests/iso-week';
import type { TemplateRendererProvider } from '../src/notifications/template-renderer.provider';
import { messageIdFor } from '../src/notifications/mail/mail-transport';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { login } from './support/http';
import { PgActivitySampler, renderPgActivity } from './support/pg-activity';
import { ResourceSampler } from './support/proc';
import { SmtpSink, waitFor } from './support/smtp-sink';
import { round } from './support/stats';

export interface DigestsBenchOptions {
  app: AppProcess;
  sink: SmtpSink;
  idleMs: number;
  timeoutMs: number;
  log?: (message: string) => void;
}

interface Counted {
  statements: number;
  /** each statement's time, slowest first */
  timings: { ms: number; sql: string; rows: number }[];
  figureQueries: number;
  recipients: number;
  queued: number;
  ms: number;
}

/** Runs DigestsService.run(week) on a counting connection, rolled back. */
async function replayRun(databaseUrl: string, week: string): Promise<Counted> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'guichet-bench-digest-replay' });
  client.on('error', () => undefined);
  await client.connect();
  let statements = 0;
  let recipients = 0;
  const timings: { ms: number; sql: string; rows: number }[] = [];
  const em = {
    query: async (sql: string, params?: unknown[]): Promise<unknown[]> => {
      statements++;
      const t = performance.now();
      const result = await client.query(sql, params);
      timings.push({ ms: performance.now() - t, sql: sql.replace(/\s+/g, ' ').trim(), rows: result.rowCount ?? 0 });
      if (/FROM users u\s+WHERE u.role IN \('advisor', 'programme_manager'\)/.test(sql)) recipients = result.rowCount ?? 0;
      return result.rows;
    },
  } as unknown as EntityManager;
  const dataSource = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        return await work(em);
      } finally {
        await client.query('ROLLBACK');
      }
    },
  } as unknown as DataSource;
  try {
    const repository = new DigestsRepository(dataSource);
    const service = new DigestsService(new Transactions(dataSource), repository, new DigestFiguresService(repository), {} as TemplateRendererProvider, new SystemClock(), {} as AppConfig);
    const t = performance.now();
    const result = await service.run(week);
    return { statements, timings: timings.sort((a, b) => b.ms - a.ms), figureQueries: result.figureQueries, recipients, queued: result.queued, ms: performance.now() - t };
  } finally {
    await client.end();
  }
}

/** The figures' queries for one advisor and one manager only (the admin preview's path). */
async function figuresForOne(databaseUrl: string, week: string): Promise<{ advisor: number; manager: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const em = { query: async (sql: string, params?: unknown[]): Promise<unknown[]> => (await client.query(sql, params)).rows } as unknown as EntityManager;
    const { startsOn, monday } = digestPeriod(week);
    const period = periodOf(startsOn, monday, new Date());
    const [a] = (await client.query<{ id: string }>(`SELECT id FROM users WHERE role = 'advisor' AND active LIMIT 1`)).rows;
    const [m] = (await client.query<{ id: string }>(`SELECT id FROM users WHERE role = 'programme_manager' AND active AND cardinality(programmes) > 0 LIMIT 1`)).rows;
    // the figures run on `em` only: the repository's own DataSource is never used here
    const figures = new DigestFiguresService(new DigestsRepository({} as DataSource));
    const advisor = (await figures.advisors(em, period, a ? [a.id] : [])).queries;
    const manager = (await figures.managers(em, period, () => 'fr', m ? [m.id] : [])).queries;
    return { advisor, manager };
  } finally {
    await client.end();
  }
}

export async function benchDigests(opts: DigestsBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app, sink } = opts;
  const db = new Client({ connectionString: app.databaseUrl, application_name: 'guichet-bench-digests' });
  db.on('error', () => undefined);
  await db.connect();
  try {
    const [staff] = (
      await db.query<{ advisors: number; managers: number; cases: number; open: number }>(
        `SELECT (SELECT count(*)::int FROM users WHERE role = 'advisor' AND active AND erased_at IS NULL AND weekly_digest) AS advisors,
                (SELECT count(*)::int FROM users WHERE role = 'programme_manager' AND active AND erased_at IS NULL AND weekly_digest) AS managers,
                (SELECT count(*)::int FROM applications) AS cases,
                (SELECT count(*)::int FROM applications WHERE status IN ('submitted', 'in_review', 'info_requested')) AS open`,
      )
    ).rows;
    const { token } = await login(app.url, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const week = isoWeekOf(parisDate(new Date()));
    const [{ already }] = (await db.query<{ already: number }>(`SELECT count(*)::int AS already FROM digests WHERE week = $1`, [week])).rows;
    if (already > 0) {
      // a previous run on this (demo) database sent this week's digests: a run is idempotent per
      // person and week, so it would send none; forget them to measure a whole run again
      log(`digests: forgetting the ${already} digests of ${week} sent by a previous run on this database`);
      await db.query(`DELETE FROM emails WHERE template IN ('weekly-digest-advisor', 'weekly-digest-manager') AND data->>'week' = $1`, [week]);
      await db.query(`DELETE FROM digests WHERE week = $1`, [week]);
    }

    const from = sink.received.length;
    const sampler = new ResourceSampler(app.pid, app.databaseName).start();
    const activity = new PgActivitySampler(app.databaseUrl, 100);
    await activity.start();
    log(`digests: POST /api/v1/digests/run (${staff.advisors} advisors, ${staff.managers} managers, ${staff.cases} cases)`);
    const t0 = performance.now();
    const response = await fetch(`${app.url}/api/v1/digests/run`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    const body = (await response.json()) as { week?: string; queued?: number; message?: unknown };
    const answeredMs = performance.now() - t0;
    if (response.status !== 202) throw new Error(`POST /digests/run answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const ids = new Set(
      (await db.query<{ id: string }>(`SELECT id FROM emails WHERE template IN ('weekly-digest-advisor', 'weekly-digest-manager') AND data->>'week' = $1`, [week])).rows.map((r) => messageIdFor(r.id, app.url)),
    );
    log(`digests: ${body.queued} queued in ${round(answeredMs / 1000, 1)} s, waiting for them at the sink`);
    const complete = await waitFor(() => sink.count(ids, from).unique >= ids.size, () => sink.received.length, opts.idleMs, opts.timeoutMs);
    const usage = sampler.stop();
    const pg = await activity.stop();
    const counted = sink.count(ids, from);
    const lastSeconds = counted.last === null ? Number.NaN : (counted.last - t0) / 1000;
    const kinds = (
      await db.query<{ template: string; status: string; n: number }>(
        `SELECT template, status, count(*)::int AS n FROM emails WHERE template IN ('weekly-digest-advisor', 'weekly-digest-manager') AND data->>'week' = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [week],
      )
    ).rows;

    const sizes = (
      await db.query<{ kind: string; n: number; avg: number; max: number; total: number }>(
        `SELECT kind, count(*)::int AS n, avg(octet_length(content::text))::int AS avg, max(octet_length(content::text))::int AS max, sum(octet_length(content::text))::bigint AS total
         FROM digests WHERE week = $1 GROUP BY 1 ORDER BY 1`,
        [week],
      )
    ).rows;
    log('digests: counting the statements of a run (replay of DigestsService.run for the week before, rolled back)');
    const previousWeek = isoWeekOf(addCalendarDays(parisDate(new Date()), -7));
    const replay = await replayRun(app.databaseUrl, previousWeek);
    const one = await figuresForOne(app.databaseUrl, previousWeek);

    const figures: BenchFigure[] = [
      {
        name: 'digest run: trigger → last digest accepted by the SMTP sink',
        value: round(lastSeconds, 1),
        unit: 's',
        // issue 6: 2,000 advisors and 200 managers in under a minute; issue 9: 10,000 staff in 120 s
        target: staff.advisors + staff.managers >= 10_000 ? '<= 120' : '< 60',
        better: 'lower',
        note:
          `POST /api/v1/digests/run (admin) for ${week} with ${staff.advisors} advisors and ${staff.managers} programme managers over ${staff.cases.toLocaleString('en-US')} cases ` +
          `(${staff.open.toLocaleString('en-US')} open); the answer (fan-out: figures, snapshots, outbox) came after ${round(answeredMs / 1000, 2)} s; then relay, render and SMTP by the app's worker` +
          (complete ? '' : `; INCOMPLETE: ${ids.size - counted.unique} digests not received when the wait ended`) +
          (already > 0 ? `; the ${already} digests of this week that a previous run on this database had sent were deleted first` : ''),
      },
      { name: 'digest run: POST answer (fan-out transaction)', value: round(answeredMs / 1000, 2), unit: 's', better: 'lower' },
      { name: 'digests queued by the run', value: body.queued ?? 0, unit: 'emails', note: kinds.map((k) => `${k.template} ${k.status}: ${k.n}`).join('; ') },
      { name: 'digests received by the sink', value: counted.unique, unit: 'emails', better: 'higher' },
      { name: 'digests duplicated', value: counted.duplicates, unit: 'count', target: '= 0', better: 'lower' },
      { name: 'digests lost', value: ids.size - counted.unique, unit: 'count', target: '= 0', better: 'lower' },
      {
        name: 'SQL statements of one digest run (fan-out)',
        value: replay.statements,
        unit: 'queries',
        better: 'lower',
        note:
          `counted by replaying DigestsService.run for ${previousWeek} on a counting connection (rolled back): ${replay.recipients} recipients, ${replay.queued} digests, ` +
          `${replay.figureQueries} of them figure queries (DigestRunResult.figureQueries), in ${round(replay.ms / 1000, 1)} s. ` +
          `For one recipient the figures take ${one.advisor} (advisor) + ${one.manager} (manager) queries: the count does not grow with recipients or cases. ` +
          'Sending then costs a fixed handful of statements per email (lock the outbox row, read the recipient and the snapshot, mark it sent), not counted here',
      },
    ];
    const cores = (v: number | null): string => (v === null ? '?' : round(v, 2).toFixed(2));
    const details = [
      `CPU from the trigger to the last digest (${round(usage.wallSeconds, 1)} s; cores used on average): app ${cores(usage.appCores)}, PostgreSQL ${cores(usage.postgresCores)}, ` +
        `Redis ${cores(usage.redisCores)}, this process (SMTP sink) ${cores(usage.benchCores)}, other processes ${cores(usage.otherCores)}; app RSS peak ${usage.rssMaxBytes === null ? '?' : round(usage.rssMaxBytes / 2 ** 20, 0)} MB.`,
      '',
      `Snapshots stored by the run (digests.content, as JSON text): ${sizes
        .map((x) => `${x.kind} ${x.n}, average ${round(x.avg / 1024, 1)} kB, largest ${round(x.max / 1024, 0)} kB, ${round(Number(x.total) / 2 ** 20, 0)} MB in all`)
        .join('; ')}.`,
      '',
      renderPgActivity(pg),
      '',
      `Statements of the replayed fan-out (${replay.statements}, ${round(replay.ms / 1000, 1)} s in all), slowest first:`,
      '',
      '| ms | rows | statement |',
      '| ---: | ---: | --- |',
      ...replay.timings.slice(0, 8).map((x) => `| ${round(x.ms, 0)} | ${x.rows} | \`${x.sql.slice(0, 160).replace(/\|/g, '\\|')}${x.sql.length > 160 ? '…' : ''}\` |`),
    ].join('\n');
    return { title: 'Weekly digests (seeded database with many staff)', figures, details };
  } finally {
    await db.end();
  }
}
