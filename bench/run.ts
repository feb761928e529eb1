/**
 * `npm run bench [-- options]`: runs the benchmarks one after the other, then writes
 * reports/bench.md and reports/bench.json and prints the markdown. See bench/README.md.
 *
 *   --smoke                 tiny data, short runs (the whole run about a minute and a half; for CI)
 *   --only a,b              only these benchmarks: routing, templates, submit, app, inbox, pages, emails, digests, reports, webhooks, uploads
 *   --drafts N              measured submissions (default 4000, smoke 150)
 *   --founders N            founders owning the drafts (default 1000, smoke 30)
 *   --connections N         concurrent connections of the load client (default 20; the pages benchmark uses 10, its target's concurrency)
 *   --role all|api          APP_ROLE of the app under load (default all: API and worker in one process)
 *   --web-concurrency N     WEB_CONCURRENCY of the app under load: its HTTP processes (default 1)
 *   --app-node PATH         the Node binary the app runs on (default: this one)
 *   --cpu-prof              run the app under `node --cpu-prof` (the seeded benchmarks' apps too); the profiles are summarised in the report
 *   --database-url URL      run the app on this existing database (kept) instead of a fresh one; the
 *                           seeded benchmarks (inbox, pages, emails, digests, reports) use it instead of seeding
 *   --cases N               demo cases seeded for inbox, emails, digests, reports (default 200000, smoke 5000)
 *   --emails N              outbox rows of the emails benchmark (default 5000, smoke 500)
 *   --webhooks N            events of the webhooks benchmark (default 5000, smoke 1000)
 *   --digest-advisors N, --digest-managers N   staff of the digests database (default 2000 and 200, smoke 100 and 10)
 *   --keep                  keep the seeded databases (their URLs are printed) instead of dropping them
 *   --out DIR               where the reports go (default reports/)
 *
 * Exit code 0 even when a target is missed (the report says so); 1 when a benchmark crashed;
 * 2 on a bad option.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { BenchFigure, BenchSection } from './bench-result';
import { benchDigests } from './digests.bench';
import { benchEmails } from './emails.bench';
import { benchInbox } from './inbox.bench';
import { benchPages } from './pages.bench';
import { benchStaffPages } from './staff-pages.bench';
import { benchReports } from './reports.bench';
import { benchRouting } from './routing.bench';
import { benchSubmit } from './submit.bench';
import { benchUploads } from './uploads.bench';
import { benchWebhooks } from './webhooks.bench';
import { startApp, stopAllApps, type AppProcess } from './support/app-process';
import { login } from './support/http';
import { dropSeededDatabases, givenDatabase, keepSeededDatabases, seedBenchDatabase, type BenchDatabase } from './support/seeded-db';
import { SmtpSink } from './support/smtp-sink';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../src/seed/demo-seed';
import { summarizeCpuProfile } from './support/cpu-profile';
import type { ResourceUsage } from './support/proc';
import { evaluateSection, renderJson, renderMarkdown, type Report, type ReportSection } from './support/report';
import { round } from './support/stats';

const ROOT = resolve(__dirname, '..', '..');
const BENCH_IDS = ['routing', 'templates', 'submit', 'app', 'inbox', 'pages', 'emails', 'digests', 'reports', 'webhooks', 'uploads'] as const;
type BenchId = (typeof BENCH_IDS)[number];

interface Options {
  smoke: boolean;
  only: Set<BenchId> | null;
  drafts: number;
  founders: number;
  connections: number;
  role: 'all' | 'api';
  webConcurrency: number;
  /** the Node binary the app runs on (--app-node) */
  appNode?: string;
  cpuProf: boolean;
  databaseUrl?: string;
  outDir: string;
  cases: number;
  emails: number;
  webhooks: number;
  digestAdvisors: number;
  digestManagers: number;
  keep: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const smoke = argv.includes('--smoke');
  const options: Options = {
    smoke,
    only: null,
    drafts: smoke ? 150 : 4000,
    founders: smoke ? 30 : 1000,
    connections: 20,
    role: 'all',
    webConcurrency: 1,
    cpuProf: false,
    outDir: join(ROOT, 'reports'),
    cases: smoke ? 5000 : 200_000,
    emails: smoke ? 500 : 5000,
    webhooks: smoke ? 1000 : 5000,
    digestAdvisors: smoke ? 100 : 2000,
    digestManagers: smoke ? 10 : 200,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const count = (): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
      return Number(v);
    };
    switch (flag) {
      case '--smoke':
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        break;
      case '--role': {
        const role = value();
        if (role !== 'all' && role !== 'api') throw new UsageError(`--role must be all or api, got "${role}"`);
        options.role = role;
        break;
      }
      case '--web-concurrency':
        options.webConcurrency = count();
        break;
      case '--app-node':
        options.appNode = value();
        break;
      case '--only': {
        const ids = value().split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = ids.filter((id) => !(BENCH_IDS as readonly string[]).includes(id));
        if (unknown.length > 0) throw new UsageError(`--only: unknown benchmark ${unknown.join(', ')} (known: ${BENCH_IDS.join(', ')})`);
        options.only = new Set(ids as BenchId[]);
        break;
      }
      case '--drafts':
        options.drafts = count();
        break;
      case '--founders':
        options.founders = count();
        break;
      case '--connections':
        options.connections = count();
        break;
      case '--database-url':
        options.databaseUrl = value();
        break;
      case '--out':
        options.outDir = resolve(value());
        break;
      case '--cases':
        options.cases = count();
        break;
      case '--emails':
        options.emails = count();
        break;
      case '--webhooks':
        options.webhooks = count();
        break;
      case '--digest-advisors':
        options.digestAdvisors = count();
        break;
      case '--digest-managers':
        options.digestManagers = count();
        break;
      case '--keep':
        options.keep = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** bench/templates.bench.ts belongs to another change and may not exist yet: loaded only if present. */
function optionalBench(name: string): ((options: { smoke: boolean }) => Promise<BenchSection | BenchSection[]>) | undefined {
  const compiled = join(__dirname, `${name}.js`);
  if (!existsSync(join(ROOT, 'bench', `${name}.ts`)) || !existsSync(compiled)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(compiled) as Record<string, unknown>;
  const fn = Object.entries(exported).find(([key, value]) => /^bench[A-Z]/.test(key) && typeof value === 'function');
  if (!fn) throw new Error(`bench/${name}.ts exports no bench…() function`);
  return fn[1] as (options: { smoke: boolean }) => Promise<BenchSection | BenchSection[]>;
}

async function restingRss(app: AppProcess, settleMs: number): Promise<number | null> {
  await sleep(settleMs);
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const value = app.rssBytes();
    if (value !== null) samples.push(value);
    await sleep(50);
  }
  return samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : null;
}

/** `node --version` of the binary at `path`. */
function nodeVersion(path: string): string {
  return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The PostgreSQL settings that move the figures most (docs/operations.md "PostgreSQL settings"). */
const PG_SETTINGS = ['shared_buffers', 'huge_pages', 'max_wal_size', 'wal_compression', 'synchronous_commit', 'max_connections'];

async function versions(): Promise<{ postgres?: string; postgresSettings?: string; redis?: string }> {
  const out: { postgres?: string; postgresSettings?: string; redis?: string } = {};
  const pg = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await pg.connect();
    out.postgres = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    const settings = await pg.query<{ name: string; value: string }>(
      `SELECT name, CASE WHEN unit = '8kB' THEN pg_size_pretty(setting::bigint * 8192) WHEN unit = 'MB' THEN pg_size_pretty(setting::bigint * 1048576) ELSE setting END AS value
       FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)`,
      [PG_SETTINGS],
    );
    out.postgresSettings = settings.rows.map((r) => `${r.name}=${r.value}`).join(', ');
  } catch {
    // not reachable: the report just says less
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    out.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  } catch {
    // idem
  } finally {
    redis.disconnect();
  }
  return out;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`npm run bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const wanted = (id: BenchId): boolean => options.only === null || options.only.has(id);
  // the code measured is the code compiled at the start: name its commit now, not at the end
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  const startedAt = performance.now();
  const loadAtStart = os.loadavg()[0];
  const sections: ReportSection[] = [];
  let crashed = false;

  const attempt = async (title: string, run: () => Promise<BenchSection | BenchSection[]>): Promise<void> => {
    log(`${title}…`);
    try {
      const result = await run();
      for (const section of Array.isArray(result) ? result : [result]) sections.push(evaluateSection(section));
    } catch (error) {
      crashed = true;
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${title} CRASHED: ${text}`);
      sections.push({ title, figures: [], crashed: text });
    }
  };

  // 1. in-process benchmarks (pure code)
  if (wanted('routing')) await attempt('Routing engine', () => benchRouting());
  if (wanted('templates')) {
    let templates: ReturnType<typeof optionalBench>;
    try {
      templates = optionalBench('templates.bench');
    } catch (error) {
      crashed = true;
      sections.push({ title: 'Email templates', figures: [], crashed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    if (templates) {
      const run = templates;
      await attempt('Email templates', () => run({ smoke: options.smoke }));
    } else if (options.only?.has('templates')) {
      log('templates: bench/templates.bench.ts is not there yet, skipped');
    }
  }

  // 2. benchmarks against the running app (one child process, its own database)
  if (wanted('submit') || wanted('app')) {
    let app: AppProcess | undefined;
    let loadUsage: ResourceUsage | undefined;
    const profileDir = join(options.outDir, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    let appSection: BenchSection | undefined;
    await attempt('App process', async () => {
      log(`starting the app, APP_ROLE=${options.role}, WEB_CONCURRENCY=${options.webConcurrency} (${options.databaseUrl ? 'given database' : 'fresh database, migrations at boot'})…`);
      app = await startApp({
        role: options.role,
        databaseUrl: options.databaseUrl,
        env: { WEB_CONCURRENCY: String(options.webConcurrency) },
        nodeArgs: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
        nodeBinary: options.appNode,
      });
      log(`app pid ${app.pid} healthy on :${app.port} after ${Math.round(app.bootMs)} ms (database ${app.databaseName})`);
      return [];
    });
    try {
      const started = app;
      if (started) {
        const restBefore = await restingRss(started, options.smoke ? 500 : 2000);
        if (wanted('submit')) {
          const drafts = options.drafts;
          await attempt('Submit an application (HTTP, running app)', () =>
            benchSubmit({
              app: started,
              drafts,
              warmup: options.smoke ? 30 : Math.min(500, Math.ceil(drafts / 10)),
              founders: options.founders,
              connections: options.connections,
              baselineSeconds: options.smoke ? 1 : 5,
              onLoadUsage: (usage) => (loadUsage = usage),
              log,
            }),
          );
        }
        const restAfter = wanted('submit') ? await restingRss(started, options.smoke ? 500 : 3000) : null;
        const mb = (bytes: number): number => round(bytes / 2 ** 20, 0);
        const figures: BenchFigure[] = [
          {
            name: 'boot to healthy',
            value: Math.round(started.bootMs),
            unit: 'ms',
            better: 'lower',
            note:
              `spawn of \`node dist-bench/src/main.js\` (APP_ROLE=${options.role}${options.cpuProf ? ', under --cpu-prof' : ''}) to the first 200 of GET /health, ` +
              (options.databaseUrl ? 'on the given database' : 'including creating the database and running every migration'),
          },
        ];
        if (restBefore !== null) figures.push({ name: 'app RSS at rest (after boot)', value: mb(restBefore), unit: 'MB', target: 'report', better: 'lower', note: 'VmRSS of the app process, mean of 10 readings after an idle pause' });
        if (loadUsage?.rssMaxBytes != null) {
          figures.push({
            name: 'app RSS under submit load (peak)',
            value: mb(loadUsage.rssMaxBytes),
            unit: 'MB',
            target: 'report',
            better: 'lower',
            note: `sampled every 100 ms during the measured submit run (${loadUsage.rssSamples} readings, mean ${mb(loadUsage.rssMeanBytes ?? 0)} MB)`,
          });
        }
        if (restAfter !== null) figures.push({ name: 'app RSS at rest (after load)', value: mb(restAfter), unit: 'MB', target: 'report', better: 'lower' });
        appSection = { title: 'App process', figures };
      }
    } finally {
      if (app) {
        log('stopping the app, dropping its database and Redis keys…');
        await app.stop().catch((error: Error) => {
          crashed = true;
          log(error.message);
        });
      }
    }
    if (appSection) {
      if (options.cpuProf) {
        // written by the child when it exits
        const profiles = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
        appSection.details = profiles.length
          ? summarizeCpuProfile(join(profileDir, profiles[0]), ROOT)
          : `No CPU profile was written in ${profileDir} (did the app exit cleanly?).`;
      }
      sections.push(evaluateSection(appSection));
    }
  }

  // 2b. webhooks: their own app (NODE_ENV=development: production refuses a receiver on 127.0.0.1)
  if (wanted('webhooks')) {
    let app: AppProcess | undefined;
    try {
      await attempt('Webhooks: outbox → dispatcher → receiver', async () => {
        app = await startApp({ role: options.role === 'api' ? 'all' : options.role, env: { NODE_ENV: 'development' }, nodeBinary: options.appNode });
        log(`webhooks: app pid ${app.pid} healthy on :${app.port}`);
        return benchWebhooks({ app, events: options.webhooks, timeoutMs: options.smoke ? 60_000 : 180_000, log });
      });
    } finally {
      if (app) await app.stop().catch((error: Error) => log(error.message));
    }
  }

  // 2c. document uploads: their own app (APP_ROLE=api), so its RSS says what streaming uploads cost
  if (wanted('uploads')) await attempt('Document uploads (HTTP multipart, running app)', () => benchUploads({ smoke: options.smoke, nodeBinary: options.appNode, log }));

  // 3. benchmarks on seeded demo databases (src/seed): inbox, reports, emails on one, digests on one with many staff
  const mainWanted = wanted('inbox') || wanted('pages') || wanted('reports') || wanted('emails');
  if (mainWanted || wanted('digests')) {
    const sink = new SmtpSink();
    await sink.start();
    const seedFigures: BenchFigure[] = [];
    const seedNotes: string[] = [];
    const runOn = async (db: BenchDatabase, work: (app: AppProcess) => Promise<void>, what: string): Promise<void> => {
      let app: AppProcess | undefined;
      const profileDir = join(options.outDir, 'profiles', `${db.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      try {
        log(`starting the app on ${db.name} (SMTP_URL: the sink on :${sink.port})…`);
        app = await startApp({
          role: options.role,
          databaseUrl: db.url,
          env: { SMTP_URL: sink.url, WEB_CONCURRENCY: String(options.webConcurrency) },
          nodeArgs: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
          nodeBinary: options.appNode,
        });
        log(`app pid ${app.pid} healthy on :${app.port} after ${Math.round(app.bootMs)} ms`);
        seedNotes.push(`App on ${db.name}: healthy ${Math.round(app.bootMs)} ms after spawn, RSS at rest ${Math.round((app.rssBytes() ?? 0) / 2 ** 20)} MB.`);
        await work(app);
      } finally {
        if (app) await app.stop().catch((error: Error) => log(error.message));
      }
      if (options.cpuProf) {
        const profiles = existsSync(profileDir) ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
        sections.push({
          title: `App CPU profile (${what})`,
          figures: [],
          details: profiles.length ? summarizeCpuProfile(join(profileDir, profiles[0]), ROOT) : `No CPU profile was written in ${profileDir}.`,
        });
      }
    };
    const seedOne = async (label: string, advisors: number, managers: number): Promise<BenchDatabase | undefined> => {
      if (options.databaseUrl) return givenDatabase(options.databaseUrl);
      let db: BenchDatabase | undefined;
      await attempt(`Demo database (${label})`, async () => {
        log(`seeding ${options.cases} demo cases with ${advisors} advisors and ${managers} managers…`);
        db = await seedBenchDatabase(label, { cases: options.cases, advisors, managers, log });
        const s = db.seed;
        if (s) {
          const big = options.cases >= 200_000;
          seedFigures.push(
            {
              name: `seed ${label}: ${s.casesTotal.toLocaleString('en-US')} cases, ${s.advisors} advisors, ${s.managers} managers (total)`,
              value: round(s.seconds.total, 1),
              unit: 's',
              ...(big ? { target: `< ${Math.round((300 * options.cases) / 200_000)}` } : {}),
              better: 'lower',
              note:
                `npm run seed:demo -- --cases ${options.cases} --advisors ${advisors} --managers ${managers}: migrations ${round(s.seconds.migrate, 1)} s, staff ${round(s.seconds.staff, 1)} s, ` +
                `cases ${round(s.seconds.cases, 1)} s, reminder log + VACUUM (ANALYZE) ${round(s.seconds.finish, 1)} s` +
                (big ? '; target: 200,000 cases well under 5 minutes (scaled to the size asked)' : ''),
            },
            { name: `seed ${label}: cases per second`, value: round(s.casesAdded / s.seconds.cases, 0), unit: 'cases/s', better: 'higher' },
          );
          seedNotes.push(
            `**${db.name}**: ${s.casesTotal.toLocaleString('en-US')} cases (${Object.entries(s.statuses)
              .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
              .join(', ')}), ${s.founders.toLocaleString('en-US')} founders, ${s.rows.events.toLocaleString('en-US')} timeline events, ` +
              `${s.rows.messages.toLocaleString('en-US')} messages, ${s.rows.notes.toLocaleString('en-US')} notes, ${s.rows.enrolments} enrolments, ${s.rows.reminderLog} reminder log rows.`,
          );
        }
        return [];
      });
      return db;
    };
    /** Hash chains of a sample of seeded cases, checked by the app itself (GET /timeline/verify). */
    const verifyChains = async (app: AppProcess, sample: number): Promise<void> => {
      const { token } = await login(app.url, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
      const pg = new Client({ connectionString: app.databaseUrl });
      pg.on('error', () => undefined);
      await pg.connect();
      const ids = (await pg.query<{ id: string }>(`SELECT id FROM applications WHERE status <> 'draft' ORDER BY random() LIMIT $1`, [sample])).rows.map((r) => r.id);
      await pg.end();
      let broken = 0;
      let events = 0;
      for (const id of ids) {
        const response = await fetch(`${app.url}/api/v1/applications/${id}/timeline/verify`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { intact?: boolean; events?: number };
        if (response.status !== 200 || body.intact !== true) broken++;
        events += body.events ?? 0;
      }
      seedFigures.push({
        name: 'seeded timelines whose hash chain is broken',
        value: broken,
        unit: 'count',
        target: '= 0',
        better: 'lower',
        note: `GET /api/v1/applications/:id/timeline/verify (admin) on ${ids.length} random cases (${events} events)`,
      });
    };
    try {
      if (mainWanted) {
        const db = await seedOne('main', 40, 10);
        if (db) {
          await attempt('Demo database check', () =>
            runOn(db, async (app) => {
              await verifyChains(app, options.smoke ? 20 : 100);
              if (wanted('inbox')) {
                await attempt('Staff inbox (HTTP vs raw SQL, seeded database)', () =>
                  benchInbox({ app, connections: options.connections, durationSeconds: options.smoke ? 1 : 8, rounds: options.smoke ? 1 : 4, warmupSeconds: options.smoke ? 0.5 : 2, log }),
                );
              }
              if (wanted('pages')) {
                await attempt('Web pages (founder, seeded database)', () =>
                  benchPages({ app, connections: 10, durationSeconds: options.smoke ? 1 : 8, warmupSeconds: options.smoke ? 0.5 : 2, log }),
                );
                await attempt('Staff pages vs the JSON API (seeded database)', () =>
                  // 20 connections need more than a second to answer at all on a loaded smoke machine
                  benchStaffPages({ app, connections: 20, durationSeconds: options.smoke ? 3 : 12, rounds: options.smoke ? 1 : 4, warmupSeconds: options.smoke ? 1 : 2, log }),
                );
              }
              if (wanted('reports')) await attempt('Reports: funnel and CSV export (seeded database)', () => benchReports({ app, runs: options.smoke ? 2 : 5, log }));
              if (wanted('emails')) {
                await attempt('Emails: outbox → BullMQ → SMTP (seeded database)', () =>
                  benchEmails({ app, sink, emails: options.emails, idleMs: options.smoke ? 15_000 : 30_000, timeoutMs: options.smoke ? 60_000 : 300_000, log }),
                );
              }
            }, 'inbox, pages, reports and emails on the seeded database').then(() => []),
          );
        }
      }
      if (wanted('digests')) {
        const db = await seedOne('digests', options.digestAdvisors, options.digestManagers);
        if (db) {
          await attempt('Weekly digests (seeded database with many staff)', async () => {
            let section: BenchSection | undefined;
            await runOn(
              db,
              async (app) => {
                section = await benchDigests({ app, sink, idleMs: options.smoke ? 20_000 : 60_000, timeoutMs: options.smoke ? 90_000 : 600_000, log });
              },
              'digest run',
            );
            return section ?? [];
          });
        }
      }
    } finally {
      await sink.stop();
      if (options.keep) {
        for (const db of keepSeededDatabases()) {
          log(`kept ${db.url}`);
          seedNotes.push(`Kept (--keep): \`${db.url}\` — drop it with \`psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE "${db.name}" WITH (FORCE)'\`.`);
        }
      } else {
        for (const problem of await dropSeededDatabases()) log(problem);
      }
    }
    if (seedFigures.length > 0 || seedNotes.length > 0) {
      const at = sections.findIndex((s) => s.title.startsWith('Staff inbox') || s.title.startsWith('Web pages') || s.title.startsWith('Reports') || s.title.startsWith('Emails') || s.title.startsWith('Weekly digests'));
      const seedSection = evaluateSection({ title: 'Demo data (npm run seed:demo)', figures: seedFigures, details: seedNotes.join('\n\n') });
      sections.splice(at >= 0 ? at : sections.length, 0, seedSection);
    }
  }

  const cpus = os.cpus();
  const report: Report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    mode: options.smoke ? 'smoke' : 'full',
    machine: {
      cores: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      appNode: options.appNode ? nodeVersion(options.appNode) : process.version,
      ...(await versions()),
    },
    commit: commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : undefined,
    durationSeconds: round((performance.now() - startedAt) / 1000, 1),
    loadAverage: { start: round(loadAtStart, 2), end: round(os.loadavg()[0], 2) },
    sections,
  };
  mkdirSync(options.outDir, { recursive: true });
  const markdown = renderMarkdown(report);
  writeFileSync(join(options.outDir, 'bench.md'), markdown);
  writeFileSync(join(options.outDir, 'bench.json'), renderJson(report));
  process.stdout.write(markdown);
  log(`wrote ${join(options.outDir, 'bench.md')} and bench.json in ${report.durationSeconds} s${crashed ? ' — a benchmark CRASHED' : ''}`);
  return crashed ? 1 : 0;
}

// an unexpected error (e.g. the database server restarted under an idle connection) still cleans up
process.once('uncaughtException', (error) => {
  log(`uncaught: ${error.stack ?? error.message}; stopping the app and cleaning up…`);
  void stopAllApps()
    .then(() => dropSeededDatabases())
    .then((problems) => problems.forEach((problem) => log(problem)))
    .finally(() => process.exit(1));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the app and cleaning up…`);
    void stopAllApps()
      .then((problems) => problems.forEach((problem) => log(problem)))
      .then(() => dropSeededDatabases())
      .then((problems) => problems.forEach((problem) => log(problem)))
      .finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void stopAllApps()
      .then(() => dropSeededDatabases())
      .finally(() => process.exit(1));
  },
);
