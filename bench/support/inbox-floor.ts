/**
 * Starts the inbox's floor (inbox-floor-server.ts: the app's repositories and list view behind a
 * bare node:http server) as a child process on the app's Node binary and database.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitForExit, waitHealthy } from './app-process';

export interface InboxFloor {
  readonly pid: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  stop(): Promise<void>;
}

const ENTRY = resolve(__dirname, 'inbox-floor-server.js');

export async function startInboxFloor(options: { databaseUrl: string; nodeBinary: string }): Promise<InboxFloor> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(options.nodeBinary, [ENTRY], { env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: options.databaseUrl, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn the inbox floor');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk.toString('utf8')}`.slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
  };
  try {
    await waitHealthy(url, child, performance.now() + 30_000, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, url, stop };
}
