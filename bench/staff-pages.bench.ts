/**
 * The staff's pages (issue 17) on a seeded database, side by side with the JSON API they stand on:
 * `/staff/inbox` and `GET /api/v1/applications` for the same filter (the first page, and
 * `assignee=me&status=in_review` as the advisor with most cases in review), measured one after
 * the other in the same run at the same concurrency (20, the issue's), signed in through the login
 * form (session cookie) and through the API (bearer token) respectively; then the case page of the
 * case with the longest timeline. Targets: inbox page p95 ≤ 1.3 × the API's for the same filter;
 * case page p95 ≤ 100 ms; HTML ≤ 100 KB.
 */
import { Client } from 'pg';
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import { webLogin } from './pages.bench';
import type { AppProcess } from './support/app-process';
import { login } from './support/http';
import { runLoad } from './support/load';
import { ResourceSampler } from './support/proc';
import { round } from './support/stats';

export interface StaffPagesBenchOptions {
  app: AppProcess;
  connections: number;
  durationSeconds: number;
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

  const measure = async (label: string, path: string, headers: Record<string, string>, connections = opts.connections): Promise<Measured> => {
    const check = await fetch(`${app.url}${path}`, { headers, redirect: 'manual' });
    const body = await check.text();
    if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}`);
    log(`staff pages: ${label}: ${opts.durationSeconds} s at ${connections} connections`);
    await runLoad({ url: app.url, connections, path, headers, durationSeconds: opts.warmupSeconds });
    const sampler = new ResourceSampler(app.pid, app.databaseName).start();
    const http = await runLoad({ url: app.url, connections, path, headers, durationSeconds: opts.durationSeconds });
    const usage = sampler.stop();
    return {
      p50: round(http.latency.p50, 1),
      p95: round(http.latency.p95, 1),
      p99: round(http.latency.p99, 1),
      okPerSecond: round(http.okPerSecond, 0),
      kb: round(Buffer.byteLength(body) / 1024, 1),
      answers: Object.entries(http.statusCounts).map(([code, n]) => `${code}×${n}`).join(' '),
      cpu: `${round(usage.appCores ?? 0, 2)} / ${round(usage.postgresCores, 2)}`,
    };
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
    const json = await measure(`API ${filter.label}`, `/api/v1/applications${suffix}`, api);
    const html = await measure(`inbox page ${filter.label}`, `/staff/inbox${suffix}`, page);
    figures.push(
      {
        name: `staff inbox page (${filter.label}): p95`,
        value: html.p95,
        raw: json.p95,
        unit: 'ms',
        target: 'ratio <= 1.3',
        better: 'lower',
        note: `GET /staff/inbox${suffix} (session cookie) vs GET /api/v1/applications${suffix} (bearer token) as ${advisor.email} (${advisor.in_review} cases in review), one after the other at ${opts.connections} concurrent keep-alive connections for ${opts.durationSeconds} s each; raw = the JSON API`,
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
    `Advisor ${advisor.email}. Latencies in ms; CPU in cores used on average (app / PostgreSQL). Each API row is measured just before the page row with the same filter.`,
    '',
    '| what | ok/s | p50 | p95 | p99 | body KB | answers | CPU app / pg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
  return { title: 'Staff pages vs the JSON API (seeded database)', figures, details };
}
