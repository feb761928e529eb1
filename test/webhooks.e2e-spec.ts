import { Webhook } from 'standardwebhooks';
import { auth, move, submitCase } from './support/cases';
import { TcpProxy } from './support/tcp-proxy';
import { WebhooksRepository } from '../src/webhooks/webhooks.repository';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';
import { verifyStandardWebhook, WebhookReceiver } from './support/webhook-receiver';

const API = '/api/v1';
const ALL_EVENTS = ['application.submitted', 'case.status_changed', 'case.assigned', 'review.submitted', 'referral.updated'];

interface Delivery {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

describe('webhooks', () => {
  const receiver = new WebhookReceiver();
  let t: TestApp;
  let admin: string;
  let hook: { id: string; secret: string };

  const register = async (body: Record<string, unknown>): Promise<{ id: string; secret: string }> => {
    const res = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send(body).expect(201);
    return res.body as { id: string; secret: string };
  };
  const deliveries = async (webhookId: string): Promise<Delivery[]> =>
    (await t.http.get(`${API}/webhooks/${webhookId}/deliveries?limit=100`).set(...auth(admin)).expect(200)).body.items as Delivery[];
  const deliveryOf = async (webhookId: string, messageId: string): Promise<Delivery> => {
    const found = (await deliveries(webhookId)).find((d) => d.messageId === messageId);
    if (!found) throw new Error(`no delivery ${messageId}`);
    return found;
  };
  const until = async (what: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp();
    admin = await login(t.http, ADMIN.email, ADMIN.password);
    hook = await register({ url: receiver.url, events: ALL_EVENTS });
  });
  afterEach(() => {
    receiver.answer = () => 204;
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('registers a webhook and shows its secret once; lists, changes and removes it', async () => {
    const created = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: `${receiver.url}/crm`, events: ['case.assigned'] }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), url: `${receiver.url}/crm`, events: ['case.assigned'], active: true, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/), createdAt: expect.any(String), updatedAt: expect.any(String) });
    const list = await t.http.get(`${API}/webhooks`).set(...auth(admin)).expect(200);
    expect(list.body.nextCursor).toBeNull();
    const listed = list.body.items.find((w: { id: string }) => w.id === created.body.id);
    expect(listed).toMatchObject({ url: `${receiver.url}/crm`, events: ['case.assigned'], active: true });
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const page1 = await t.http.get(`${API}/webhooks?limit=1`).set(...auth(admin)).expect(200);
    const page2 = await t.http.get(`${API}/webhooks?limit=1&cursor=${page1.body.nextCursor}`).set(...auth(admin)).expect(200);
    expect(page1.body.items[0].id).not.toEqual(page2.body.items[0].id);

    const patched = await t.http.patch(`${API}/webhooks/${created.body.id}`).set(...auth(admin)).send({ events: ['case.assigned', 'referral.updated'], active: false }).expect(200);
    expect(patched.body).toMatchObject({ events: ['case.assigned', 'referral.updated'], active: false });
    expect(patched.body.secret).toBeUndefined();

