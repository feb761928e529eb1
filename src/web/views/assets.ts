import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository's `public/` folder (the pages' stylesheet and script), found by walking up from here. */
export function findPublicDir(from: string = __dirname): string {
  let current = resolve(from);
  for (;;) {
    if (existsSync(join(current, 'public', 'web.css'))) return join(current, 'public');
    const parent = dirname(current);
    if (parent === current) return resolve(process.cwd(), 'public');
    current = parent;
  }
}

/**
 * The assets' URLs carry a hash of their content, so they can be cached for a year
 * (`immutable`) and a new release is fetched at once.
 */
export function assetUrls(dir: string = findPublicDir()): { css: string; js: string } {
  const version = (file: string): string => createHash('sha256').update(readFileSync(join(dir, file))).digest('hex').slice(0, 12);
  return { css: `/assets/web.css?v=${version('web.css')}`, js: `/assets/web.js?v=${version('web.js')}` };
}
