/**
 * The web pages (issue 16) on a seeded database: each page a founder sees, signed in through the
 * login form like a browser (session cookie), served at N concurrent keep-alive connections
 * (autocannon, default 10). Targets: server time p95 ≤ 50 ms at 10 concurrent, HTML ≤ 100 KB.
 * The founder is the demo founder whose submitted case has the longest public timeline (the
 * heaviest case page); the form is one of their drafts, or the case's own page when they have none.
 */
import { Client } from 'pg';
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from '../src/seed/demo-seed';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { runLoad } from './support/load';
import { ResourceSampler } from './support/proc';
import { round } from './support/stats';

export interface PagesBenchOptions {
  app: AppProcess;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  log?: (message: string) => void;
}

function cookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('guichet_session='));
  return header ? header.split(';')[0] : null;
}

/** Signs in through the login form as a browser would: GET the form (session + CSRF token), POST it. */
export async function webLogin(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/login`);
  const anonymous = cookieOf(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!anonymous || !token) throw new Error('the login page gave no session or CSRF token');
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anonymous },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const session = cookieOf(response);
  if (response.status !== 303 || !session) throw new Error(`web login as ${email} answered ${response.status}`);
  return session;
}

export async function benchPages(opts: PagesBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const db = new Client({ connectionString: app.databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  let founder: { email: string; case_id: string; events: number; draft_id: string | null; applications: number };
  try {
    const found = await db.query<{ email: string; case_id: string; events: number; draft_id: string | null; applications: number }>(
      `WITH heaviest AS (
         SELECT a.id, a.owner_id, count(*)::int AS events
         FROM applications a JOIN case_events e ON e.application_id = a.id AND e.public
         WHERE a.status <> 'draft' GROUP BY a.id, a.owner_id ORDER BY events DESC LIMIT 1)
       SELECT u.email, h.id AS case_id, h.events,
              (SELECT d.id FROM applications d WHERE d.owner_id = u.id AND d.status = 'draft' LIMIT 1) AS draft_id,
              (SELECT count(*)::int FROM applications x WHERE x.owner_id = u.id) AS applications
       FROM heaviest h JOIN users u ON u.id = h.owner_id WHERE u.email LIKE $1`,
      [`%@${DEMO_EMAIL_DOMAIN}`],
    );
    if (found.rows.length === 0) throw new Error('no demo founder with a submitted case: seed the database with npm run seed:demo');
    founder = found.rows[0];
  } finally {
    await db.end();
  }
  const cookie = await webLogin(app.url, founder.email, DEMO_PASSWORD);
  const pages: { label: string; path: string; signedIn: boolean }[] = [
    { label: 'home', path: '/', signedIn: false },
    { label: 'login form', path: '/login', signedIn: false },
    { label: 'my applications', path: '/applications', signedIn: true },
    { label: 'application page', path: `/applications/${founder.case_id}`, signedIn: true },
    { label: 'application form', path: founder.draft_id ? `/applications/${founder.draft_id}/edit` : '/applications/new', signedIn: true },
    { label: 'account', path: '/account', signedIn: true },
  ];

  const figures: BenchFigure[] = [];
  const rows: string[] = [];
  for (const page of pages) {
    const headers: Record<string, string> = page.signedIn ? { cookie } : {};
    const check = await fetch(`${app.url}${page.path}`, { headers, redirect: 'manual' });
    const html = await check.text();
    if (check.status !== 200) throw new Error(`GET ${page.path} answered ${check.status}`);
    const kb = Buffer.byteLength(html) / 1024;
    log(`pages: ${page.label}: ${opts.durationSeconds} s at ${opts.connections} connections`);
    await runLoad({ url: app.url, connections: opts.connections, path: page.path, headers, durationSeconds: opts.warmupSeconds });
    const sampler = new ResourceSampler(app.pid, app.databaseName).start();
    const http = await runLoad({ url: app.url, connections: opts.connections, path: page.path, headers, durationSeconds: opts.durationSeconds });
    const usage = sampler.stop();
    const codes = Object.entries(http.statusCounts).map(([code, n]) => `${code}×${n}`).join(' ');
    figures.push(
      {
        name: `page ${page.label}: p95`,
        value: round(http.latency.p95, 1),
        unit: 'ms',
        target: '<= 50',
        better: 'lower',
        note: `GET ${page.path.replace(/[0-9a-f-]{36}/, ':id')}${page.signedIn ? ' (signed-in founder, session cookie)' : ' (visitor)'}; ${opts.connections} concurrent keep-alive connections for ${opts.durationSeconds} s (${http.responses} answers${http.failures ? `, ${http.failures} not 200` : ''})`,
      },
      { name: `page ${page.label}: HTML size`, value: round(kb, 1), unit: 'KB', target: '<= 100', better: 'lower' },
    );
    rows.push(`| ${page.label} | ${round(http.okPerSecond, 0)} | ${round(http.latency.p50, 1)} | ${round(http.latency.p95, 1)} | ${round(http.latency.p99, 1)} | ${round(kb, 1)} | ${codes} | ${round(usage.appCores ?? 0, 2)} / ${round(usage.postgresCores, 2)} |`);
  }
  const details = [
    `Founder ${founder.email}: ${founder.applications} application(s); the case page shows ${founder.events} public timeline events. Latencies in ms; CPU in cores used on average (app / PostgreSQL).`,
    '',
    '| page | ok/s | p50 | p95 | p99 | HTML KB | answers | CPU app / pg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
  return { title: 'Web pages (founder, seeded database)', figures, details };
}
