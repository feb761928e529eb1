/**
 * The staff's pages (issue 17) on a seeded database, side by side with the JSON API they stand on:
 * `/staff/inbox` and `GET /api/v1/applications` for the same filter (the first page, and
 * `assignee=me&status=in_review` as the advisor with most cases in review), measured in turns in
 * the same run at the same concurrency (20, the issue's), signed in through the login form
 * (session cookie) and through the API (bearer token) respectively; then the case page of the
 * case with the longest timeline. Targets: inbox page p95 ≤ 1.3 × the API's for the same filter;
 * case page p95 ≤ 100 ms; HTML ≤ 100 KB.
 */
import { Client } from 'pg';
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import { webLogin } from './pages.bench';
import type { AppProcess } from './support/app-process';
import { login } from './support/http';
import { poolLoads, runLoad, type LoadResult } from './support/load';
import { ResourceSampler } from './support/proc';
import { round } from './support/stats';

export interface StaffPagesBenchOptions {
  app: AppProcess;
  connections: number;
  durationSeconds: number;
  /** turns of API then page per filter, `durationSeconds` shared between them (see measurePair) */
  rounds: number;
  warmupSeconds: number;
  log?: (message: string) => void;
}

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  okPerSecond: number;
  kb: number;
  answers: string;
  cpu: string;
}

