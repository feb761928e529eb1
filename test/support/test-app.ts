import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { accountToken, accountTokenKey } from '../../src/accounts/account-token';
import { AppModule } from '../../src/app.module';
import { ManualClock } from '../../src/common/clock';
import { createRootLogger, JsonLogger } from '../../src/common/logging/logger';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { configureHttpApp } from '../../src/http-app';
import { createTestDatabase } from './databases';
import { SmtpSink } from './smtp-sink';

export const ADMIN = { email: 'admin@guichet.test', password: 'admin-password-123' };

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  config: AppConfig;
  clock: ManualClock;
  /** a direct connection to this file's database, to look at rows as a DBA would */
  db: Client;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** share another test app's database (e.g. an API and a separate worker) instead of a fresh one */
  shareDatabaseOf?: TestApp;
  extraModules?: Type[];
  now?: string;
  /** where the app's JSON log lines go (default stdout, at TEST_LOG_LEVEL or silent) */
  logDestination?: { write: (line: string) => void };
}

/** Boots the real app on its own database (copied from the migrated template) and Redis prefix. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.shareDatabaseOf
    ? { url: options.shareDatabaseOf.config.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: options.shareDatabaseOf?.config.redisPrefix ?? `guichet-test-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PUBLIC_URL: 'https://guichet.test',
    MAIL_DIR: mkdtempSync(join(tmpdir(), 'guichet-mail-')),
    FILES_DIR: mkdtempSync(join(tmpdir(), 'guichet-files-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // the suites submit a hundred cases and more per founder at one instant of a manual clock;
    // the flood limits themselves are tested with their own values (test/hardening.e2e-spec.ts)
    DRAFTS_PER_DAY: '100000',
    SUBMISSIONS_PER_DAY: '100000',
    ...options.env,
  });
  const clock = new ManualClock(new Date(options.now ?? Date.now()));
  const root = createRootLogger(config.logLevel, options.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { clock, extraModules: options.extraModules }), {
    logger: new JsonLogger(root),
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, config, root);
  await app.init();
  const db = new Client({ connectionString: database.url });
  db.on('error', () => undefined); // fault tests cut connections on purpose
  await db.connect();
  const testApp: TestApp = {
    app,
    http: request(app.getHttpServer()),
    config,
    clock,
    db,
    close: async () => {
      await db.end().catch(() => undefined);
      await app.close();
      await database.drop();
    },
  };
  appsByAgent.set(testApp.http, testApp);
  return testApp;
}

/** Lets helpers that are given only `t.http` find the app (its database and secret) behind it. */
const appsByAgent = new WeakMap<TestAgent, TestApp>();

/**
 * The link token of the latest account email of this template to this user, as the email
 * carries it: read from the outbox row (its token id) and rebuilt with the app's key, exactly as
 * the sender does when it renders the email (the token itself is stored nowhere).
 */
export async function linkTokenFromOutbox(t: TestApp, userId: string, template: 'verify-email' | 'password-reset' | 'invitation'): Promise<string> {
  // through the app's pool: founders are often registered in parallel, and `t.db` is one connection
  const rows: { token_id: string }[] = await t.app
    .get(DataSource)
    .query(`SELECT data->>'tokenId' AS token_id FROM emails WHERE recipient_id = $1 AND template = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, [userId, template]);
  if (!rows[0]) throw new Error(`no ${template} email for ${userId} in the outbox`);
  const purpose = template === 'verify-email' ? 'verify_email' : template === 'password-reset' ? 'password_reset' : 'invitation';
  return accountToken(accountTokenKey(t.config.jwtSecret), purpose, rows[0].token_id);
}

export async function login(http: TestAgent, email: string, password: string): Promise<string> {
  const res = await http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body.accessToken as string;
}

/**
 * When the app sends through a listening SMTP sink and has its own worker, the founder reads the
 * `verify-email` message there and the helper takes it out of the mailbox (so the test's own
 * counts of a founder's mail are what they were before sign-ups sent one). Null when there is no
 * such sink, or when the message cannot arrive (no worker, Redis cut...): then the outbox is read.
 */
async function verificationLinkFromSink(t: TestApp, email: string): Promise<string | null> {
  if (!t.config.smtpUrl || t.config.appRole === 'api') return null;
  const sink = SmtpSink.listening.get(Number(new URL(t.config.smtpUrl).port));
  if (!sink) return null;
  const link = /https?:\/\/\S+\/verify-email\?token=([A-Za-z0-9_-]+)/;
  try {
    await sink.waitFor(() => sink.to(email).some((m) => link.test(m.text)), 5000);
  } catch {
    return null;
  }
  const mail = sink.take(email, link);
  return mail ? (link.exec(mail.text)?.[1] ?? null) : null;
}

let counter = 0;
/**
 * Registers a founder and returns their token and id. The founder then verifies their address
 * as a user would, by posting the token of the `verify-email` link to `POST /auth/verify-email`:
 * the link of the email itself when the app sends to a test SMTP sink, otherwise the token of
 * the outbox row, rebuilt as the sender would (no waiting for a worker that may not run).
 * On the outbox path, a worker that composes the verification email after that skips it as
 * moot. `verified: false` leaves the founder unverified.
 */
export async function registerFounder(
  http: TestAgent,
  overrides: Partial<{ email: string; fullName: string; locale: 'fr' | 'en'; verified: boolean }> = {},
): Promise<{ token: string; id: string; email: string }> {
  const email = overrides.email ?? `founder${++counter}-${randomBytes(3).toString('hex')}@startup.test`;
  const res = await http
    .post('/api/v1/auth/register')
    // each test founder signs up from its own address, as real founders do (sign-ups are limited per IP)
    .set('X-Forwarded-For', `10.${counter % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`)
    .send({ email, password: 'founder-password-123', fullName: overrides.fullName ?? 'Léa Dubois', locale: overrides.locale })
    .expect(201);
  const founder = { token: res.body.accessToken as string, id: res.body.user.id as string, email };
  if (overrides.verified !== false) {
    const t = appsByAgent.get(http);
    if (!t) throw new Error('registerFounder: pass the `http` of an app made by createTestApp');
    const token = (await verificationLinkFromSink(t, email)) ?? (await linkTokenFromOutbox(t, founder.id, 'verify-email'));
    await http.post('/api/v1/auth/verify-email').send({ token }).expect(200);
  }
  return founder;
}

/** Creates a staff account through the admin API and logs it in. */
export async function createStaff(
  http: TestAgent,
  adminToken: string,
  body: { role: 'advisor' | 'programme_manager' | 'admin'; email?: string; fullName?: string; capacity?: number; programmes?: string[]; languages?: string[]; locale?: 'fr' | 'en' },
): Promise<{ token: string; id: string; email: string }> {
  const email = body.email ?? `${body.role}${++counter}-${randomBytes(3).toString('hex')}@campus.test`;
  const password = 'staff-password-1234';
  const res = await http
    .post('/api/v1/users')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ fullName: 'Staff Member', ...body, email, password })
    .expect(201);
  return { token: await login(http, email, password), id: res.body.id as string, email };
}
