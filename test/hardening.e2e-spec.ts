import { JwtService } from '@nestjs/jwt';
import { mkdtempSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueService } from '../src/queue/queue.service';
import { auth, move, submitCase } from './support/cases';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { settleWithin } from '../src/queue/worker-host.service';
import { waitFor } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

/**
 * Issue 13: what an attack on a running instance found, one block per finding. Each test
 * failed on the code before the fix. Figures (sizes, times) are printed, never asserted as times.
 */

const API = '/api/v1';
const PASSWORD = 'founder-password-123';

/** A TCP port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('hardening (issue 13)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  describe('1. no anonymous amplification', () => {
    it('answers a 240 kB array of zeros to /auth/login with a small 400, before validating it', async () => {
      const body = `[${new Array(120_000).fill('0').join(',')}]`;
      expect(body.length).toBeGreaterThan(239_000);
      const started = process.hrtime.bigint();
      const res = await t.http.post(`${API}/auth/login`).set('Content-Type', 'application/json').send(body).expect(400);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const size = Buffer.byteLength(JSON.stringify(res.body));
      process.stdout.write(`amplification: 240 kB array → ${res.status}, ${size} bytes, ${ms.toFixed(0)} ms\n`);
      expect(size).toBeLessThan(1000);
      expect(res.body.errors).toEqual([{ field: 'body', messages: ['the body must not hold more than 1000 keys and array elements in all'] }]);
    });

    it('names at most 20 failing fields and counts the rest', async () => {
      const body: Record<string, number> = {};
      for (let i = 0; i < 900; i++) body[`k${i}`] = i;
      const res = await t.http.post(`${API}/auth/login`).send(body).expect(400);
      expect(res.body.errors).toHaveLength(20);
      expect(res.body.message).toHaveLength(20);
      expect(res.body.moreErrors).toBe(882); // 900 unknown fields + email + password, 20 shown
      expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(4000);
    });

    it('refuses __proto__, constructor and prototype keys as unknown fields (400), at any depth', async () => {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const raw = `{"email":"a@b.test","password":"whatever-password","${key}":{"role":"admin"}}`;
        const res = await t.http.post(`${API}/auth/login`).set('Content-Type', 'application/json').send(raw).expect(400);
        expect(res.body.errors).toEqual([{ field: key, messages: [`${key} is not an accepted field`] }]);
      }
      const founder = await registerFounder(t.http);
      const nested = `{"startupName":"Nest","domains":["medtech"],"x":{"__proto__":{"polluted":true}}}`;
      const res = await t.http.post(`${API}/applications`).set(...auth(founder.token)).set('Content-Type', 'application/json').send(nested).expect(400);
      expect(res.body.errors[0].field).toBe('x.__proto__');
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });
  });

  describe('2. the login limit under concurrency, per account and client', () => {
    it('evaluates at most the limit of 40 parallel wrong passwords, each 429 with Retry-After; the right one still works from another client', async () => {
      const founder = await registerFounder(t.http);
      const results = await Promise.all(
        Array.from({ length: 40 }, () => t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '203.0.113.7').send({ email: founder.email, password: 'wrong password!' })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
      for (const r of results.filter((x) => x.status === 429)) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      }
      // the stranger is locked out, even with the right password...
      await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '203.0.113.7').send({ email: founder.email, password: PASSWORD }).expect(429);
      // ...the owner, from their own address, is not
      await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '198.51.100.20').send({ email: founder.email, password: PASSWORD }).expect(200);
    });

    it("keeps the admin able to sign in after a stranger's failures", async () => {
      for (let i = 0; i < 12; i++) {
        await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '203.0.113.66').send({ email: ADMIN.email, password: 'a guess of mine' });
      }
      await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '198.51.100.1').send({ email: ADMIN.email, password: ADMIN.password }).expect(200);
    });

    it('stops guessing spread over many addresses at the per-account ceiling (100 an hour)', async () => {
      const founder = await registerFounder(t.http);
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => t.http.post(`${API}/auth/login`).set('X-Forwarded-For', `192.0.2.${batch * 10 + i}`).send({ email: founder.email, password: 'wrong password!' }).expect(401)),
        );
      }
      const res = await t.http.post(`${API}/auth/login`).set('X-Forwarded-For', '198.51.100.99').send({ email: founder.email, password: PASSWORD }).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(15 * 60);
    });
  });

  describe('3. per-account flood limits', () => {
    let f: TestApp;
    beforeAll(async () => {
      f = await createTestApp({ env: { DRAFTS_PER_DAY: '4', SUBMISSIONS_PER_DAY: '2', MESSAGES_PER_HOUR: '2' } });
    });
    afterAll(() => f.close());

    it('holds the drafts limit under concurrency and answers 429 with Retry-After', async () => {
      const founder = await registerFounder(f.http);
      const results = await Promise.all(Array.from({ length: 10 }, () => f.http.post(`${API}/applications`).set(...auth(founder.token)).send({ startupName: 'Flood' })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(4);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(6);
      expect(refused[0].body.message).toBe('At most 4 drafts per account in 24 hours');
      expect(Number(refused[0].headers['retry-after'])).toBeGreaterThan(23 * 3600);
      // a day later the founder may write again
      f.clock.advance(24 * 3600 * 1000 + 1000);
      await f.http.post(`${API}/applications`).set(...auth(founder.token)).send({ startupName: 'Later' }).expect(201);
    });

    it('limits submissions, so create-and-submit cycles send at most that many acknowledgements', async () => {
      const founder = await registerFounder(f.http);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const draft = await f.http.post(`${API}/applications`).set(...auth(founder.token)).send({ ...COMPLETE_APPLICATION, startupName: `Spam ${'é'.repeat(100)} ${i}` }).expect(201);
        statuses.push((await f.http.post(`${API}/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({})).status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
      const emails = await f.db.query(`SELECT count(*)::int AS n FROM emails WHERE template = 'application-received' AND recipient_id = $1`, [founder.id]);
      expect(emails.rows[0].n).toBe(2);
    });

    it('limits messages per account and hour (429 with Retry-After)', async () => {
      const c = await submitCase(f.http);
      await f.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'one' }).expect(201);
      await f.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'two' }).expect(201);
      const third = await f.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'three' }).expect(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('5, 11. Redis down at boot', () => {
    it('boots, answers /health 503 naming Redis, fails closed for exports and emails, open for login; schedules come when Redis does', async () => {
      const proxy = new TcpProxy('127.0.0.1', 6379);
      await proxy.start();
      proxy.cut();
      const r = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
      try {
        const health = await r.http.get('/health').expect(503);
        expect(health.body).toMatchObject({ status: 'degraded', db: 'up', redis: 'down' });
        const queues = r.app.get(QueueService);
        expect(queues.schedulesRegistered()).toBe(false);

        proxy.restore();
        await waitFor(async () => queues.schedulesRegistered(), 20_000);
        await r.http.get('/health').expect(200);
        const c = await submitCase(r.http);

        proxy.cut();
        await waitFor(async () => (await r.http.get('/health')).status === 503, 10_000);
        await r.http.post(`${API}/auth/login`).send({ email: c.founder.email, password: PASSWORD }).expect(200); // login fails open
        const exported = await r.http.get(`${API}/me/export`).set(...auth(c.founder.token)).expect(503);
        expect(exported.body.message).toMatch(/Redis/);
        // a message's limit lives in Redis: refused rather than unlimited
        const message = await r.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'hello' }).expect(503);
        expect(message.body.message).toMatch(/Redis/);
      } finally {
        proxy.restore();
        await waitFor(async () => (await r.http.get('/health')).status === 200, 30_000).catch(() => undefined);
        // Known defect, not this test's subject: after a Redis cut, closing the app sometimes
        // never finishes (about one run in four; not in the worker's close, which is bounded).
        // Bounded here so the boot checks above stay meaningful; the database is dropped by the
        // next run's global setup when the close did not get that far.
        await settleWithin(r.close(), 15_000);
        await proxy.stop();
      }
    }, 120_000);

    it('boots with nothing listening on the Redis port at all', async () => {
      const r = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` } });
      try {
        const health = await r.http.get('/health').expect(503);
        expect(health.body.redis).toBe('down');
      } finally {
        await r.close();
      }
    });
  });

  describe('6. no known secrets', () => {
    it('refuses a token forged with the old development constant, and keeps sessions across restarts', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'guichet-secret-'));
      const env = { JWT_SECRET: '', JWT_SECRET_FILE: join(dir, 'jwt-secret') };
      const a = await createTestApp({ env });
      try {
        const admin = await a.db.query(`SELECT id FROM users WHERE role = 'admin'`);
        const forged = await new JwtService({ secret: 'guichet-development-secret-change-me-please' }).signAsync({ sub: admin.rows[0].id, role: 'admin' });
        await a.http.get(`${API}/me`).set(...auth(forged)).expect(401);
        const token = await login(a.http, ADMIN.email, ADMIN.password);
        const b = await createTestApp({ env, shareDatabaseOf: a });
        try {
          expect(b.config.jwtSecret).toBe(a.config.jwtSecret);
          await b.http.get(`${API}/me`).set(...auth(token)).expect(200);
        } finally {
          await b.close();
        }
      } finally {
        await a.close();
      }
    });
  });

  describe('7. /users is for staff accounts', () => {
    it('refuses a programme manager the founders (403) and never lists one', async () => {
      const founder = await registerFounder(t.http);
      const manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'] });
      const res = await t.http.get(`${API}/users?role=founder`).set(...auth(manager.token)).expect(403);
      expect(res.body.message).toMatch(/staff/);
      await t.http.get(`${API}/users?role=founder`).set(...auth(adminToken)).expect(403);
      const all = await t.http.get(`${API}/users?limit=100`).set(...auth(manager.token)).expect(200);
      expect(all.body.items.some((u: { role: string }) => u.role === 'founder')).toBe(false);
      expect(all.body.items.some((u: { id: string }) => u.id === founder.id)).toBe(false);
    });
  });

  describe('8. the last admin', () => {
    it('cannot demote or deactivate themself (409); with a second admin they can, and a restart restores one', async () => {
      const a = await createTestApp();
      try {
        const token = await login(a.http, ADMIN.email, ADMIN.password);
        const me = await a.http.get(`${API}/me`).set(...auth(token)).expect(200);
        const demote = await a.http.patch(`${API}/users/${me.body.id}`).set(...auth(token)).send({ role: 'advisor' }).expect(409);
        expect(demote.body.message).toMatch(/last active admin/);
        await a.http.patch(`${API}/users/${me.body.id}`).set(...auth(token)).send({ active: false }).expect(409);
        await a.http.patch(`${API}/users/${me.body.id}`).set(...auth(token)).send({ fullName: 'Still Admin' }).expect(200);

        const second = await createStaff(a.http, token, { role: 'admin' });
        // each deactivating the other at once: one of them goes, never both
        const both = await Promise.all([
          a.http.patch(`${API}/users/${me.body.id}`).set(...auth(second.token)).send({ active: false }),
          a.http.patch(`${API}/users/${second.id}`).set(...auth(token)).send({ active: false }),
        ]);
        expect(both.filter((r) => r.status === 200)).toHaveLength(1);
        const left = await a.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`);
        expect(left.rows[0].n).toBe(1);

        // an install left without an active admin (e.g. by an earlier version) gets ADMIN_EMAIL back at boot
        await a.db.query(`UPDATE users SET active = false WHERE role = 'admin'`);
        const b = await createTestApp({ shareDatabaseOf: a });
        try {
          await login(b.http, ADMIN.email, ADMIN.password);
        } finally {
          await b.close();
        }
      } finally {
        await a.close();
      }
    });
  });

  describe('9. a case leaving accepted frees its seat', () => {
    it('reopened then declined: the seat is free and the programme manager is told', async () => {
      const manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'] });
      const cohort = (await t.http.post(`${API}/programmes/poc-funding/cohorts`).set(...auth(manager.token)).send({ name: 'Seat test', startsOn: '2031-02-01', endsOn: '2031-04-30', capacity: 1 }).expect(201)).body;
      const c = await submitCase(t.http);
      await move(t.http, manager.token, c.id, { to: 'in_review' });
      await move(t.http, manager.token, c.id, { to: 'accepted', programme: 'poc-funding' });
      await t.http.post(`${API}/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: c.id }).expect(201);
      expect((await t.http.get(`${API}/cohorts/${cohort.id}`).set(...auth(manager.token)).expect(200)).body).toMatchObject({ enrolled: 1, seatsLeft: 0 });

      await move(t.http, manager.token, c.id, { to: 'in_review', reason: 'Founders asked to revise the budget' });
      await move(t.http, manager.token, c.id, { to: 'declined', reason: 'Budget out of scope' });
      expect((await t.http.get(`${API}/cohorts/${cohort.id}`).set(...auth(manager.token)).expect(200)).body).toMatchObject({ enrolled: 0, seatsLeft: 1 });
      const timeline = await t.http.get(`${API}/applications/${c.id}/timeline`).set(...auth(manager.token)).expect(200);
      expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('unenrolled');

      await waitFor(async () => (await t.db.query(`SELECT 1 FROM emails WHERE template = 'seat-freed' AND recipient_id = $1 AND status = 'sent'`, [manager.id])).rowCount === 1);
      const verify = await t.http.get(`${API}/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
      expect(verify.body.intact).toBe(true);
    });
  });

  describe('10. trusted proxies', () => {
    it('believes X-Forwarded-For only from TRUST_PROXY, so rotating it does not pass the per-IP sign-up limit', async () => {
      const p = await createTestApp({ env: { TRUST_PROXY: '192.0.2.1' } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 21; i++) {
          const res = await p.http
            .post(`${API}/auth/register`)
            .set('X-Forwarded-For', `10.1.${i}.1`)
            .send({ email: `proxy${i}@startup.test`, password: PASSWORD, fullName: 'Rotating' });
          statuses.push(res.status);
        }
        expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
        expect(statuses[20]).toBe(429);
      } finally {
        await p.close();
      }
    });
  });

  describe('11. smaller findings', () => {
    it('refuses a reference past 6 digits instead of widening it', async () => {
      const founder = await registerFounder(t.http);
      const year = new Date().getUTCFullYear();
      await t.db.query('INSERT INTO reference_counters (year, last) VALUES ($1, 999999), ($2, 999999) ON CONFLICT (year) DO UPDATE SET last = 999999', [year, year + 1]);
      const res = await t.http.post(`${API}/applications`).set(...auth(founder.token)).send({ startupName: 'One too many' }).expect(503);
      expect(res.body.message).toMatch(/999999 applications a year/);
      const refs = await t.db.query(`SELECT count(*)::int AS n FROM applications WHERE reference LIKE 'GU-%-1000000'`);
      expect(refs.rows[0].n).toBe(0);
      await t.db.query('UPDATE reference_counters SET last = 1000 WHERE year IN ($1, $2)', [year, year + 1]);
    });

    it('refuses digests for a future week (400)', async () => {
      const res = await t.http.post(`${API}/digests/run`).set(...auth(adminToken)).send({ week: '2099-W01' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'week', messages: [expect.stringMatching(/must not be in the future/)] }]);
    });

    it('closes a request whose body arrives too slowly with a 408', async () => {
      const s = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } });
      try {
        await s.app.listen(0, '127.0.0.1');
        const { port } = s.app.getHttpServer().address() as AddressInfo;
        const started = Date.now();
        const answer = await new Promise<string>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          let received = '';
          socket.on('data', (d) => (received += d.toString()));
          socket.on('close', () => resolve(received));
          socket.on('error', () => undefined);
          socket.write(`POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":`);
          const drip = setInterval(() => socket.writable && socket.write(' '), 200);
          socket.on('close', () => clearInterval(drip));
        });
        process.stdout.write(`slow body: closed after ${Date.now() - started} ms\n`);
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
        expect(answer).toMatch(/"statusCode":408/);
      } finally {
        await s.close();
      }
    });
  });
});