    await t.http.delete(`${API}/webhooks/${created.body.id}`).set(...auth(admin)).expect(204);
    await t.http.delete(`${API}/webhooks/${created.body.id}`).set(...auth(admin)).expect(404);
    await t.http.patch(`${API}/webhooks/${created.body.id}`).set(...auth(admin)).send({ active: true }).expect(404);
    await t.http.get(`${API}/webhooks/${created.body.id}/deliveries`).set(...auth(admin)).expect(404);
  });

  it('refuses an unknown event, a bad URL or an unknown field with a 400 naming the field', async () => {
    const unknown = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: receiver.url, events: ['case.status_changed', 'case.exploded'] }).expect(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['events']);
    const empty = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: receiver.url, events: [] }).expect(400);
    expect(empty.body.errors[0].field).toBe('events');
    for (const url of ['not a url', 'ftp://files.example/x', 'https://user:secret@hooks.example/x']) {
      const res = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url, events: ['case.assigned'] }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errors: [{ field: 'url', messages: [expect.any(String)] }] });
    }
    const extra = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: receiver.url, events: ['case.assigned'], secret: 'whsec_mine' }).expect(400);
    expect(extra.body.errors[0].field).toBe('secret');
    const patch = await t.http.patch(`${API}/webhooks/${hook.id}`).set(...auth(admin)).send({ events: ['nope'] }).expect(400);
    expect(patch.body.errors[0].field).toBe('events');
  });

  it('sends application.submitted, signed as Standard Webhooks says, with no personal data', async () => {
    const c = await submitCase(t.http, {}, { fullName: 'Camille Secretname' });
    await receiver.waitFor(() => receiver.of('application.submitted').some((r) => r.body.includes(c.id)));
    const got = receiver.of('application.submitted').find((r) => r.body.includes(c.id));
    if (!got) throw new Error('not received');
    expect(got.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(got.timestamp) - t.clock.now().getTime() / 1000)).toBeLessThan(5);
    expect(got.headers['content-type']).toBe('application/json');
    // two independent verifiers: the specification written out in the test, and the standardwebhooks library
    expect(verifyStandardWebhook(hook.secret, got)).toBe(true);
    expect(new Webhook(hook.secret).verify(got.body, { 'webhook-id': got.id, 'webhook-timestamp': got.timestamp, 'webhook-signature': got.signature })).toBeTruthy();
    expect(verifyStandardWebhook(hook.secret, { ...got, body: got.body.replace('submitted', 'declined') })).toBe(false);

    const body = JSON.parse(got.body);
    expect(body).toEqual({
      type: 'application.submitted',
      timestamp: expect.stringMatching(/Z$/),
      data: { applicationId: c.id, reference: c.reference, status: 'submitted', recommended: expect.arrayContaining(['poc-funding']), submittedAt: expect.any(String) },
    });
    for (const personal of ['Camille', 'Secretname', c.founder.email, 'Cardiosense', 'atrial fibrillation', 'cardiosense.example', c.founder.id]) expect(got.body).not.toContain(personal);
  });

  it('sends case.status_changed for staff moves, the founder’s reply, withdrawal and erasure, and case.assigned', async () => {
    const advisor = await createStaff(t.http, admin, { role: 'advisor' });
    const c = await submitCase(t.http);
    const statusChanges = (): { from: string; to: string; programme: string | null; applicationId: string; reference: string }[] =>
      receiver.of('case.status_changed').map((r) => JSON.parse(r.body).data).filter((d: { applicationId: string }) => d.applicationId === c.id);

    await move(t.http, admin, c.id, { to: 'in_review' });
    await move(t.http, admin, c.id, { to: 'info_requested', message: 'Which lab hosts the team?' });
    await t.http.post(`${API}/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'The Inserm U970 lab, Paris.' }).expect(201);
    const version = (await t.http.get(`${API}/applications/${c.id}`).set(...auth(admin)).expect(200)).body.version;
    await t.http.post(`${API}/applications/${c.id}/assign`).set(...auth(admin)).send({ assigneeId: advisor.id, expectedVersion: version }).expect(200);
    await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(c.founder.token)).send({ reason: 'We joined another incubator.' }).expect(200);

    await receiver.waitFor(() => statusChanges().length === 4 && receiver.of('case.assigned').some((r) => r.body.includes(c.id)));
    expect(statusChanges()).toEqual([
      { applicationId: c.id, reference: c.reference, from: 'submitted', to: 'in_review', programme: 'poc-funding' },
      { applicationId: c.id, reference: c.reference, from: 'in_review', to: 'info_requested', programme: 'poc-funding' },
      { applicationId: c.id, reference: c.reference, from: 'info_requested', to: 'in_review', programme: 'poc-funding' },
      { applicationId: c.id, reference: c.reference, from: 'in_review', to: 'withdrawn', programme: 'poc-funding' },
    ]);
    const assigned = receiver.of('case.assigned').map((r) => JSON.parse(r.body).data).find((d: { applicationId: string }) => d.applicationId === c.id);
    expect(assigned).toEqual({ applicationId: c.id, reference: c.reference, assigneeId: advisor.id, previousAssigneeId: null, auto: false });
    for (const r of receiver.received.filter((x) => x.body.includes(c.id))) {
      expect(r.body).not.toContain('Which lab');
      expect(r.body).not.toContain('Inserm U970');
      expect(r.body).not.toContain('another incubator');
    }

    // erasure withdraws the founder's open cases: each move is told
    const other = await submitCase(t.http);
    await t.http.delete(`${API}/me`).set(...auth(other.founder.token)).expect((res) => expect([200, 204]).toContain(res.status));
    await receiver.waitFor(() => receiver.of('case.status_changed').some((r) => r.body.includes(other.id) && r.body.includes('"to":"withdrawn"')));
  });

  it('sends an accept decision with its programme, and only to webhooks subscribed to the event and active', async () => {
    const quiet = new WebhookReceiver();
    await quiet.start();
    try {
      const assignedOnly = await register({ url: quiet.url, events: ['case.assigned'] });
      const paused = await register({ url: `${quiet.url}/paused`, events: ALL_EVENTS, active: false });
      const c = await submitCase(t.http);
      await move(t.http, admin, c.id, { to: 'in_review' });
      await move(t.http, admin, c.id, { to: 'accepted', programme: 'pre-entrepreneurial-track' });
      await receiver.waitFor(() => receiver.of('case.status_changed').some((r) => r.body.includes(c.id) && r.body.includes('"to":"accepted"')));
      const accepted = receiver.of('case.status_changed').map((r) => JSON.parse(r.body).data).find((d: { applicationId: string; to: string }) => d.applicationId === c.id && d.to === 'accepted');
      expect(accepted.programme).toBe('pre-entrepreneurial-track');
      await new Promise((r) => setTimeout(r, 600)); // two dispatcher polls
      expect(quiet.received.filter((r) => r.body.includes(c.id))).toEqual([]);
      expect(await deliveries(assignedOnly.id)).toEqual([]);
      expect(await deliveries(paused.id)).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });

  it('retries after receiver errors with the same webhook-id, logs every try, and replays with the same id', async () => {
    // the receiver refuses the first try of every message, then answers 200
    receiver.answer = (_hook, seenBefore) => (seenBefore === 0 ? 503 : 200);
    const c = await submitCase(t.http);
    const first = () => receiver.of('application.submitted').filter((r) => r.body.includes(c.id));
    await receiver.waitFor(() => first().length === 1);
    const messageId = first()[0].id;
    await until(async () => (await deliveryOf(hook.id, messageId)).lastStatusCode === 503);
    const pending = await deliveryOf(hook.id, messageId);
    expect(pending).toMatchObject({ eventType: 'application.submitted', status: 'pending', attempts: 1, lastStatusCode: 503, lastError: 'HTTP 503' });
    const retryIn = new Date(pending.nextAttemptAt as string).getTime() - t.clock.now().getTime();
    expect(retryIn).toBeGreaterThan(0);
    expect(retryIn).toBeLessThanOrEqual(30_000);

    t.clock.advance(retryIn);
    await receiver.waitFor(() => first().length === 2);
    await until(async () => (await deliveryOf(hook.id, messageId)).status === 'delivered');
    expect(first().map((r) => [r.id, r.answered])).toEqual([[messageId, 503], [messageId, 200]]);
    expect(first().every((r) => verifyStandardWebhook(hook.secret, r))).toBe(true);
    expect(first()[1].body).toEqual(first()[0].body);
    expect(await deliveryOf(hook.id, messageId)).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });

    const delivery = await deliveryOf(hook.id, messageId);
    await t.http.post(`${API}/webhooks/${hook.id}/deliveries/${delivery.id}/replay`).set(...auth(admin)).expect(202);
    await receiver.waitFor(() => first().length === 3);
    expect(first()[2].id).toBe(messageId);
    await until(async () => (await deliveryOf(hook.id, messageId)).attempts === 3);
    expect(await deliveryOf(hook.id, messageId)).toMatchObject({ status: 'delivered', attempts: 3 });

    // unknown or malformed ids, and a delivery of another webhook: 404
    const other = await register({ url: `${receiver.url}/other`, events: ['case.assigned'] });
    await t.http.post(`${API}/webhooks/${other.id}/deliveries/${delivery.id}/replay`).set(...auth(admin)).expect(404);
    await t.http.post(`${API}/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/replay`).set(...auth(admin)).expect(404);
    await t.http.post(`${API}/webhooks/${hook.id}/deliveries/nope/replay`).set(...auth(admin)).expect(404);
    await t.http.delete(`${API}/webhooks/${other.id}`).set(...auth(admin)).expect(204);
  });

  it('keeps trying through a receiver outage for 24 hours, then marks the delivery failed', async () => {
    const flaky = new WebhookReceiver();
    await flaky.start();
    const port = flaky.port;
    const sub = await register({ url: flaky.url, events: ['application.submitted'] });
    try {
      await flaky.stop(); // connection refused
      const c = await submitCase(t.http);
      await until(async () => (await deliveries(sub.id)).some((d) => d.attempts === 1 && d.lastError !== null));
      const [down] = await deliveries(sub.id);
      expect(down).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });

      // back, but answering 500 for ever: tried on schedule for the day, then failed
      flaky.answer = () => 500;
      await flaky.start(port);
      let tries = 1;
      while ((await deliveries(sub.id))[0].status === 'pending') {
        t.clock.advance(7 * 3600_000);
        await until(async () => (await deliveries(sub.id))[0].attempts > tries || (await deliveries(sub.id))[0].status !== 'pending');
        tries = (await deliveries(sub.id))[0].attempts;
        if (tries > 20) throw new Error('never gave up');
      }
      const [failed] = await deliveries(sub.id);
      expect(failed).toMatchObject({ status: 'failed', lastStatusCode: 500, nextAttemptAt: null });
      expect(flaky.received.length).toBe(failed.attempts - 1); // the first try met a closed port
      expect(new Set(flaky.received.map((r) => r.id))).toEqual(new Set([failed.messageId]));
      expect(flaky.received.every((r) => r.body.includes(c.id))).toBe(true);

      // a replay starts a new round: delivered this time
      flaky.answer = () => 200;
      await t.http.post(`${API}/webhooks/${sub.id}/deliveries/${failed.id}/replay`).set(...auth(admin)).expect(202);
      await until(async () => (await deliveries(sub.id))[0].status === 'delivered');
      expect(flaky.received[flaky.received.length - 1].id).toBe(failed.messageId);
    } finally {
      await flaky.stop();
      await t.http.delete(`${API}/webhooks/${sub.id}`).set(...auth(admin)).expect(204);
    }
  });

  it('sends again, with the same webhook-id, a delivery whose worker died mid-flight, once its lease lapses', async () => {
    const sub = await register({ url: `${receiver.url}/lease`, events: ['referral.updated'] });
    const leaseId = '6f1c1a52-6f0e-4a43-9d5a-3b0cf6b5d8a1';
    const now = t.clock.now();
    // the state a dispatcher leaves when it claimed a row (lease, try counted) and was killed
    const [row] = (
      await t.db.query(
        `INSERT INTO webhook_deliveries (webhook_id, message_id, event_type, payload, next_attempt_at, created_at, attempts, round_attempts, round_started_at, locked_until, lease_id, last_attempt_at)
         VALUES ($1, 'msg_leasetest', 'referral.updated', '{"type":"referral.updated","timestamp":"2026-12-01T00:00:00.000Z","data":{}}', $2, $2, 1, 1, $2, $3, $4, $2) RETURNING id`,
        [sub.id, now, new Date(now.getTime() + 60_000), leaseId],
      )
    ).rows;
    await new Promise((r) => setTimeout(r, 700)); // a few dispatcher polls: the lease holds
    expect(receiver.received.filter((r) => r.id === 'msg_leasetest')).toEqual([]);

    t.clock.advance(61_000);
    await receiver.waitFor(() => receiver.received.some((r) => r.id === 'msg_leasetest'));
    await until(async () => (await deliveries(sub.id))[0].status === 'delivered');
    expect((await deliveries(sub.id))[0]).toMatchObject({ id: row.id, messageId: 'msg_leasetest', attempts: 2 });
    expect(verifyStandardWebhook(sub.secret, receiver.received.find((r) => r.id === 'msg_leasetest') as never)).toBe(true);
    // the dead worker's outcome, should it come late, is not recorded over the new one
    await t.app.get(WebhooksRepository, { strict: false }).record({ id: row.id, lease_id: leaseId }, { statusCode: 500, error: 'HTTP 500', responseExcerpt: null }, false, null, t.clock.now());
    expect((await deliveries(sub.id))[0].status).toBe('delivered');
    await t.http.delete(`${API}/webhooks/${sub.id}`).set(...auth(admin)).expect(204);
  });

  it('describes every webhook route and its answers in the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/deliveries', '/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay']));
    expect(doc.components.schemas.CreatedWebhookView.properties).toHaveProperty('secret');
    expect(doc.components.schemas.WebhookView.properties).not.toHaveProperty('secret');
    expect(doc.components.schemas.DeliveryView.properties).toHaveProperty('messageId');
    expect(doc.components.schemas.CreateWebhookDto.properties.events.items.enum).toEqual(ALL_EVENTS);
  });

  it('writes one delivery per move, and none for a refused move', async () => {
    const c = await submitCase(t.http);
    const before = await t.db.query('SELECT count(*)::int AS n FROM webhook_deliveries');
    await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(c.founder.token)).send({}).expect(200);
    const mid = await t.db.query('SELECT count(*)::int AS n FROM webhook_deliveries');
    await t.http.post(`${API}/applications/${c.id}/withdraw`).set(...auth(c.founder.token)).send({}).expect(422);
    const after = await t.db.query('SELECT count(*)::int AS n FROM webhook_deliveries');
    expect(mid.rows[0].n).toBe(before.rows[0].n + 1);
    expect(after.rows[0].n).toBe(mid.rows[0].n);
  });
});

describe('webhooks while Redis is unreachable', () => {
  const receiver = new WebhookReceiver();
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  let t: TestApp;

  beforeAll(async () => {
    await receiver.start();
    await redisProxy.start();
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` } });
  });
  afterAll(async () => {
    await t.close();
    await redisProxy.stop();
    await receiver.stop();
  });

  it('records the event with its cause and delivers it: Redis carries no webhook', async () => {
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    const sub = (await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url: receiver.url, events: ['application.submitted', 'case.status_changed'] }).expect(201)).body;
    redisProxy.cut();
    try {
      const c = await submitCase(t.http);
      await move(t.http, admin, c.id, { to: 'in_review' });
      await t.http.get('/health').expect(503);
      await receiver.waitFor(() => receiver.received.filter((r) => r.body.includes(c.id)).length === 2);
      expect(receiver.received.every((r) => verifyStandardWebhook(sub.secret, r))).toBe(true);
    } finally {
      redisProxy.restore();
    }
    // the emails of that submission wait in their outbox and leave once Redis is back (and the
    // app's queues are connected again before it closes)
    const deadline = Date.now() + 30_000;
    const queued = async (): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued'`)).rows[0].n;
    while ((await queued()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await queued()).toBe(0);
  });
});

describe('webhooks in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { NODE_ENV: 'production', APP_ROLE: 'api' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses http, and hosts or addresses that are loopback, private or link-local (400 naming url)', async () => {
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    for (const url of ['http://hooks.example.com/guichet', 'https://127.0.0.1/hooks', 'https://localhost/hooks', 'https://10.1.2.3/hooks', 'https://169.254.169.254/latest', 'https://[::1]/hooks', 'https://[::ffff:127.0.0.1]/hooks']) {
      const res = await t.http.post(`${API}/webhooks`).set(...auth(admin)).send({ url, events: ['case.assigned'] });
      expect([url, res.status, res.body.errors?.[0]?.field]).toEqual([url, 400, 'url']);
    }
    expect((await t.db.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(0);
  });
});
