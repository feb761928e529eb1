/**
 * `POST /api/v1/applications/:id/submit` against the running app (validation, routing over the
 * active programmes, the due dates, the update and the first timeline event in one
 * transaction), under a fixed number of concurrent keep-alive connections (autocannon).
 *
 * Setup, not measured: N founders sign up (each from its own `X-Forwarded-For` address, since
 * sign-ups are limited per IP), each creates complete drafts from the same seeded mix of
 * profiles as the routing benchmark. Every submit request gets a distinct draft (a draft can
 * be submitted once). A warm-up batch is submitted first; then the measured batch.
 * Baseline ("raw"): `GET /health` (one `SELECT 1` and one Redis PING) through the same client
 * at the same concurrency, so the ratio says how much more a submission costs than the
 * cheapest round trip through the same HTTP stack.
 */
import { BUSY_REQUESTS, MAX_JOB_WAIT_MS } from '../src/queue/request-load';
import { SUMMARY_WHAT } from '../src/seed/demo-words';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Client } from 'pg';
import type { ProfileInput } from '../src/routing/application-profile';
import type { BenchFigure, BenchSection } from './bench-result';
import { generateProfiles } from './routing.bench';
import type { AppProcess } from './support/app-process';
import { runLoad, type LoadResult } from './support/load';
import { PgActivitySampler, renderPgActivity } from './support/pg-activity';
import { ResourceSampler, type ResourceUsage } from './support/proc';
import { mapLimit, round, summarize } from './support/stats';

export interface SubmitBenchOptions {
  app: AppProcess;
  /** measured submissions (one distinct draft each) */
  drafts: number;
  /** drafts submitted first at the same concurrency, not measured (JIT, pools, caches) */
  warmup: number;
  /** founders who own the drafts (drafts are spread over them round-robin) */
  founders: number;
  /** concurrent connections of the load client */
  connections: number;
  /** how long each baseline (GET /health, GET /api/v1/me) runs */
  baselineSeconds: number;
  /** concurrency of the setup (sign-ups, drafts) */
  setupConcurrency?: number;
  /** told the app's resource use during the measured submit run (RSS under load for the report) */
  onLoadUsage?: (usage: ResourceUsage) => void;
  log?: (message: string) => void;
}

interface Founder {
  token: string;
  ip: string;
}

interface Draft {
  id: string;
  founder: Founder;
}

const PASSWORD = 'bench-password-not-secret';
/** the first eight of the seed's project descriptions (the submit mix predates the longer list) */
const SUMMARY_WORDS = SUMMARY_WHAT.slice(0, 8);

