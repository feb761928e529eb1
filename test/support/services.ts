import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { Redis } from 'ioredis';

/**
 * Stops and starts the machine's real PostgreSQL and Redis, for the fault tests. They run only
 * in CI or with FAULT_TESTS=1 (they disturb anything else using these servers), serially after
 * the main suite, and always leave the services up.
 */
export const FAULT_TESTS_ENABLED = process.env.CI === 'true' || process.env.FAULT_TESTS === '1';

function pgVersion(): string {
  return readdirSync('/etc/postgresql')[0];
}

export function postgresCommand(action: 'stop' | 'start' | 'restart'): void {
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${pgVersion()} main ${action}${action === 'start' ? '' : ' -m fast'}`, { stdio: 'ignore' });
}

export function redisStop(): void {
  execSync('redis-cli -h 127.0.0.1 -p 6379 shutdown nosave', { stdio: 'ignore' });
}

export function redisStart(): void {
  execSync('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no', { stdio: 'ignore' });
}

export async function postgresUp(): Promise<boolean> {
  const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisUp(): Promise<boolean> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a service');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Leaves PostgreSQL and Redis running, whatever a test did. */
export async function ensureServicesUp(): Promise<void> {
  if (!(await postgresUp())) {
    try {
      postgresCommand('start');
    } catch {
      // already starting
    }
    await waitFor(postgresUp, 60000);
  }
  if (!(await redisUp())) {
    try {
      redisStart();
    } catch {
      // already starting
    }
    await waitFor(redisUp, 30000);
  }
}
