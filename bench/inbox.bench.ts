/**
 * The staff inbox (issue 4) on a seeded database: the first page, a filtered page
 * (`assignee=me&status=in_review` as one of the advisors), a deep cursor page (page 50, reached
 * by following the cursors) and a search on part of a startup name. Each runs over HTTP against
 * the running app at N concurrent keep-alive connections (autocannon), then as raw SQL: the very
 * statement `buildInboxQuery` (src/applications/inbox-query.ts) builds for it, sent through `pg`
 * at the same concurrency. The ratio is the cost of serving it over HTTP (the guard re-reading
 * the account, validation, the view, JSON, the framework). Each case also runs against the
 * inbox's floor (support/inbox-floor-server.ts: the app's own repositories and list view behind a
 * bare node:http server), which splits that cost in two: what the framework adds, and what any
 * Node server reading the account and writing the same JSON pays. Each statement's
 * `EXPLAIN (ANALYZE, BUFFERS)` is kept, and a sequential scan on applications is flagged.
 */
import { Client } from 'pg';
import { atRiskThreshold } from '../src/domain/service-level';
import { APPLICATION_COLUMNS } from '../src/applications/application.view';
import { buildInboxQuery, type InboxFilters } from '../src/applications/inbox-query';
import type { CursorKey } from '../src/common/pagination/cursor';
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { getJson, login } from './support/http';
import { startInboxFloor } from './support/inbox-floor';
import { poolLoads, runLoad, type LoadResult } from './support/load';
import { explainAnalyze, poolPgLoads, runPgLoad, type PgLoadResult } from './support/pg-load';
import { poolUsage, ResourceSampler, type ResourceUsage } from './support/proc';
import { round } from './support/stats';

export interface InboxBenchOptions {
  app: AppProcess;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** the app, the raw SQL and the floor are measured in turns, this many short runs each (default 4) */
  rounds?: number;
  /** the page reached by following cursors (default 50) */
  deepPage?: number;
  log?: (message: string) => void;
}

interface InboxCase {
  id: string;
  label: string;
  path: string;
  filters: Omit<InboxFilters, 'limit'> & { limit?: number };
  note: string;
}

const PAGE = 25;

function cursorKey(cursor: string): CursorKey {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorKey;
}

function loadRow(label: string, http: LoadResult, raw: PgLoadResult, floor: LoadResult, usage: ResourceUsage, floorUsage: ResourceUsage): string {
  const h = http.latency;
  const r = raw.latency;
  const codes = Object.entries(http.statusCounts)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  const perAnswer = (u: ResourceUsage, answers: LoadResult): string => (u.appCores === null || answers.okPerSecond <= 0 ? '?' : `${round((u.appCores * 1000) / answers.okPerSecond, 2)}`);
  return (
    `| ${label} | ${round(http.okPerSecond, 0)} | ${round(h.p50, 1)} | ${round(h.p95, 1)} | ${round(h.p99, 1)} | ${round(raw.perSecond, 0)} | ${round(r.p50, 1)} | ${round(r.p95, 1)} | ${round(r.p99, 1)} | ` +
    `${round(floor.okPerSecond, 0)} | ${round(floor.latency.p95, 1)} | ${round(h.p95 / r.p95, 2)}× / ${round(floor.latency.p95 / r.p95, 2)}× | ` +
    `${codes}${http.errors ? `, ${http.errors} errors` : ''}${floor.failures ? `; floor: ${floor.failures} not 200` : ''} | ${round(usage.appCores ?? 0, 2)} / ${round(usage.postgresCores, 2)} / ${round(usage.benchCores, 2)} | ${perAnswer(usage, http)} / ${perAnswer(floorUsage, floor)} |`
  );
}

/**
 * Where a request's time goes, from the CPU the app and PostgreSQL used during the run: with N
 * requests in flight and one Node thread, a request waits behind the others' CPU, so the app's CPU
 * per answer × N is what the latency cannot go below while the app is saturated.
 */
function timeBudget(http: LoadResult, usage: ResourceUsage, connections: number): string {
  if (usage.appCores === null || http.okPerSecond <= 0) return 'app CPU not measured';
  const appMs = (usage.appCores * 1000) / http.okPerSecond;
  const pgMs = (usage.postgresCores * 1000) / http.okPerSecond;
  return (
    `limit: ${round(appMs, 2)} ms of app CPU and ${round(pgMs, 2)} ms of PostgreSQL CPU per answer (${round(usage.appCores, 2)} and ${round(usage.postgresCores, 2)} cores at ${round(http.okPerSecond, 0)}/s); ` +
    `${connections} requests in flight on one Node thread queue about ${round(appMs * connections, 0)} ms of app CPU each, so p95 ≤ 25 ms at ${connections} concurrent needs ≤ ${round(25 / connections, 2)} ms per request on one process, or more API processes (and cores)`
  );
}