export async function benchStaffPages(opts: StaffPagesBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const rounds = Math.max(1, opts.rounds);
  const db = new Client({ connectionString: app.databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  let advisor: { id: string; email: string; in_review: number };
  let heaviest: { id: string; events: number };
  try {
    const found = await db.query<{ id: string; email: string; in_review: number }>(
      `SELECT u.id, u.email, count(a.id)::int AS in_review
       FROM users u LEFT JOIN applications a ON a.assignee_id = u.id AND a.status = 'in_review'
       WHERE u.role = 'advisor' AND u.active AND u.email LIKE $1
       GROUP BY u.id, u.email ORDER BY 3 DESC, 2 LIMIT 1`,
      [`advisor-%@${DEMO_EMAIL_DOMAIN}`],
    );
    if (found.rows.length === 0) throw new Error('no demo advisor in the database: seed it with npm run seed:demo');
    advisor = found.rows[0];
    const cases = await db.query<{ id: string; events: number }>(
      `SELECT e.application_id AS id, count(*)::int AS events FROM case_events e GROUP BY e.application_id ORDER BY 2 DESC LIMIT 1`,
    );
    heaviest = cases.rows[0];
  } finally {
    await db.end();
  }
  const cookie = await webLogin(app.url, advisor.email, DEMO_PASSWORD);
  const { token } = await login(app.url, advisor.email, DEMO_PASSWORD);

  const check = async (path: string, headers: Record<string, string>): Promise<number> => {
    const answer = await fetch(`${app.url}${path}`, { headers, redirect: 'manual' });
    const body = await answer.text();
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    return round(Buffer.byteLength(body) / 1024, 1);
  };
  const summary = (kb: number, runs: LoadResult[], usage: { appCores: number | null; postgresCores: number }): Measured => {
    const { latency, okPerSecond, statusCounts } = poolLoads(runs);
    return {
      p50: round(latency.p50, 1),
      p95: round(latency.p95, 1),
      p99: round(latency.p99, 1),
      okPerSecond: round(okPerSecond, 0),
      kb,
      answers: Object.entries(statusCounts).map(([code, n]) => `${code}×${n}`).join(' '),
      cpu: `${round(usage.appCores ?? 0, 2)} / ${round(usage.postgresCores, 2)}`,
    };
  };
  const measure = async (label: string, path: string, headers: Record<string, string>, connections = opts.connections): Promise<Measured> => {
    const kb = await check(path, headers);
    log(`staff pages: ${label}: ${opts.durationSeconds} s at ${connections} connections`);
    await runLoad({ url: app.url, connections, path, headers, durationSeconds: opts.warmupSeconds });
    const sampler = new ResourceSampler(app.pid, app.databaseName).start();
    const http = await runLoad({ url: app.url, connections, path, headers, durationSeconds: opts.durationSeconds });
    return summary(kb, [http], sampler.stop());
  };
  /**
   * The API and the page for one filter, taken in turns (rounds short runs each, API first in
   * every round) and each side's latencies pooled: a machine whose background load drifts during
   * the run (a checkpoint, another tenant) then weighs on both sides alike instead of on
   * whichever happened to run second.
   */
  const measurePair = async (label: string, apiPath: string, apiHeaders: Record<string, string>, pagePath: string, pageHeaders: Record<string, string>): Promise<{ json: Measured; html: Measured }> => {
    const [jsonKb, htmlKb] = [await check(apiPath, apiHeaders), await check(pagePath, pageHeaders)];
    log(`staff pages: API and inbox page ${label}: ${rounds} rounds of ${round(opts.durationSeconds / rounds, 1)} s each at ${opts.connections} connections`);
    const sides = [
      { path: apiPath, headers: apiHeaders, runs: [] as LoadResult[], app: 0, pg: 0, wall: 0 },
      { path: pagePath, headers: pageHeaders, runs: [] as LoadResult[], app: 0, pg: 0, wall: 0 },
    ];
    for (const side of sides) await runLoad({ url: app.url, connections: opts.connections, path: side.path, headers: side.headers, durationSeconds: opts.warmupSeconds });
    for (let turn = 0; turn < rounds; turn++) {
      for (const side of sides) {
        const sampler = new ResourceSampler(app.pid, app.databaseName).start();
        side.runs.push(await runLoad({ url: app.url, connections: opts.connections, path: side.path, headers: side.headers, durationSeconds: opts.durationSeconds / rounds }));
        const usage = sampler.stop();
        side.app += (usage.appCores ?? 0) * usage.wallSeconds;
        side.pg += usage.postgresCores * usage.wallSeconds;
        side.wall += usage.wallSeconds;
      }
    }
    const [json, html] = sides.map((side, i) => summary(i === 0 ? jsonKb : htmlKb, side.runs, { appCores: side.app / side.wall, postgresCores: side.pg / side.wall }));
    return { json, html };
  };

  const page = { cookie };
  const api = { authorization: `Bearer ${token}` };
  const filters: { label: string; query: string }[] = [
    { label: 'first page', query: '' },
    { label: 'assignee=me&status=in_review', query: 'assignee=me&status=in_review' },
  ];
  const figures: BenchFigure[] = [];
  const rows: string[] = [];
  const row = (what: string, m: Measured): string => `| ${what} | ${m.okPerSecond} | ${m.p50} | ${m.p95} | ${m.p99} | ${m.kb} | ${m.answers} | ${m.cpu} |`;
  for (const filter of filters) {
    const suffix = filter.query ? `?${filter.query}` : '';
    const { json, html } = await measurePair(filter.label, `/api/v1/applications${suffix}`, api, `/staff/inbox${suffix}`, page);
    figures.push(
      {
        name: `staff inbox page (${filter.label}): p95`,
        value: html.p95,
        raw: json.p95,
        unit: 'ms',
        target: 'ratio <= 1.3',
        better: 'lower',
        note: `GET /staff/inbox${suffix} (session cookie) vs GET /api/v1/applications${suffix} (bearer token) as ${advisor.email} (${advisor.in_review} cases in review), in ${rounds} alternating rounds (API, page, API, page...) at ${opts.connections} concurrent keep-alive connections, ${opts.durationSeconds} s in all for each, latencies pooled per side; raw = the JSON API`,
      },
      { name: `staff inbox page (${filter.label}): HTML size`, value: html.kb, unit: 'KB', target: '<= 100', better: 'lower' },
    );
    rows.push(row(`API ${filter.label}`, json), row(`inbox page ${filter.label}`, html));
  }
  const casePage = await measure('case page', `/staff/cases/${heaviest.id}`, page);
  figures.push(
    {
      name: 'staff case page: p95',
      value: casePage.p95,
      unit: 'ms',
      target: '<= 100',
      better: 'lower',
      note: `GET /staff/cases/:id of the case with the longest timeline (${heaviest.events} events), ${opts.connections} concurrent keep-alive connections for ${opts.durationSeconds} s`,
    },
    { name: 'staff case page: HTML size', value: casePage.kb, unit: 'KB', target: '<= 100', better: 'lower' },
  );
  // the same page for one staff member at a time: what an advisor opening a case waits for
  const caseAlone = await measure('case page, one user', `/staff/cases/${heaviest.id}`, page, 1);
  figures.push({
    name: 'staff case page, one user at a time: p95',
    value: caseAlone.p95,
    unit: 'ms',
    target: '<= 100',
    better: 'lower',
    note: `the same page, 1 keep-alive connection for ${opts.durationSeconds} s (the figure above is at ${opts.connections} concurrent connections)`,
  });
  rows.push(row(`case page (${heaviest.events} events)`, casePage), row(`case page (${heaviest.events} events), 1 connection`, caseAlone));
  const details = [
    `Advisor ${advisor.email}. Latencies in ms; CPU in cores used on average (app / PostgreSQL). Each API row and the page row below it (same filter) are measured in ${rounds} alternating rounds, latencies pooled per side.`,
    '',
    '| what | ok/s | p50 | p95 | p99 | body KB | answers | CPU app / pg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
  return { title: 'Staff pages vs the JSON API (seeded database)', figures, details };
}
