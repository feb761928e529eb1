import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { ManualClock } from '../../src/common/clock';
import { createRootLogger, JsonLogger } from '../../src/common/logging/logger';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { configureHttpApp } from '../../src/http-app';
import { createTestDatabase } from './databases';

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
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PUBLIC_URL: 'https://guichet.test',
    MAIL_DIR: mkdtempSync(join(tmpdir(), 'guichet-mail-')),
    FILES_DIR: mkdtempSync(join(tmpdir(), 'guichet-files-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const clock = new ManualClock(new Date(options.now ?? Date.now()));
  const root = createRootLogger(config.logLevel);
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
  return {
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
}

export async function login(http: TestAgent, email: string, password: string): Promise<string> {
  const res = await http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body.accessToken as string;
}

let counter = 0;
/** Registers a founder and returns their token and id. */
export async function registerFounder(http: TestAgent, overrides: Partial<{ email: string; fullName: string; locale: 'fr' | 'en' }> = {}): Promise<{ token: string; id: string; email: string }> {
  const email = overrides.email ?? `founder${++counter}-${randomBytes(3).toString('hex')}@startup.test`;
  const res = await http
    .post('/api/v1/auth/register')
    // each test founder signs up from its own address, as real founders do (sign-ups are limited per IP)
    .set('X-Forwarded-For', `10.${counter % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`)
    .send({ email, password: 'founder-password-123', fullName: overrides.fullName ?? 'Léa Dubois', locale: overrides.locale })
    .expect(201);
  return { token: res.body.accessToken as string, id: res.body.user.id as string, email };
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
