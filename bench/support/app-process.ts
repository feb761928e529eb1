/**
 * Starts the real Guichet app (the compiled `dist-bench/src/main.js`) as a child process, as
 * production runs it, with its own fresh PostgreSQL database and Redis key prefix, so a
 * benchmark never touches another stack's data and leaves nothing behind.
 *
 *   const app = await startApp({ role: 'all' });
 *   ... load http://127.0.0.1:${app.port} ...
 *   await app.stop(); // SIGTERM, then DROP DATABASE ... WITH (FORCE) and the Redis keys
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { readRssBytes } from './proc';

export type AppRole = 'all' | 'api' | 'worker';

export interface AppProcessOptions {
  /** APP_ROLE of the child (default `all`) */
  role?: AppRole;
  /**
   * An existing database to run against (e.g. one filled by a seed script). It is neither
   * created nor dropped here; without it a fresh `guichet_bench_<random>` is created by the
   * app at boot (migrations included) and dropped on stop.
   */
  databaseUrl?: string;
  /** PostgreSQL server to create the fresh database on (default postgres://postgres@127.0.0.1:5432) */
  postgresUrl?: string;
  redisUrl?: string;
  /** extra node options for the child, e.g. ['--cpu-prof', '--cpu-prof-dir=reports/profiles'] */
  nodeArgs?: string[];
  /** the Node binary the child runs on (default: this process's own) */
  nodeBinary?: string;
  /** extra environment for the child (wins over the defaults) */
  env?: Record<string, string>;
  /** how long to wait for the first healthy answer (default 120 s) */
  readyTimeoutMs?: number;
}

export interface AppProcess {
  readonly role: AppRole;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly databaseUrl: string;
  readonly databaseName: string;
  /** true when the database was created for this run (and is dropped by stop()) */
  readonly ownsDatabase: boolean;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** the Node binary it runs on */
  readonly nodeBinary: string;
  readonly mailDir: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** ms from spawn to the first 200 of GET /health (for `worker`: to its "started" log line) */
  readonly bootMs: number;
  /** the child's VmRSS now, in bytes (null once it has exited) */
  rssBytes(): number | null;
  /** the last lines the child wrote (stderr and stdout), for diagnostics */
  logTail(): string;
  /** log lines at level error or above so far (pino level ≥ 50, or non-JSON stderr), by message → count */
  errorLog(): Map<string, number>;
  /** SIGTERM (SIGKILL after 15 s), then drop the database (if owned), the Redis keys and the mail dir */
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..', '..');
/** The compiled app entry: tsconfig.bench.json has rootDir `.`, so src/main.ts → dist-bench/src/main.js. */
export const APP_ENTRY = resolve(__dirname, '..', '..', 'src', 'main.js');
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
const TAIL_LINES = 60;

/** Every app started and not yet stopped, so an interrupted run can still clean up. */
const running = new Set<AppProcess>();

export async function stopAllApps(): Promise<string[]> {
  const results = await Promise.allSettled([...running].map((app) => app.stop()));
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
}

/** A TCP port that was free a moment ago (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Whether the child exited within `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Until `GET /health` answers 200; throws when the child exits first or the deadline passes, with the child's last words. */
export async function waitHealthy(url: string, child: ChildProcess, deadline: number, tail: () => string): Promise<void> {
  let lastProblem = 'no answer yet';
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the app exited (code ${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastProblem = `GET /health answered ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the app was not healthy in time (${lastProblem}):\n${tail()}`);
}

export async function startApp(options: AppProcessOptions = {}): Promise<AppProcess> {
  if (!existsSync(APP_ENTRY)) throw new Error(`${APP_ENTRY} is missing: compile with tsc -p tsconfig.bench.json first`);
  const role = options.role ?? 'all';
  const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const ownsDatabase = options.databaseUrl === undefined;
  const databaseUrl = options.databaseUrl ?? `${(options.postgresUrl ?? DEFAULT_POSTGRES).replace(/\/+$/, '')}/guichet_bench_${tag}`;
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS;
  const redisPrefix = `guichet-bench-${tag}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const mailDir = mkdtempSync(join(tmpdir(), 'guichet-bench-mail-'));
  const filesDir = mkdtempSync(join(tmpdir(), 'guichet-bench-files-'));
  const adminEmail = `bench-admin-${tag}@bench.example`;
  const adminPassword = `bench-${randomBytes(12).toString('hex')}`;

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(20).toString('hex'), // 40 characters
    SESSION_SECRET: randomBytes(20).toString('hex'),
    LOG_LEVEL: role === 'worker' ? 'info' : 'warn',
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    MAIL_DIR: mailDir,
    FILES_DIR: filesDir,
    APP_ROLE: role,
    PUBLIC_URL: url,
    ...options.env,
  };

  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      noteError(line);
      lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  const tail = (): string => lines.join('\n');
  const errors = new Map<string, number>();
  const noteError = (line: string): void => {
    let key: string | undefined;
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; res?: { statusCode?: number }; req?: { method?: string; url?: string } };
        if ((entry.level ?? 0) >= 50) {
          const where = entry.req ? ` (${entry.req.method} ${entry.req.url?.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')} → ${entry.res?.statusCode ?? '?'})` : '';
          key = `${entry.err?.message ?? entry.msg ?? 'error'}${where}`;
        }
      } catch {
        key = line.slice(0, 200);
      }
    }
    if (key !== undefined && errors.size < 200) errors.set(key, (errors.get(key) ?? 0) + 1);
  };

  const spawnedAt = performance.now();
  const nodeBinary = options.nodeBinary ?? process.execPath;
  const child = spawn(nodeBinary, [...(options.nodeArgs ?? []), APP_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn the app');
  const pid = child.pid;
  let workerStarted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (role === 'worker' && chunk.includes('Guichet worker started')) workerStarted = true;
    keep(chunk);
  });
  child.stderr.on('data', keep);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      running.delete(app);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 15_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      }
      const problems: string[] = [];
      if (ownsDatabase) await dropDatabase(databaseUrl).catch((e: Error) => problems.push(`drop database: ${e.message}`));
      await deleteRedisKeys(redisUrl, redisPrefix).catch((e: Error) => problems.push(`redis keys: ${e.message}`));
      rmSync(mailDir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
      if (problems.length > 0) throw new Error(`cleanup after the app failed: ${problems.join('; ')}`);
    })();
    return stopped;
  };

  const app: AppProcess = {
    role,
    pid,
    port,
    url,
    databaseUrl,
    databaseName: databaseNameOf(databaseUrl),
    ownsDatabase,
    redisUrl,
    redisPrefix,
    nodeBinary,
    mailDir,
    adminEmail,
    adminPassword,
    bootMs: Number.NaN,
    rssBytes: () => readRssBytes(pid),
    logTail: tail,
    errorLog: () => new Map(errors),
    stop,
  };
  running.add(app);

  try {
    const deadline = spawnedAt + (options.readyTimeoutMs ?? 120_000);
    if (role === 'worker') {
      while (!workerStarted) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker exited (code ${child.exitCode ?? child.signalCode}):\n${tail()}`);
        if (performance.now() > deadline) throw new Error(`the worker did not start in time:\n${tail()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    } else {
      await waitHealthy(url, child, deadline, tail);
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { ...app, bootMs: performance.now() - spawnedAt };
}
