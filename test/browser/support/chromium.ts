import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium on a shared CI machine (no sandbox inside containers, no network chatter). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's /usr/bin/chromium. When it
 * is missing and we run as root (CI, a fresh container), it is installed with apt-get (Playwright's
 * own browser download needs the open internet; Debian's package comes from the distribution's
 * mirror). Otherwise the run stops with a message saying what to do.
 */
export function ensureChromium(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (executable(path)) return path;
  if (env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${path} is not an executable file: point it at a Chromium or Chrome binary.`);
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    process.stderr.write('browser tests: Chromium is missing, installing the Debian package (apt-get install -y chromium)…\n');
    try {
      execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (error) {
      throw new Error(`browser tests: installing Chromium with apt-get failed (${(error as Error).message}). Install it yourself (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    }
    if (executable(path)) return path;
  }
  throw new Error(
    `browser tests need Chromium at ${path}. Install it (as root: apt-get install -y chromium; on macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
}
