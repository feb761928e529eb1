import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase } from './support/databases';

const ROOT = join(__dirname, '..');

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The live processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * WEB_CONCURRENCY: the built app forks that many HTTP processes on one port; a stop signal stops
 * them all and the primary exits 0; one of them dying on its own takes the set down with exit 1,
 * so the supervisor restarts it whole.
 */
describe('WEB_CONCURRENCY', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let primary: ChildProcess | null = null;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    database = await createTestDatabase();
  }, 120000);
  afterAll(async () => {
    primary?.kill('SIGKILL');
    await database.drop();
  });

  async function start(): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        APP_ROLE: 'api',
        WEB_CONCURRENCY: '2',
        PORT: String(port),
        DATABASE_URL: database.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `guichet-test-cluster-${port}`,
        JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    primary = child;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
        } catch {
          return false;
        }
      },
      60000,
      'the first answer of /health',
    );
    return { child, port, exited };
  }

  it('serves from two processes and stops them all on SIGTERM', async () => {
    const { child, port, exited } = await start();
    const pid = child.pid as number;
    await until(() => childrenOf(pid).length === 2, 30000, 'two HTTP processes');
    const workers = childrenOf(pid);
    // both answer on the one port (connections are handed out in turn); a process just forked
    // listens before its first pings of PostgreSQL and Redis settle, and on a loaded machine its
    // first /health can be 503, so the round is awaited until it is whole, then asserted
    const round = (): Promise<number[]> => Promise.all(Array.from({ length: 8 }, () => fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' } }).then((r) => r.status)));
    await until(async () => (await round()).every((status) => status === 200), 30000, 'both processes healthy');
    expect(await round()).toEqual(Array(8).fill(200));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => workers.every((w) => !alive(w)), 10000, 'the HTTP processes to stop');
  }, 120000);

  it('stops the set with exit code 1 when one HTTP process dies', async () => {
    const { child, exited } = await start();
    const pid = child.pid as number;
    await until(() => childrenOf(pid).length === 2, 30000, 'two HTTP processes');
    const [victim, other] = childrenOf(pid);
    process.kill(victim, 'SIGKILL');
    expect(await exited).toBe(1);
    await until(() => !alive(other), 10000, 'the other HTTP process to stop');
  }, 120000);
});
