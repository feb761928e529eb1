/**
 * Emails end to end (issue 5): N outbox rows committed at once (one transaction, written by the
 * app's own `enqueueEmails` for existing submitted cases and their founders, template
 * `application-received`), then the app's worker relays them to BullMQ, renders and sends them
 * through its pooled SMTP transport to a sink in this process, which counts them by Message-ID
 * (`<emailId@PUBLIC_URL host>`): emails per second from the commit to the last one accepted, duplicates,
 * losses. Raw: a bare nodemailer send loop (same pool settings, 16 sends in flight) of a
 * same-sized rendered email to the same sink.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { dedupeKey, enqueueEmails, type OutboxEmail } from '../src/notifications/outbox/email-outbox';
import { messageIdFor } from '../src/notifications/mail/mail-transport';
import { EMAIL_JOB_BATCH } from '../src/notifications/outbox/outbox-relay.service';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { PgActivitySampler, renderPgActivity } from './support/pg-activity';
import { ResourceSampler } from './support/proc';
import { SmtpSink, waitFor } from './support/smtp-sink';
import { round, summarize } from './support/stats';

export interface EmailsBenchOptions {
  app: AppProcess;
  sink: SmtpSink;
  emails: number;
  /** give up when nothing arrived for this long */
  idleMs: number;
  timeoutMs: number;
  log?: (message: string) => void;
}

/**
 * The app worker's emails in flight: 4 jobs at a time (src/queue/worker-host.service.ts) of up to
 * 20 emails (EMAIL_JOB_BATCH); the raw loop keeps 16 sends in flight, enough to fill the same
 * SMTP pool of 5 connections.
 */
const JOBS_AT_ONCE = 4;
const RAW_CONCURRENCY = 16;
const POOL_CONNECTIONS = 5;

async function rawSendLoop(sink: SmtpSink, count: number): Promise<{ perSecond: number; unique: number; elapsedSeconds: number; bytes: number }> {
  const tag = `raw-${Date.now()}`;
  const ids = new Set(Array.from({ length: count }, (_, i) => `<${tag}-${i}@bench>`));
  const from = sink.received.length;
  const child = fork(join(__dirname, 'support', 'raw-smtp-sender.js'), [String(sink.port), String(count), String(RAW_CONCURRENCY), String(POOL_CONNECTIONS), tag], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = await new Promise<{ sent: number; elapsedMs: number; bytes: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { sent: number; elapsedMs: number; bytes: number }));
    child.once('exit', (code) => reject(new Error(`the raw SMTP sender exited with code ${code}`)));
  });
  await new Promise((r) => child.once('exit', r));
  const counted = sink.count(ids, from);
  const elapsedSeconds = result.elapsedMs / 1000;
  return { perSecond: counted.unique / elapsedSeconds, unique: counted.unique, elapsedSeconds, bytes: result.bytes };
}

