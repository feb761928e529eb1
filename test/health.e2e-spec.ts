import { withServer } from './support/databases';
import { createTestApp, TestApp } from './support/test-app';

describe('GET /health', () => {
  it('answers 200 with db and redis up', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http.get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming Redis when Redis is unreachable, and the API still serves', async () => {
    // nothing listens on port 1: Redis is "down" for this app from the start
    const t: TestApp = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'api' } });
    try {
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toEqual({ status: 'degraded', db: 'up', redis: 'down' });
      // sign-up does not need Redis to succeed (rate limits fail open)
      await t.http.post('/api/v1/auth/register').send({ email: 'no-redis@startup.test', password: 'correct horse battery', fullName: 'No Redis' }).expect(201);
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming the database when PostgreSQL is unreachable', async () => {
    const t = await createTestApp();
    try {
      // cut this app's database connections from the server side and forbid new ones
      const name = t.db.database as string;
      await withServer(async (server) => {
        await server.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
        await server.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      });
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toEqual({ status: 'degraded', db: 'down', redis: 'up' });
      const me = await t.http.post('/api/v1/auth/login').send({ email: 'x@y.test', password: 'whatever pass' });
      expect(me.status).toBe(503);
      expect(me.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable, try again shortly' });
      await withServer((server) => server.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`));
      // the pool reconnects by itself: no restart of the app
      await t.http.get('/health').expect(200);
    } finally {
      await t.close();
    }
  });

  it('serves the OpenAPI document and UI', async () => {
    const t = await createTestApp();
    try {
      const json = await t.http.get('/api/docs-json').expect(200);
      expect(json.body.openapi).toMatch(/^3\./);
      expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/me', '/api/v1/users', '/health']));
      expect(json.body.components.schemas.RegisterDto.properties).toHaveProperty('password');
      const ui = await t.http.get('/api/docs').expect(200);
      expect(ui.text).toContain('swagger');
    } finally {
      await t.close();
    }
  });
});
