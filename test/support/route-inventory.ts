import { RequestMethod } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A route the code declares: `GET /api/v1/applications/:id`. */
export interface DeclaredRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
}

const SRC = resolve(__dirname, '../../src');
const PREFIX = '/api/v1';
/** Routes mounted outside the prefix (see src/http-app.ts). */
const UNPREFIXED = new Set(['GET /health']);
const METHODS: Partial<Record<RequestMethod, DeclaredRoute['method']>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

function join2(...parts: string[]): string {
  return `/${parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/')}`;
}

/**
 * Every route declared by a controller under src/ (`*.controller.ts`), read from Nest's own
 * decorator metadata, synchronously: test tables can be checked against it while Jest collects
 * tests, so a new route without a row fails, and a contract route not built yet shows as a todo.
 */
export function declaredRoutes(): DeclaredRoute[] {
  // the web pages (src/web/) are HTML, not API routes: their own tests cover them
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.controller.ts') && !f.startsWith('web/')).sort();
  const routes: DeclaredRoute[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(join(SRC, file)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value !== 'function' || !Reflect.getMetadata('__controller__', value)) continue;
      const base = Reflect.getMetadata('path', value) as string | string[] | undefined;
      const bases = Array.isArray(base) ? base : [base ?? '/'];
      const proto = value.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata('path', handler) as string | string[] | undefined;
        const method = METHODS[Reflect.getMetadata('method', handler) as RequestMethod];
        if (path === undefined || !method) continue;
        for (const b of bases) {
          for (const p of Array.isArray(path) ? path : [path]) {
            const local = join2(b, p);
            routes.push({ method, path: UNPREFIXED.has(`${method} ${local}`) ? local : join2(PREFIX, local) });
          }
        }
      }
    }
  }
  return routes;
}

/** `GET /api/v1/applications/:param`: parameter names do not matter when comparing routes. */
export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path.replace(/:[A-Za-z]\w*/g, ':param')}`;