export async function benchEmails(opts: EmailsBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app, sink } = opts;
  const db = new Client({ connectionString: app.databaseUrl, application_name: 'guichet-bench-emails' });
  db.on('error', () => undefined);
  await db.connect();
  let emailIds: string[] = [];
  let committedAt = 0;
  let enqueueMs = 0;
  let from = 0;
  try {
    const cases = (
      await db.query<{ id: string; owner_id: string }>(
        `SELECT a.id, a.owner_id FROM applications a JOIN users u ON u.id = a.owner_id
         WHERE a.status <> 'draft' AND u.active AND u.erased_at IS NULL ORDER BY random() LIMIT $1`,
        [opts.emails],
      )
    ).rows;
    if (cases.length === 0) throw new Error('no submitted case to write emails about: seed the database first');
    const tag = `bench-${Date.now()}`;
    const emails: OutboxEmail[] = Array.from({ length: opts.emails }, (_, i) => {
      const c = cases[i % cases.length];
      return { template: 'application-received', recipientId: c.owner_id, eventKey: `${tag}-${i}`, applicationId: c.id };
    });
    // enqueueEmails itself, on a bare pg connection
    const em = { query: async (sql: string, params?: unknown[]): Promise<unknown[]> => (await db.query(sql, params)).rows } as unknown as EntityManager;
    from = sink.received.length;
    log(`emails: committing ${opts.emails} outbox rows in one transaction`);
    const t = performance.now();
    await db.query('BEGIN');
    const written = await enqueueEmails(em, emails, new Date());
    await db.query('COMMIT');
    committedAt = performance.now();
    enqueueMs = committedAt - t;
    if (written !== opts.emails) throw new Error(`enqueueEmails wrote ${written} rows of ${opts.emails}`);
    emailIds = (await db.query<{ id: string }>('SELECT id FROM emails WHERE dedupe_key = ANY($1::text[])', [emails.map((e) => dedupeKey(e))])).rows.map((r) => r.id);
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    await db.end();
    throw error;
  }

  const ids = new Set(emailIds.map((id) => messageIdFor(id, app.url)));
  const sampler = new ResourceSampler(app.pid, app.databaseName).start();
  const activity = new PgActivitySampler(app.databaseUrl, 100);
  await activity.start();
  log(`emails: waiting for ${ids.size} messages at the sink`);
  const complete = await waitFor(
    () => sink.count(ids, from).unique >= ids.size,
    () => sink.received.length,
    opts.idleMs,
    opts.timeoutMs,
  );
  const usage = sampler.stop();
  const pg = await activity.stop();
  // late duplicates (a retried job) would arrive shortly after
  await new Promise((r) => setTimeout(r, complete ? 1500 : 0));
  const counted = sink.count(ids, from);
  const statuses = (await db.query<{ status: string; n: number; attempts: number }>(`SELECT status, count(*)::int AS n, sum(attempts)::int AS attempts FROM emails WHERE id = ANY($1::uuid[]) GROUP BY 1`, [emailIds])).rows;
  await db.end();

  const lastAt = counted.last ?? performance.now();
  const elapsedSeconds = (lastAt - committedAt) / 1000;
  const perSecond = counted.unique / elapsedSeconds;
  const latencies = counted.arrivals.map((at) => at - committedAt);
  const lat = summarize(latencies);
  const firstSeconds = counted.first === null ? null : (counted.first - committedAt) / 1000;

  log(`emails: raw nodemailer loop, ${opts.emails} messages`);
  const raw = await rawSendLoop(sink, opts.emails);

  const sent = statuses.find((s) => s.status === 'sent')?.n ?? 0;
  const figures: BenchFigure[] = [
    {
      name: 'emails end to end (outbox commit → SMTP sink)',
      value: round(perSecond, 0),
      unit: 'emails/s',
      target: '>= 400',
      raw: round(raw.perSecond, 0),
      better: 'higher',
      note:
        `${opts.emails} application-received emails committed in one transaction by enqueueEmails (${round(enqueueMs, 0)} ms), relayed (polled every 250 ms, batches of 500), ` +
        `sent by the app's worker (jobs of ${EMAIL_JOB_BATCH} emails, ${JOBS_AT_ONCE} at a time: one claim with a lease per job, send with no transaction open, records grouped; SMTP pool of ${POOL_CONNECTIONS}); from the commit to the last one accepted by the sink in ${round(elapsedSeconds, 1)} s; ` +
        `first one after ${firstSeconds === null ? '?' : round(firstSeconds, 2)} s. Raw: nodemailer alone in its own process, same pool, ${RAW_CONCURRENCY} sends in flight, same rendered email (${raw.bytes} characters), ${raw.unique} sent in ${round(raw.elapsedSeconds, 1)} s`,
    },
    { name: 'emails duplicated (received twice or more)', value: counted.duplicates, unit: 'count', target: '= 0', better: 'lower', note: 'counted by the sink on the Message-ID <emailId@PUBLIC_URL host>' },
    {
      name: 'emails lost (never received)',
      value: ids.size - counted.unique,
      unit: 'count',
      target: '= 0',
      better: 'lower',
      note: complete ? undefined : `gave up waiting after ${opts.idleMs / 1000} s without a new message (or ${opts.timeoutMs / 1000} s in all)`,
    },
    { name: 'email latency p50 (commit → accepted)', value: round(lat.p50 / 1000, 2), unit: 's', better: 'lower' },
    { name: 'email latency p95 (commit → accepted)', value: round(lat.p95 / 1000, 2), unit: 's', better: 'lower' },
  ];
  const cores = (v: number | null): string => (v === null ? '?' : round(v, 2).toFixed(2));
  const details = [
    `Outbox rows afterwards: ${statuses.map((s) => `${s.status} ${s.n} (attempts ${s.attempts})`).join(', ')}; ${sent} marked sent for ${counted.unique} received.` +
      (counted.others > 0 ? ` The sink also got ${counted.others} other messages meanwhile (reminders the worker found due).` : ''),
    '',
    `CPU during the run (${round(usage.wallSeconds, 1)} s; cores used on average): app ${cores(usage.appCores)}, PostgreSQL ${cores(usage.postgresCores)}, Redis ${cores(usage.redisCores)}, ` +
      `this process (SMTP sink) ${cores(usage.benchCores)}, other processes ${cores(usage.otherCores)}; app RSS peak ${usage.rssMaxBytes === null ? '?' : round(usage.rssMaxBytes / 2 ** 20, 0)} MB.`,
    '',
    renderPgActivity(pg),
  ].join('\n');
  return { title: 'Emails: outbox → BullMQ → SMTP (seeded database)', figures, details };
}