/** Today in Europe/Paris, YYYY-MM-DD (what the app checks dates against). */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A 9-digit SIREN with a valid Luhn key, derived from `seed`. */
function siren(seed: number): string {
  const base = String(10_000_000 + ((seed * 7_919) % 89_999_999)).slice(0, 8);
  for (let check = 0; check <= 9; check++) {
    const digits = base + String(check);
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      let d = Number(digits[8 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

/** A complete application body (valid for submission) from a generated routing profile. */
export function completeBody(profile: ProfileInput, index: number, today: string): Record<string, unknown> {
  const stage = profile.stage ?? 'prototype';
  const incorporated = profile.incorporated ?? false;
  const dated = profile.incorporationDate ?? today;
  const what = SUMMARY_WORDS[index % SUMMARY_WORDS.length];
  const body: Record<string, unknown> = {
    startupName: `Bench Startup ${index}`,
    projectSummary:
      `We are building ${what}. The team comes from ${profile.academicAffiliation ?? 'none'} and works at the ${stage.replace(/_/g, ' ')} stage; ` +
      `we are asking the campus for ${(profile.needs ?? ['coaching']).join(', ').replace(/_/g, ' ')} to reach the next milestone within eighteen months.`,
    stage,
    trl: profile.trl ?? 4,
    domains: profile.domains && profile.domains.length > 0 ? [...profile.domains] : ['digital_health'],
    needs: profile.needs && profile.needs.length > 0 ? [...profile.needs] : ['coaching'],
    incorporated,
    academicAffiliation: profile.academicAffiliation ?? 'none',
    lookingForCofounder: profile.lookingForCofounder ?? false,
    teamSize: profile.teamSize ?? 3,
  };
  if (incorporated) {
    body.incorporationDate = dated > today ? today : dated;
    if (index % 2 === 0) body.siren = siren(index);
  }
  if (profile.fundingSoughtEur !== null && profile.fundingSoughtEur !== undefined) body.fundingSoughtEur = profile.fundingSoughtEur;
  if (index % 5 < 3) body.website = `https://bench-startup-${index}.example`;
  return body;
}

/** 10.x.y.z, distinct for each i < 2^24: one sign-up address per founder. */
function privateIp(i: number): string {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

async function postJson(url: string, body: unknown, headers: Record<string, string>, expected: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${new URL(url).pathname} answered ${response.status} (expected ${expected}): ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function rate(count: number, ms: number): number {
  return (count / ms) * 1000;
}

function loadRow(label: string, result: LoadResult): string {
  const l = result.latency;
  const codes = Object.entries(result.statusCounts)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return `| ${label} | ${round(result.okPerSecond, 0)} | ${round(l.p50, 2)} | ${round(l.p95, 2)} | ${round(l.p99, 2)} | ${round(l.max, 1)} | ${codes || '-'}${result.errors ? `, ${result.errors} errors` : ''}${result.timeouts ? `, ${result.timeouts} timeouts` : ''} |`;
}

export async function benchSubmit(opts: SubmitBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const api = `${app.url}/api/v1`;
  const concurrency = opts.setupConcurrency ?? 16;
  const tag = randomBytes(3).toString('hex');
  const total = opts.drafts + opts.warmup;
  const founderCount = Math.max(1, Math.min(opts.founders, total));

  // 1. founders
  log(`submit: signing up ${founderCount} founders`);
  let started = performance.now();
  const signUpLatencies: number[] = [];
  const founders = await mapLimit(Array.from({ length: founderCount }, (_, i) => i), concurrency, async (i): Promise<Founder> => {
    const ip = privateIp(i);
    const t0 = performance.now();
    const answer = await postJson(
      `${api}/auth/register`,
      { email: `founder-${tag}-${i}@bench.example`, password: PASSWORD, fullName: `Bench Founder ${i}`, locale: i % 3 === 2 ? 'en' : 'fr' },
      { 'x-forwarded-for': ip },
      201,
    );
    signUpLatencies.push(performance.now() - t0);
    return { token: String(answer.accessToken), ip };
  });
  const signUpMs = performance.now() - started;
  // a founder submits only with a verified address; following each emailed link is not what is
  // measured here, so setup marks the bench's founders verified directly
  const verifier = new Client({ connectionString: app.databaseUrl });
  await verifier.connect();
  try {
    await verifier.query(`UPDATE users SET email_verified_at = now() WHERE email LIKE $1 AND email_verified_at IS NULL`, [`founder-${tag}-%@bench.example`]);
  } finally {
    await verifier.end();
  }

  // 2. complete drafts from the routing mix (the few incomplete profiles of the mix are completed)
  log(`submit: creating ${total} complete drafts`);
  const today = parisToday();
  const profiles = generateProfiles(total, 20260317);
  started = performance.now();
  const createLatencies: number[] = [];
  const drafts = await mapLimit(profiles, concurrency, async (profile, i): Promise<Draft> => {
    const founder = founders[i % founders.length];
    const t0 = performance.now();
    const answer = await postJson(`${api}/applications`, completeBody(profile, i, today), { authorization: `Bearer ${founder.token}`, 'x-forwarded-for': founder.ip }, 201);
    createLatencies.push(performance.now() - t0);
    return { id: String(answer.id), founder };
  });
  const createMs = performance.now() - started;

  let cursor = 0;
  const nextSubmit = (): { path: string; headers: Record<string, string> } => {
    // past the end (a reconnect retried a request): reuse the last draft, its 422 is counted as a failure
    const draft = drafts[Math.min(cursor++, drafts.length - 1)];
    return { path: `/api/v1/applications/${draft.id}/submit`, headers: { authorization: `Bearer ${draft.founder.token}`, 'x-forwarded-for': draft.founder.ip } };
  };
  const submitRequest = {
    url: app.url,
    connections: opts.connections,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    next: nextSubmit,
  };

  // 3. warm-up submissions (not measured)
  let warm: LoadResult | undefined;
  if (opts.warmup > 0) {
    log(`submit: warm-up, ${opts.warmup} submissions`);
    warm = await runLoad({ ...submitRequest, connections: Math.min(opts.connections, opts.warmup), amount: opts.warmup });
    cursor = opts.warmup; // whatever happened, the measured run starts on fresh drafts
  }

  // 4. baselines through the same client, same concurrency
  log(`submit: baselines (GET /health, GET /api/v1/me), ${opts.baselineSeconds} s each`);
  const health = await runLoad({ url: app.url, connections: opts.connections, path: '/health', durationSeconds: opts.baselineSeconds });
  const me = await runLoad({
    url: app.url,
    connections: opts.connections,
    path: '/api/v1/me',
    headers: { authorization: `Bearer ${founders[0].token}` },
    durationSeconds: opts.baselineSeconds,
  });

  // 5. the measured run
  log(`submit: measuring ${opts.drafts} submissions at ${opts.connections} connections`);
  const pgActivity = new PgActivitySampler(app.databaseUrl);
  await pgActivity.start();
  const errorsBefore = app.errorLog();
  const sampler = new ResourceSampler(app.pid, app.databaseName).start();
  const submit = await runLoad({ ...submitRequest, connections: Math.min(opts.connections, opts.drafts), amount: opts.drafts });
  const usage = sampler.stop();
  const activity = await pgActivity.stop();
  const errorLines = [...app.errorLog()]
    .map(([message, n]): [string, number] => [message, n - (errorsBefore.get(message) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  opts.onLoadUsage?.(usage);

  // 6. what the database says
  const db = new Client({ connectionString: app.databaseUrl });
  await db.connect();
  let acknowledgements: Awaited<ReturnType<typeof acknowledgementsDrain>> | null;
  let check: { submitted: number; references: number; events: number };
  let topProgrammes: { top_programme: string | null; n: number }[];
  try {
    // the acknowledgements: with its worker in the process (APP_ROLE=all) the app sends them after
    // the burst (its jobs give way to requests in flight); how many were out when the run ended,
    // and how long the rest took
    acknowledgements = app.role === 'all' ? await acknowledgementsDrain(db, drafts.map((d) => d.id)) : null;
    [check] = (
      await db.query<{ submitted: number; references: number; events: number }>(
        // this run's drafts only: on a given (seeded) database other cases are there too
        `SELECT (SELECT count(*)::int FROM applications WHERE id = ANY($1::uuid[]) AND status = 'submitted') AS submitted,
                (SELECT count(DISTINCT reference)::int FROM applications WHERE id = ANY($1::uuid[])) AS references,
                (SELECT count(*)::int FROM case_events WHERE application_id = ANY($1::uuid[]) AND type = 'submitted') AS events`,
        [drafts.map((d) => d.id)],
      )
    ).rows;
    topProgrammes = (
      await db.query<{ top_programme: string | null; n: number }>(
        `SELECT top_programme, count(*)::int AS n FROM applications WHERE id = ANY($1::uuid[]) AND status = 'submitted' GROUP BY 1 ORDER BY 2 DESC, 1`,
        [drafts.map((d) => d.id)],
      )
    ).rows;
  } finally {
    await db.end();
  }
  const okTotal = (warm?.statusCounts['200'] ?? 0) + (submit.statusCounts['200'] ?? 0);
  const consistent = check.submitted === okTotal && check.events === okTotal && check.references === total;

  const l = submit.latency;
  const h = health.latency;
  const how = `${opts.drafts} distinct drafts, ${Math.min(opts.connections, opts.drafts)} concurrent keep-alive connections (autocannon, closed loop), after ${opts.warmup} warm-up submissions`;
  const figures: BenchFigure[] = [
    {
      name: 'submit throughput',
      value: round(submit.okPerSecond, 0),
      unit: 'submissions/s',
      target: '>= 300',
      raw: round(health.okPerSecond, 0),
      better: 'higher',
      note:
        `${how}; raw: GET /health (SELECT 1 + Redis PING) through the same client at the same concurrency` +
        (usage.appCores !== null && submit.okPerSecond > 0
          ? `; limit: ${round((usage.appCores * 1000) / submit.okPerSecond, 2)} ms of app CPU and ${round((usage.postgresCores * 1000) / submit.okPerSecond, 2)} ms of PostgreSQL CPU per submission ` +
            `(${round(usage.appCores, 2)} + ${round(usage.postgresCores, 2)} of ${cpus().length} cores), the rest waiting on commits and row locks (see the sessions below); ` +
            `300/s needs the two together under ${round((1000 / 300) * cpus().length, 1)} ms of CPU per submission on this machine`
          : ''),
    },
    { name: 'submit latency p50', value: round(l.p50, 1), unit: 'ms', raw: round(h.p50, 1), better: 'lower' },
    { name: 'submit latency p95', value: round(l.p95, 1), unit: 'ms', target: '<= 50', raw: round(h.p95, 1), better: 'lower' },
    { name: 'submit latency p99', value: round(l.p99, 1), unit: 'ms', raw: round(h.p99, 1), better: 'lower' },
    {
      name: 'submit answers other than 200',
      value: submit.failures,
      unit: 'count',
      target: '= 0',
      better: 'lower',
      note: submit.failures > 0 ? `status codes: ${JSON.stringify(submit.statusCounts)}, ${submit.errors} connection errors, ${submit.timeouts} timeouts` : undefined,
    },
    {
      name: 'database mismatches after the run',
      value: Math.abs(check.submitted - okTotal) + Math.abs(check.events - okTotal) + (total - check.references),
      unit: 'count',
      target: '= 0',
      better: 'lower',
      note: 'submitted rows and `submitted` timeline events vs answers 200, plus duplicate references',
    },
    ...(acknowledgements
      ? [
          {
            name: 'acknowledgements sent when the measured run ended',
            value: acknowledgements.sentAtEnd,
            unit: 'emails',
            better: 'higher' as const,
            note: `\`application-received\` emails of the ${acknowledgements.total} submissions (warm-up included): the app's worker shares the process with the API and its jobs wait while ${BUSY_REQUESTS} requests or more are in flight (at most ${MAX_JOB_WAIT_MS / 1000} s each)`,
          },
          {
            name: 'last acknowledgement sent, after the measured run',
            value: acknowledgements.drainSeconds === null ? -1 : round(acknowledgements.drainSeconds, 1),
            unit: 's',
            better: 'lower' as const,
            note: acknowledgements.drainSeconds === null ? `${acknowledgements.queuedAfter} still queued after ${DRAIN_LIMIT_S} s` : 'polled every 250 ms; the outbox relay looks for new rows every 250 ms',
          },
        ]
      : []),
    {
      name: 'founder sign-up rate (setup)',
      value: round(rate(founderCount, signUpMs), 1),
      unit: 'sign-ups/s',
      better: 'higher',
      note: `POST /auth/register, ${Math.min(concurrency, founderCount)} concurrent (fetch), p95 ${round(summarize(signUpLatencies).p95, 1)} ms; bound by scrypt (N=2^14) on the libuv thread pool`,
    },
    {
      name: 'create complete draft rate (setup)',
      value: round(rate(total, createMs), 1),
      unit: 'drafts/s',
      better: 'higher',
      note: `POST /applications with a complete body, ${Math.min(concurrency, total)} concurrent (fetch), p95 ${round(summarize(createLatencies).p95, 1)} ms; every creation takes the per-year reference counter row lock`,
    },
  ];

  const cores = (value: number | null): string => (value === null ? '?' : round(value, 2).toFixed(2));
  const mb = (bytes: number | null): string => (bytes === null ? '?' : `${round(bytes / 2 ** 20, 0)} MB`);
  const details = [
    `${founderCount} founders, ${total} drafts (${opts.warmup} warm-up + ${opts.drafts} measured), profile mix of \`generateProfiles\` (bench/routing.bench.ts, seed 20260317), dates relative to ${today}.`,
    '',
    '| run | ok/s | p50 ms | p95 ms | p99 ms | max ms | answers |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    loadRow(`POST /applications/:id/submit (${Math.min(opts.connections, opts.drafts)} conn.)`, submit),
    ...(warm ? [loadRow(`  warm-up submit (${Math.min(opts.connections, opts.warmup)} conn.)`, warm)] : []),
    loadRow(`GET /health (${opts.connections} conn., ${opts.baselineSeconds} s)`, health),
    loadRow(`GET /api/v1/me (${opts.connections} conn., ${opts.baselineSeconds} s)`, me),
    '',
    `CPU during the measured submit run (${round(usage.wallSeconds, 1)} s wall; cores used on average): app ${cores(usage.appCores)}, ` +
      `PostgreSQL ${cores(usage.postgresCores)}, Redis ${cores(usage.redisCores)}, load client (this process) ${cores(usage.benchCores)}, ` +
      `other processes on the machine ${cores(usage.otherCores)} (of ${cpus().length} cores); ` +
      `app RSS peak ${mb(usage.rssMaxBytes)}, mean ${mb(usage.rssMeanBytes)}.`,
    '',
    renderPgActivity(activity),
    '',
    ...(errorLines.length > 0
      ? ['| errors the app logged during the measured run | lines |', '| --- | ---: |', ...errorLines.slice(0, 10).map(([message, n]) => `| ${message.replace(/\|/g, '\\|')} | ${n} |`), '']
      : []),
    `Database check: ${check.submitted} applications submitted for ${okTotal} answers 200, ${check.events} \`submitted\` timeline events, ` +
      `${check.references} distinct references for ${total} drafts — ${consistent ? 'consistent' : '**INCONSISTENT**'}.`,
    '',
    '| top recommended programme of the submitted cases | cases |',
    '| --- | --- |',
    ...topProgrammes.map((row) => `| ${row.top_programme ?? '(none eligible)'} | ${row.n} |`),
  ].join('\n');

  return { title: 'Submit an application (HTTP, running app)', figures, details };
}

/** How long the benchmark waits for the acknowledgements after the measured run. */
const DRAIN_LIMIT_S = 120;

/** The `application-received` emails of these cases: how many were sent now, and how long until none is queued. */
async function acknowledgementsDrain(db: Client, ids: string[]): Promise<{ total: number; sentAtEnd: number; drainSeconds: number | null; queuedAfter: number }> {
  const count = async (): Promise<{ total: number; sent: number; queued: number }> =>
    (
      await db.query<{ total: number; sent: number; queued: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'queued')::int AS queued
           FROM emails WHERE application_id = ANY($1::uuid[]) AND template = 'application-received'`,
        [ids],
      )
    ).rows[0];
  const started = performance.now();
  const atEnd = await count();
  let now = atEnd;
  while (now.queued > 0 && performance.now() - started < DRAIN_LIMIT_S * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    now = await count();
  }
  return { total: atEnd.total, sentAtEnd: atEnd.sent, drainSeconds: now.queued === 0 ? (performance.now() - started) / 1000 : null, queuedAfter: now.queued };
}
