import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { HttpErrorFilter, toErrorBody } from './common/http/http-error.filter';
import { createValidationPipe } from './common/http/validation';
import { currentLogContext, runWithLogContext } from './common/logging/log-context';
import { AppConfig } from './config/app-config';
import { RequestLoad } from './queue/request-load';
import { findPublicDir } from './web/views/assets';


/** Deepest nesting a body may have: validation (class-transformer) recurses once per level and overflows the stack near 2 000. */
export const MAX_BODY_DEPTH = 64;
/**
 * Most keys and array elements a body may hold, all levels together. The largest real body (an
 * application with every list filled) has under a hundred; without a cap, a 240 kB array of zeros
 * made validation build one error per element (an 11.7 MB answer, 1 s of blocked event loop).
 */
export const MAX_BODY_ITEMS = 1000;
/** Keys that name JavaScript's prototype machinery: never a field of ours, refused before anything reads them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const UNSTORABLE = /\u0000|\p{Cs}/u;

/**
 * Refuses, before any handler, what would otherwise fail deep inside one as a 500 or be stored
 * corrupted: text PostgreSQL cannot store as sent — a NUL character (U+0000) or a lone UTF-16
 * surrogate (not Unicode: validators such as isEmail throw on it, and UTF-8 would turn it into
 * U+FFFD) — in a string or a key, a body nested deeper than MAX_BODY_DEPTH or holding more than
 * MAX_BODY_ITEMS keys and elements, and the keys `__proto__`, `constructor` and `prototype`
 * (class-transformer skips them, so the whitelist never saw them). Iterative, and it stops at the
 * first problem, so a hostile body costs one walk of at most MAX_BODY_ITEMS entries.
 */
export function checkInput(body: unknown): { field: string; message: string } | null {
  const stack: [unknown, number, string][] = [[body, 0, '']];
  let items = 0;
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop() as [unknown, number, string];
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return { field: path || 'body', message: `${path || 'body'} must be Unicode text without NUL characters` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { field: path || 'body', message: `the body must not be nested more than ${MAX_BODY_DEPTH} levels deep` };
    const keys = Object.keys(value);
    items += keys.length;
    if (items > MAX_BODY_ITEMS) return { field: path || 'body', message: `the body must not hold more than ${MAX_BODY_ITEMS} keys and array elements in all` };
    for (const key of keys) {
      const child = (value as Record<string, unknown>)[key];
      const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && PROTOTYPE_KEYS.has(key)) return { field: at, message: `${at} is not an accepted field` };
      if (UNSTORABLE.test(key)) return { field: path || 'body', message: `${path || 'body'} must not have a key with NUL characters or lone surrogates` };
      stack.push([child, depth + 1, at]);
    }
  }
  return null;
}

/**
 * 408 and the connection closed when a request's body has not fully arrived `ms` after the
 * request began (a body trickled a byte at a time otherwise held a connection for 300 s).
 */
function requestTimeout(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.complete) return next();
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      const message = `The request was not received within ${Math.round(ms / 1000)} s`;
      res.writeHead(408, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
      res.end(JSON.stringify({ statusCode: 408, error: 'Request Timeout', message }), () => req.destroy());
    }, ms);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
    res.once('finish', clear);
    next();
  };
}

/** Everything the HTTP app needs besides its modules; shared by main.ts and the tests. */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig, logger: Pino): void {
  // only these proxies' X-Forwarded-For is believed (TRUST_PROXY, default loopback): trusting a
  // whole private range let anyone on it pick their own address past the per-IP limits
  app.set('trust proxy', config.trustProxy);
  // a client sending its request slowly holds a connection: Node's own limits for the headers
  // and the whole request (checked every few seconds), and a timer of ours for the body (below)
  const server = app.getHttpServer() as Server;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  app.set('query parser', 'simple');
  // requests in flight, counted so that this process's queued jobs (APP_ROLE=all) give way to them
  const load = app.get(RequestLoad);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    load.started();
    res.once('close', () => load.ended());
    next();
  });
  app.disable('x-powered-by');
  // the API and its documentation keep their headers (the Swagger UI page needs its inline assets)
  const apiHeaders = helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } } });
  // the web pages: everything from this origin only, no inline script, forms post here only
  const pageHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
      },
    },
    strictTransportSecurity: config.nodeEnv === 'production',
  });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/api/') || req.path === '/health' ? apiHeaders : pageHeaders)(req, res, next));
  // the pages' stylesheet and script: their URLs carry a hash of their content (see web/views/assets.ts)
  app.use('/assets', express.static(findPublicDir(), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  // the request id (the caller's x-request-id when sane, else a new uuid, echoed back), then
  // everything written while serving the request carries it (and, once authenticated, the user)
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as { id?: unknown }).id = id;
    runWithLogContext({ requestId: id }, next);
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => String(req.id),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // the request's own line: its id and user, like every other line of the request; the
      // logger's mixin adds them while the context lives, this covers the rest (no key twice)
      customProps: (req) => {
        const context = currentLogContext();
        const userId = (req as { user?: { id: string } }).user?.id;
        return { ...(context.requestId ? {} : { requestId: String(req.id) }), ...(context.userId || !userId ? {} : { userId }) };
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/token=[^&]+/, 'token=[redacted]') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(requestTimeout(config.requestTimeoutMs));
  app.use(express.json({ limit: config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  // the web forms (the application form has about 40 controls, a project summary up to 5 000 characters)
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  // body-parser errors (bad JSON, too large, bad charset) as JSON 4xx, not Express's HTML page
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    if (res.headersSent) return; // already answered (408 for a body sent too slowly)
    const { status, body } = toErrorBody(err);
    res.status(status).json(body);
  });

  // what no handler can take: NUL characters, lone surrogates, bodies nested too deep (see checkInput)
  app.use((req: Request, res: Response, next: NextFunction) => {
    const problem = /%00/i.test(req.url) ? { field: 'url', message: 'the URL must not contain NUL characters (%00)' } : checkInput(req.body);
    if (!problem) return next();
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: [problem.message], errors: [{ field: problem.field, messages: [problem.message] }] });
  });

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Guichet API')
      .setDescription(
        "Case management of the campus's startup one-stop-shop. Every error is `{statusCode, error, message}`; a validation error adds `errors: [{field, messages}]` naming every failing field; a stale `expectedVersion` (409) adds `currentVersion`. Lists answer `{items, nextCursor}`. Dates are ISO 8601; money is whole euros.",
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
