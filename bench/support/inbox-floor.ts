/**
 * Starts the inbox's floor (inbox-floor-server.ts: the app's repositories and list view behind a
 * bare node:http server) as a child process on the app's Node binary and database.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './app-process';

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
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the inbox floor exited (code ${child.exitCode}): ${stderr}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`the inbox floor did not answer in time: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { pid: child.pid, url, stop };
}
