import { auth, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, TestApp } from './support/test-app';

describe('notifications through faults', () => {
  const sink = new SmtpSink();
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  let t: TestApp;

  beforeAll(async () => {
    await sink.start();
    await redisProxy.start();
    t = await createTestApp({ env: { SMTP_URL: sink.url, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` } });
  });
  afterAll(async () => {
    await t.close();
    await redisProxy.stop();
    await sink.stop();
  });

  it('accepts a submission while Redis is unreachable, and the email goes out once Redis is back', async () => {
    redisProxy.cut();
    const c = await submitCase(t.http); // succeeds: the email waits in the outbox (PostgreSQL)
    await t.http.get('/health').expect(503);
    const queued = await t.db.query(`SELECT status, relayed_at FROM emails WHERE application_id = $1`, [c.id]);
    expect(queued.rows).toEqual([{ status: 'queued', relayed_at: null }]);
    await new Promise((r) => setTimeout(r, 1500)); // the relay tries, and keeps the row
    expect(sink.to(c.founder.email)).toHaveLength(0);

    redisProxy.restore();
    await sink.waitFor(() => sink.to(c.founder.email).length === 1, 30000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sink.to(c.founder.email)).toHaveLength(1);
    await t.http.get('/health').expect(200);
    const me = await t.http.get(`/api/v1/applications/${c.id}`).set(...auth(c.founder.token)).expect(200);
    expect(me.body.status).toBe('submitted');
  });
});