export async function benchInbox(opts: InboxBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const deepPage = opts.deepPage ?? 50;
  const rounds = Math.max(1, opts.rounds ?? 4);
  const db = new Client({ connectionString: app.databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  let advisor: { id: string; email: string; in_review: number; open: number };
  let casesInInbox: number;
  let advisorCount: number;
  try {
    // the advisor with the most cases in review: the filtered page at its fullest
    const found = await db.query<{ id: string; email: string; in_review: number; open: number }>(
      `SELECT u.id, u.email,
              count(*) FILTER (WHERE a.status = 'in_review')::int AS in_review,
              count(*) FILTER (WHERE a.status IN ('submitted', 'in_review', 'info_requested'))::int AS open
       FROM users u LEFT JOIN applications a ON a.assignee_id = u.id
       WHERE u.role = 'advisor' AND u.active AND u.email LIKE $1
       GROUP BY u.id, u.email ORDER BY 3 DESC, 2 LIMIT 1`,
      [`advisor-%@${DEMO_EMAIL_DOMAIN}`],
    );
    if (found.rows.length === 0) throw new Error('no demo advisor in the database: seed it with npm run seed:demo');
    advisor = found.rows[0];
    casesInInbox = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE status <> 'draft'`)).rows[0].n;
    advisorCount = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'advisor' AND active`)).rows[0].n;
  } finally {
    await db.end();
  }
  const { token } = await login(app.url, advisor.email, DEMO_PASSWORD);
  const headers = { authorization: `Bearer ${token}` };

  // follow the cursors to the deep page
  log(`inbox: following cursors to page ${deepPage}`);
  let cursor: string | null = null;
  for (let page = 1; page < deepPage; page++) {
    const answer: { status: number; body: { nextCursor: string | null } } = await getJson(`${app.url}/api/v1/applications${cursor ? `?cursor=${cursor}` : ''}`, token);
    if (answer.status !== 200) throw new Error(`GET /applications page ${page} answered ${answer.status}`);
    cursor = answer.body.nextCursor;
    if (cursor === null) break;
  }
  // a search a person would type: part of a startup name that exists
  const searchTerm = 'eurolin';
  // and a word of the project summaries (full text, French and English stemming, GIN index)
  const textTerm = 'retinopathy';

  const cases: InboxCase[] = [
    { id: 'first', label: 'first page', path: '/api/v1/applications', filters: { sort: '-submittedAt', after: null }, note: `GET /api/v1/applications (25 newest of ${casesInInbox} submitted cases)` },
    {
      id: 'filtered',
      label: 'filtered page',
      path: '/api/v1/applications?assignee=me&status=in_review',
      filters: { sort: '-submittedAt', after: null, statuses: ['in_review'], assignee: advisor.id },
      note: `assignee=me&status=in_review as ${advisor.email} (${advisor.in_review} cases in review, ${advisor.open} open; ${advisorCount} advisors)`,
    },
    {
      id: 'deep',
      label: `deep page (${deepPage})`,
      path: cursor ? `/api/v1/applications?cursor=${cursor}` : '/api/v1/applications',
      filters: { sort: '-submittedAt', after: cursor ? cursorKey(cursor) : null },
      note: cursor ? `page ${deepPage} (cases ${(deepPage - 1) * PAGE + 1}–${deepPage * PAGE}), its cursor got by following the 49 pages before` : 'the inbox has fewer pages: last page',
    },
    { id: 'search', label: 'search', path: `/api/v1/applications?q=${searchTerm}`, filters: { sort: '-submittedAt', after: null, q: searchTerm }, note: `q=${searchTerm} (part of a startup name)` },
    { id: 'search-text', label: 'full-text search', path: `/api/v1/applications?q=${textTerm}`, filters: { sort: '-submittedAt', after: null, q: textTerm }, note: `q=${textTerm} (a word of project summaries: full text)` },
  ];

  // the app's code is compiled by V8 as it runs: measured right after the app started, the first
  // page (the first case) came out 1.5x slower than the deep page, the same statement measured
  // later. The whole mix is run once first, so every case is measured on a warm app.
  log(`inbox: warming the app up (${opts.warmupSeconds * 3} s over the ${cases.length} queries)`);
  for (const c of cases) await runLoad({ url: app.url, connections: opts.connections, path: c.path, headers, durationSeconds: (opts.warmupSeconds * 3) / cases.length });

  const figures: BenchFigure[] = [];
  const rows: string[] = [];
  const plans: string[] = [];
  const evidence: string[] = [];
  let seqScans = 0;
  log('inbox: starting the floor (the same repositories and list view behind bare node:http) and warming it up');
  const floor = await startInboxFloor({ databaseUrl: app.databaseUrl, nodeBinary: app.nodeBinary });
  try {
    for (const c of cases) await runLoad({ url: floor.url, connections: opts.connections, path: c.path, headers, durationSeconds: (opts.warmupSeconds * 3) / cases.length });
    for (const c of cases) {
      const now = new Date();
      const { sql, params } = buildInboxQuery({ now, atRiskUntil: atRiskThreshold(now) }, { ...c.filters, limit: c.filters.limit ?? PAGE });
      const check = await getJson<{ items: unknown[] }>(`${app.url}${c.path}`, token);
      if (check.status !== 200) throw new Error(`GET ${c.path} answered ${check.status}: ${JSON.stringify(check.body).slice(0, 300)}`);
      const items = check.body.items.length;

      const floorCheck = await getJson<{ items: unknown[] }>(`${floor.url}${c.path}`, token);
      if (floorCheck.status !== 200 || floorCheck.body.items.length !== items) throw new Error(`the floor's GET ${c.path} answered ${floorCheck.status} with ${floorCheck.body.items?.length} items, the app ${items}`);

      // the app, the raw SQL and the floor taken in turns (rounds short runs each) and each side's
      // latencies pooled: the machine's speed drifts by a third within minutes here, and measured
      // one after the other the same build's ratio to its SQL moved from 1.5x to 2x between runs
      log(`inbox: ${c.label}: HTTP, raw SQL and floor in ${rounds} rounds of ${round(opts.durationSeconds / rounds, 1)} s each at ${opts.connections} connections`);
      await runLoad({ url: app.url, connections: opts.connections, path: c.path, headers, durationSeconds: opts.warmupSeconds });
      await runPgLoad({ databaseUrl: app.databaseUrl, connections: opts.connections, durationSeconds: opts.warmupSeconds, sql, params });
      await runLoad({ url: floor.url, connections: opts.connections, path: c.path, headers, durationSeconds: opts.warmupSeconds });
      const turns = { http: [] as LoadResult[], usage: [] as ResourceUsage[], raw: [] as PgLoadResult[], floor: [] as LoadResult[], floorUsage: [] as ResourceUsage[] };
      for (let turn = 0; turn < rounds; turn++) {
        const sampler = new ResourceSampler(app.pid, app.databaseName).start();
        turns.http.push(await runLoad({ url: app.url, connections: opts.connections, path: c.path, headers, durationSeconds: opts.durationSeconds / rounds }));
        turns.usage.push(sampler.stop());
        turns.raw.push(await runPgLoad({ databaseUrl: app.databaseUrl, connections: opts.connections, durationSeconds: opts.durationSeconds / rounds, sql, params }));
        const floorSampler = new ResourceSampler(floor.pid, app.databaseName).start();
        turns.floor.push(await runLoad({ url: floor.url, connections: opts.connections, path: c.path, headers, durationSeconds: opts.durationSeconds / rounds }));
        turns.floorUsage.push(floorSampler.stop());
      }
      const [http, raw, floorLoad] = [poolLoads(turns.http), poolPgLoads(turns.raw), poolLoads(turns.floor)];
      const [usage, floorUsage] = [poolUsage(turns.usage), poolUsage(turns.floorUsage)];
      if (c.id === 'first') {
        // where the raw time goes: the same page selecting every column (the stored routing result
        // in both locales included, ~2.5 kB of jsonb per row), and ids only
        const select = (columns: string): string => sql.replace(/^SELECT [\s\S]*? FROM applications a /, `SELECT ${columns} FROM applications a `);
        const full = await runPgLoad({ databaseUrl: app.databaseUrl, connections: opts.connections, durationSeconds: opts.durationSeconds, sql: select(APPLICATION_COLUMNS), params });
        const ids = await runPgLoad({ databaseUrl: app.databaseUrl, connections: opts.connections, durationSeconds: opts.durationSeconds, sql: select('a.id'), params });
        const line = (r: PgLoadResult): string => `${round(r.perSecond, 0)} q/s, p50 ${round(r.latency.p50, 1)} ms, p95 ${round(r.latency.p95, 1)} ms`;
        evidence.push(
          `Raw first page at ${opts.connections} concurrent, by what it selects: the app's columns (buildInboxQuery) ${line(raw)}; ` +
            `every column of the application (APPLICATION_COLUMNS, with \`recommendations\` and \`project_summary\`, detoasted for each of the 26 rows) ${line(full)}; ids only ${line(ids)}.`,
        );
      }
      const plan = await explainAnalyze(app.databaseUrl, sql, params);
      // a step of the plan that never ran (a search's branch not taken) costs nothing
      const seq = /Seq Scan on applications\b.*\(actual time/.test(plan);
      if (seq) seqScans++;

      figures.push(
        {
          name: `inbox ${c.label}: p95`,
          value: round(http.latency.p95, 1),
          unit: 'ms',
          target: '<= 25; ratio <= 3',
          raw: round(raw.latency.p95, 1),
          better: 'lower',
          note:
            `${c.note}; ${items} items; ${opts.connections} concurrent keep-alive connections for ${opts.durationSeconds} s (${http.responses} answers); raw: the same SQL (buildInboxQuery) through pg at ${opts.connections} concurrent for ${opts.durationSeconds} s; the two (and the floor) in ${rounds} alternating rounds, latencies pooled${http.failures ? `; ${http.failures} answers other than 200` : ''}` +
            `; ${timeBudget(http, usage, opts.connections)}`,
        },
        { name: `inbox ${c.label}: p50`, value: round(http.latency.p50, 1), unit: 'ms', raw: round(raw.latency.p50, 1), better: 'lower' },
        {
          name: `inbox ${c.label}: floor p95`,
          value: round(floorLoad.latency.p95, 1),
          unit: 'ms',
          raw: round(raw.latency.p95, 1),
          better: 'lower',
          note: `the same requests answered by the floor (the app's repositories and list view behind bare node:http, no framework): ${round(floorLoad.okPerSecond, 0)} answers/s, ${round(floorLoad.latency.p95 / raw.latency.p95, 2)}× the raw SQL's p95 where the app is at ${round(http.latency.p95 / raw.latency.p95, 2)}×`,
        },
      );
      rows.push(loadRow(c.label, http, raw, floorLoad, usage, floorUsage));
      plans.push(`**${c.label}**${seq ? ' — **Seq Scan on applications**' : ''} (\`${c.path}\`):`, '', '```text', plan, '```', '');
    }
  } finally {
    await floor.stop();
  }
  figures.push({
    name: 'inbox plans with a Seq Scan on applications',
    value: seqScans,
    unit: 'count',
    target: '= 0',
    better: 'lower',
    note: 'EXPLAIN (ANALYZE, BUFFERS) of the five statements, below; a scan marked (never executed) is not counted',
  });

  const details = [
    `${casesInInbox.toLocaleString('en-US')} submitted cases in the inbox (drafts excluded), ${advisorCount} active advisors. Latencies in ms; CPU in cores used on average during the HTTP runs (app / PostgreSQL / load client). The app, its raw SQL and the floor are measured in ${rounds} alternating rounds, latencies pooled per side. ` +
      'The floor answers the same requests with the app\'s own repositories (the account\'s lookup, the page) and list view behind a bare node:http server: no NestJS, Express, middleware or validation (bench/support/inbox-floor-server.ts). ' +
      'The app against the floor is what the framework costs; the floor against the raw SQL is what serving the page over HTTP costs any Node server on these cores.',
    '',
    '| query | HTTP ok/s | HTTP p50 | HTTP p95 | HTTP p99 | raw q/s | raw p50 | raw p95 | raw p99 | floor ok/s | floor p95 | p95 vs raw: app / floor | answers | CPU app / pg / client | ms of CPU an answer: app / floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
    ...rows,
    '',
    ...evidence,
    '',
    'Plans (`EXPLAIN (ANALYZE, BUFFERS)` of the SQL each page runs, after the load, so with warm caches):',
    '',
    ...plans,
  ].join('\n');
  return { title: 'Staff inbox (HTTP vs raw SQL, seeded database)', figures, details };
}
