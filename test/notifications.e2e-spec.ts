import { auth, move, submitCase } from './support/cases';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';
import { RemindersService } from '../src/notifications/reminders.service';

async function emailRows(t: TestApp, template?: string): Promise<{ template: string; status: string; attempts: number; last_error: string | null; recipient_id: string }[]> {
  const res = await t.db.query(`SELECT template, status, attempts, last_error, recipient_id FROM emails ${template ? 'WHERE template = $1' : ''} ORDER BY created_at`, template ? [template] : []);
  return res.rows;
}

describe('notifications', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    await sink.start();
    // Monday 7 December 2026, 10:00 Paris
    t = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { SMTP_URL: sink.url } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('tells each person what happened, in their language, over real SMTP', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin', capacity: 5, programmes: ['poc-funding'], languages: ['fr', 'en'], locale: 'fr' });
    const c = await submitCase(t.http, { startupName: 'Cardiosense' }, { locale: 'en' });

    await sink.waitFor(() => sink.to(c.founder.email).length === 1);
    const received = sink.to(c.founder.email)[0];
    expect(received.subject).toContain(c.reference);
    expect(received.text).toContain('Cardiosense');
    expect(received.text).toContain('Proof-of-concept funding'); // top recommendation, in English
    expect(received.html).toContain('https://guichet.test/');
    expect(received.messageId).toMatch(/@guichet\.test>$/); // the host of PUBLIC_URL

    // auto-assignment → the advisor, in French
    await t.http.post(`/api/v1/applications/${c.id}/auto-assign`).set(...auth(advisor.token)).send({}).expect(200);
    await sink.waitFor(() => sink.to(advisor.email).length === 1);
    expect(sink.to(advisor.email)[0].text).toMatch(/Cardiosense/);

    // request for information → the founder gets the advisor's message
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Could you share your clinical protocol?' });
    await sink.waitFor(() => sink.to(c.founder.email).length === 2);
    expect(sink.to(c.founder.email)[1].text).toContain('Could you share your clinical protocol?');

    // the founder answers → the assignee hears of it
    await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'Attached: protocol v2' }).expect(201);
    await sink.waitFor(() => sink.to(advisor.email).length === 2);
    expect(sink.to(advisor.email)[1].text).toContain('Attached: protocol v2');

    // the decision, with the programme
    await move(t.http, advisor.token, c.id, { to: 'accepted', programme: 'poc-funding', reason: 'Strong academic team' });
    await sink.waitFor(() => sink.to(c.founder.email).length === 3);
    const decision = sink.to(c.founder.email)[2];
    expect(decision.text).toContain('Proof-of-concept funding');

    const log = await t.http.get(`/api/v1/emails?recipient=${encodeURIComponent(c.founder.email)}`).set(...auth(adminToken)).expect(200);
    expect(log.body.items.map((e: { template: string }) => e.template).sort()).toEqual(['application-received', 'decision-accepted', 'info-requested', 'verify-email']);
    expect(log.body.items.every((e: { status: string; attempts: number; sentAt: string }) => e.status === 'sent' && e.attempts === 1 && e.sentAt)).toBe(true);
    await t.http.get('/api/v1/emails').set(...auth(advisor.token)).expect(403);
  });

  it('tells a declined founder the reason, and a referred one the programme', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    const declined = await submitCase(t.http, {}, { locale: 'fr' });
    await move(t.http, advisor.token, declined.id, { to: 'in_review' });
    await move(t.http, advisor.token, declined.id, { to: 'declined', reason: 'Le projet ne relève pas de la santé' });
    const referred = await submitCase(t.http, {}, { locale: 'en' });
    await move(t.http, advisor.token, referred.id, { to: 'in_review' });
    await move(t.http, advisor.token, referred.id, { to: 'referred', programme: 'competitiveness-cluster' });
    await sink.waitFor(() => sink.to(declined.founder.email).length === 2 && sink.to(referred.founder.email).length === 2);
    expect(sink.toMatching(declined.founder.email, 'Le projet ne relève pas de la santé')).toHaveLength(1);
    expect(sink.toMatching(referred.founder.email, /cluster/i)).toHaveLength(1);
  });

  it('escapes hostile input in HTML and keeps it readable in text', async () => {
    const c = await submitCase(t.http, { startupName: '<script>alert(1)</script>' });
    await sink.waitFor(() => sink.to(c.founder.email).length === 1);
    const mail = sink.to(c.founder.email)[0];
    expect(mail.html).not.toContain('<script>alert(1)</script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('marks a 550 as failed at once, visible in the log, without retrying', async () => {
    const founder = await registerFounder(t.http, { email: 'bounce@startup.test' });
    sink.rejectRecipients.add('bounce@startup.test');
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    let entry: { status: string; attempts: number; lastError: string } | undefined;
    for (let i = 0; i < 100 && entry?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const log = await t.http.get('/api/v1/emails?recipient=bounce@startup.test&status=failed').set(...auth(adminToken)).expect(200);
      entry = log.body.items[0];
    }
    expect(entry).toMatchObject({ status: 'failed', attempts: 1 });
    expect(entry?.lastError).toMatch(/550|unavailable/i);
    await new Promise((r) => setTimeout(r, 2500)); // a retry would have happened by now
    const rows = await t.db.query(`SELECT attempts FROM emails e JOIN users u ON u.id = e.recipient_id WHERE u.email = 'bounce@startup.test'`);
    expect(rows.rows).toEqual([{ attempts: 1 }, { attempts: 1 }]); // the verification email at sign-up went out before the bounces began
  });

  it('delivers once when the SMTP server comes back after an outage at submission', async () => {
    await sink.stop();
    const c = await submitCase(t.http);
    // the first attempt fails (connection refused) and is recorded (the attempt is counted at its claim, the error after it)
    for (let i = 0; i < 100; i++) {
      const rows = await t.db.query(`SELECT attempts, last_error FROM emails WHERE application_id = $1`, [c.id]);
      if (rows.rows[0]?.attempts >= 1 && rows.rows[0]?.last_error !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sink.start();
    await sink.waitFor(() => sink.to(c.founder.email).length === 1, 30000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sink.to(c.founder.email)).toHaveLength(1);
    const [row] = (await t.db.query(`SELECT status, attempts FROM emails WHERE application_id = $1`, [c.id])).rows;
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThanOrEqual(2);
  });

  describe('reminders', () => {
    let reminders: RemindersService;
    beforeAll(() => {
      reminders = t.app.get(RemindersService);
    });

    it('reminds a founder of a draft untouched for 7 days, once, and not after an edit', async () => {
      t.clock.set('2026-12-07T09:00:00Z');
      const idle = await registerFounder(t.http);
      const busy = await registerFounder(t.http);
      const idleDraft = await t.http.post('/api/v1/applications').set(...auth(idle.token)).send({ startupName: 'Idle' }).expect(201);
      const busyDraft = await t.http.post('/api/v1/applications').set(...auth(busy.token)).send({ startupName: 'Busy' }).expect(201);
      t.clock.set('2026-12-13T09:00:00Z'); // 6 days: not yet
      await reminders.scan();
      await t.http.patch(`/api/v1/applications/${busyDraft.body.id}`).set(...auth(busy.token)).send({ trl: 2 }).expect(200);
      t.clock.set('2026-12-14T10:00:00Z'); // 7 days and an hour after creation
      await reminders.scan();
      await reminders.scan();
      await Promise.all([reminders.scan(), reminders.scan()]);
      await sink.waitFor(() => sink.to(idle.email).length === 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.to(idle.email)).toHaveLength(1);
      expect(sink.to(idle.email)[0].text).toContain('Idle');
      expect(sink.to(busy.email)).toHaveLength(0);
      void idleDraft;
    });

    it('reminds after 5 business days without an answer, once per request, and not once answered', async () => {
      t.clock.set('2026-12-07T09:00:00Z'); // Monday
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
      const silent = await submitCase(t.http);
      const answers = await submitCase(t.http);
      await move(t.http, advisor.token, silent.id, { to: 'info_requested', message: 'Your deck please' });
      await move(t.http, advisor.token, answers.id, { to: 'info_requested', message: 'Your deck please' });
      t.clock.set('2026-12-11T09:00:00Z'); // Friday: 4 business days
      await reminders.scan();
      t.clock.set('2026-12-14T09:00:00Z'); // Monday: 5 business days
      // the other founder answered just before the scan
      await t.http.post(`/api/v1/applications/${answers.id}/messages`).set(...auth(answers.founder.token)).send({ body: 'Here' }).expect(201);
      await reminders.scan();
      await reminders.scan();
      await sink.waitFor(() => sink.to(silent.founder.email).length === 3); // received, info-requested, reminder
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.toMatching(silent.founder.email, 'Your deck please')).toHaveLength(2); // the request and its reminder
      expect(sink.to(silent.founder.email)).toHaveLength(3);
      expect(sink.to(answers.founder.email)).toHaveLength(2);
    });

    it('warns the assignee when a service level is at risk, and the managers when it is breached, each once', async () => {
      t.clock.set('2026-12-07T09:00:00Z'); // Monday: first response due end of Monday 14th
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor', capacity: 10, programmes: ['poc-funding'], languages: ['fr', 'en'] });
      const manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'] });
      const c = await submitCase(t.http);
      const assigned = await t.http.get(`/api/v1/applications/${c.id}`).set(...auth(advisor.token)).expect(200);
      await t.http.post(`/api/v1/applications/${c.id}/assign`).set(...auth(advisor.token)).send({ assigneeId: advisor.id, expectedVersion: assigned.body.version }).expect(200);
      t.clock.set('2026-12-11T09:00:00Z'); // Friday: due Monday end = within 1 business day
      await reminders.scan();
      await reminders.scan();
      await sink.waitFor(() => sink.to(advisor.email).some((m) => /Échéance proche|due soon/i.test(m.subject)));
      t.clock.set('2026-12-15T09:00:00Z'); // Tuesday: breached
      await reminders.scan();
      await reminders.scan();
      const aboutThisCase = (m: { subject: string }): boolean => m.subject.includes(c.reference);
      await sink.waitFor(() => sink.to(manager.email).filter(aboutThisCase).length === 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(sink.to(advisor.email).filter((m) => /Échéance proche|due soon/i.test(m.subject) && m.subject.includes(c.reference))).toHaveLength(1);
      expect(sink.to(manager.email).filter(aboutThisCase)).toHaveLength(1);
      const timeline = await t.http.get(`/api/v1/applications/${c.id}/timeline`).set(...auth(advisor.token)).expect(200);
      const types = timeline.body.items.map((e: { type: string }) => e.type);
      expect(types.filter((x: string) => x === 'sla_at_risk')).toHaveLength(1);
      expect(types.filter((x: string) => x === 'sla_breached')).toHaveLength(1);
      const founderView = await t.http.get(`/api/v1/applications/${c.id}/timeline`).set(...auth(c.founder.token)).expect(200);
      expect(founderView.body.items.map((e: { type: string }) => e.type)).not.toContain('sla_breached');
    });
  });

  it('keeps the email log queryable by template and status', async () => {
    const res = await t.http.get('/api/v1/emails?template=application-received&status=sent&limit=2').set(...auth(adminToken)).expect(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    await t.http.get('/api/v1/emails?status=lost').set(...auth(adminToken)).expect(400);
    void emailRows;
  });
});
