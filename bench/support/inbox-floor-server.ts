/**
 * The inbox's floor, run as a child process by the inbox benchmark (see inbox-floor.ts): the
 * app's own data path and view behind a bare `node:http` server. Per request it does what the
 * app does for `GET /api/v1/applications` less the framework: the account's lookup
 * (UsersRepository.sessionAccount), the page (ApplicationsRepository.inbox: the same prepared
 * statements through TypeORM's pool, with the app's type parsers), the list items (toPage,
 * toApplicationListItem), JSON and a weak ETag as Express writes them. It leaves out NestJS,
 * Express, the middleware (security headers, request id, request log), the query's validation,
 * the role checks and the token's signature (the app checks a token once per process and then
 * only reads its claims: see src/auth/verified-tokens.ts). Not a server to run: it trusts the
 * token it is given.
 *
 * Environment: DATABASE_URL, PORT. Answers GET /health and GET /api/v1/applications with
 * `status`, `assignee` (`me` or an id), `q` and `cursor`, staff's inbox sorted by submission.
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { toApplicationListItem } from '../../src/applications/application.view';
import { ApplicationsRepository, inboxCursorKey } from '../../src/applications/applications.repository';
import { decodeCursor, toPage } from '../../src/common/pagination/cursor';
import { dataSourceOptions } from '../../src/database/data-source';
import { atRiskThreshold } from '../../src/domain/service-level';
import { ENTITIES } from '../../src/entities';
import { UsersRepository } from '../../src/users/users.repository';

interface Claims {
  sub: string;
  ver: number;
  jti: string;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    // Express's default: a weak ETag of the body's SHA-1
    etag: `W/"${Buffer.byteLength(body).toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`,
  });
  res.end(body);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl, 20, ENTITIES)).initialize();
  const users = new UsersRepository(dataSource);
  const applications = new ApplicationsRepository(dataSource);
  // as the app's guard keeps verified tokens' claims: decoded once per token
  const claimsOf = new Map<string, Claims>();

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://floor');
      if (url.pathname === '/health') return send(res, 200, '{"status":"ok"}');
      if (req.method !== 'GET' || url.pathname !== '/api/v1/applications') return send(res, 404, '{"statusCode":404}');
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return send(res, 401, '{"statusCode":401}');
      let claims = claimsOf.get(token);
      if (!claims) {
        claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims;
        claimsOf.set(token, claims);
      }
      const account = await users.sessionAccount(claims.sub, claims.ver, claims.jti);
      if (!account) return send(res, 401, '{"statusCode":401}');
      const now = new Date();
      const query = url.searchParams;
      const assignee = query.get('assignee');
      const rows = await applications.inbox(
        { now, atRiskUntil: atRiskThreshold(now) },
        {
          statuses: query.get('status')?.split(','),
          assignee: assignee === 'me' ? account.id : (assignee ?? undefined),
          q: query.get('q') ?? undefined,
          sort: '-submittedAt',
          limit: 25,
          after: decodeCursor(query.get('cursor') ?? undefined, 2),
        },
      );
      send(res, 200, JSON.stringify(toPage(rows, 25, (r) => toApplicationListItem(r, now), (r) => inboxCursorKey(r, '-submittedAt', false))));
    })().catch((error: Error) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ statusCode: 500, message: error.message }));
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void dataSource.destroy().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`inbox floor: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
