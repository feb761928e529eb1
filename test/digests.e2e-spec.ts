import { auth, move, submitCase, SubmittedCase } from './support/cases';
import { JobHandlerRegistry } from '../src/queue/job-handler.registry';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

describe('weekly digests', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;
  let advisor: { token: string; id: string; email: string };
  let idleAdvisor: { token: string; id: string; email: string };
  let inactiveAdvisor: { token: string; id: string; email: string };
  let manager: { token: string; id: string; email: string };
  let optedOutManager: { token: string; id: string; email: string };
  let idleManager: { token: string; id: string; email: string };
  const cases: SubmittedCase[] = [];

  const assign = async (c: SubmittedCase, to: string): Promise<void> => {
    const current = await t.http.get(`/api/v1/applications/${c.id}`).set(...auth(adminToken)).expect(200);
    await t.http.post(`/api/v1/applications/${c.id}/assign`).set(...auth(adminToken)).send({ assigneeId: to, expectedVersion: current.body.version }).expect(200);
  };

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ now: '2026-11-23T09:00:00Z', env: { SMTP_URL: sink.url } }); // Monday of W48, 10:00 Paris
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin', capacity: 10, programmes: ['poc-funding'], languages: ['fr', 'en'], locale: 'en' });
    idleAdvisor = await createStaff(t.http, adminToken, { role: 'advisor', capacity: 10 });
    inactiveAdvisor = await createStaff(t.http, adminToken, { role: 'advisor', capacity: 10 });
    manager = await createStaff(t.http, adminToken, { role: 'programme_manager', fullName: 'Marc Petit', programmes: ['poc-funding'], locale: 'en' });
    optedOutManager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'] });
    await t.http.patch('/api/v1/me/preferences').set(...auth(optedOutManager.token)).send({ weeklyDigest: false }).expect(200);
    // a manager whose programme had a quiet week (an open cohort, nothing else): nothing to say, no digest
    idleManager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'] });
    await t.http.post('/api/v1/programmes/startup-studio/cohorts').set(...auth(adminToken)).send({ name: 'Spring 2027', startsOn: '2027-03-01', endsOn: '2027-06-30', capacity: 8 }).expect(201);

    // W48: three cases for the advisor
    for (const name of ['Waiting Co', 'Accepted Co', 'Late Co']) {
      const c = await submitCase(t.http, { startupName: name });
      await assign(c, advisor.id);
      cases.push(c);
    }
    // an inactive advisor's case (assigned, then the account is deactivated)
    const other = await submitCase(t.http, { startupName: 'Orphan Co' });
    await assign(other, inactiveAdvisor.id);
    await t.http.patch(`/api/v1/users/${inactiveAdvisor.id}`).set(...auth(adminToken)).send({ active: false }).expect(200);

    t.clock.set('2026-11-24T09:00:00Z'); // Tuesday: 24 h after submission
    await move(t.http, advisor.token, cases[0].id, { to: 'info_requested', message: 'Your protocol please' });
    await move(t.http, advisor.token, cases[1].id, { to: 'in_review' });
    t.clock.set('2026-11-25T09:00:00Z'); // Wednesday: 2 business days after submission
    await move(t.http, advisor.token, cases[1].id, { to: 'accepted', programme: 'poc-funding' });

    t.clock.set('2026-11-30T07:00:00Z'); // Monday of W49, 08:00 Paris
    // the workflow emails of the week, out of the way
    for (let i = 0; i < 300; i++) {
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued'`);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    sink.received.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('computes exact figures for an advisor and a manager', async () => {
    const preview = await t.http.get(`/api/v1/digests/preview?userId=${advisor.id}`).set(...auth(adminToken)).expect(200);
    expect(preview.body.subject).toEqual(expect.any(String));
    const text: string = preview.body.text;
    expect(text).toContain('Late Co'); // first response due tonight: at risk
    expect(text).toContain('Waiting Co'); // waiting on the founder
    expect(preview.body.html).toContain('https://guichet.test/api/v1/unsubscribe?token');
    const run = await t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({}).expect(202);
    expect(run.body).toEqual({ week: '2026-W49', queued: 2 });

    const snapshots = await t.db.query('SELECT user_id, kind, content FROM digests ORDER BY kind');
    expect(snapshots.rows.map((r: { user_id: string }) => r.user_id).sort()).toEqual([advisor.id, manager.id].sort());
    const a = snapshots.rows.find((r: { kind: string }) => r.kind === 'advisor').content;
    expect(a.openByStatus).toEqual({ submitted: 1, in_review: 0, info_requested: 1 });
    expect(a.openTotal).toBe(2);
    expect(a.atRisk.map((x: { reference: string; serviceLevel: string }) => [x.reference, x.serviceLevel])).toEqual([[cases[2].reference, 'first_response']]);
    expect(a.breached).toEqual([]);
    expect(a.newThisWeek.map((x: { reference: string }) => x.reference).sort()).toEqual(cases.map((c) => c.reference).sort());
    expect(a.waitingOnFounders.map((x: { reference: string; businessDaysWaiting: number }) => [x.reference, x.businessDaysWaiting])).toEqual([[cases[0].reference, 4]]);
    expect(a.closedLastWeek).toBe(1);

    const m = snapshots.rows.find((r: { kind: string }) => r.kind === 'manager').content;
    expect(m.programmes).toHaveLength(1);
    expect(m.programmes[0]).toMatchObject({
      slug: 'poc-funding',
      name: 'Proof-of-concept funding',
      funnel: { submitted: 4, accepted: 1, referred: 0, declined: 0, withdrawn: 0 },
      medianHoursToFirstResponse: 24,
      medianBusinessDaysToDecision: 2,
      breaches: 0,
    });
  });

  it('sends one email to each, with one-click unsubscribe headers, and nothing to the idle, inactive or opted-out', async () => {
    await sink.waitFor(() => sink.received.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received.map((m) => m.to).sort()).toEqual([advisor.email, manager.email].sort());
    const mail = sink.to(advisor.email)[0];
    const listUnsubscribe = mail.header('list-unsubscribe') ?? '';
    expect(listUnsubscribe).toMatch(/^<https:\/\/guichet\.test\/api\/v1\/unsubscribe\?token=[\w.-]+>$/);
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain('Late Co');
    expect(sink.to(manager.email)[0].text).toContain('Proof-of-concept funding');
    for (const nobody of [idleAdvisor, inactiveAdvisor, optedOutManager, idleManager]) expect(sink.to(nobody.email)).toHaveLength(0);
  });

  it('never sends a week twice: a second run, concurrent runs, and the scheduled job', async () => {
    const again = await t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({ week: '2026-W49' }).expect(202);
    expect(again.body).toEqual({ week: '2026-W49', queued: 0 });
    const parallel = await Promise.all([1, 2, 3].map(() => t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({}).expect(202)));
    expect(parallel.map((r) => r.body.queued)).toEqual([0, 0, 0]);
    // the scheduled job, run and retried (as BullMQ may): nothing new for this week
    const job = t.app.get(JobHandlerRegistry).get('digests.run');
    await Promise.all([job?.({} as never, {} as never), job?.({} as never, {} as never)]);
    const w49 = await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE dedupe_key LIKE 'digest:%:2026-W49'`);
    expect(w49.rows[0].n).toBe(2);
    // a past week is allowed, once
    const past = await Promise.all([1, 2].map(() => t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({ week: '2026-W48' }).expect(202)));
    expect(past.map((r) => r.body.queued).sort()).toEqual([0, expect.any(Number)].sort());
    await new Promise((r) => setTimeout(r, 1000));
    const perUserWeek = await t.db.query(`SELECT dedupe_key, count(*)::int AS n FROM emails WHERE dedupe_key LIKE 'digest:%' GROUP BY 1 HAVING count(*) > 1`);
    expect(perUserWeek.rows).toEqual([]);
    const sent = sink.to(advisor.email).length;
    expect(sent).toBeLessThanOrEqual(2); // W49 once, W48 at most once
    await t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({ week: '2026-W54' }).expect(400);
    await t.http.post('/api/v1/digests/run').set(...auth(advisor.token)).send({}).expect(403);
  });

  it('unsubscribes in one click without a session; a GET only shows the page; a tampered token changes nothing', async () => {
    const mail = sink.to(advisor.email)[0];
    const link = /<https:\/\/guichet\.test(\/api\/v1\/unsubscribe\?token=[\w.-]+)>/.exec(mail.header('list-unsubscribe') ?? '')?.[1] as string;
    const token = decodeURIComponent(link.split('token=')[1]);

    const page = await t.http.get(link).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<form method="post"');
    expect((await t.db.query('SELECT weekly_digest FROM users WHERE id = $1', [advisor.id])).rows[0].weekly_digest).toBe(true);

    const tampered = `${token.slice(0, -3)}abc`;
    await t.http.post(`/api/v1/unsubscribe?token=${encodeURIComponent(tampered)}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    await t.http.get(`/api/v1/unsubscribe?token=${encodeURIComponent(tampered)}`).expect(400);
    await t.http.post('/api/v1/unsubscribe').type('form').send('List-Unsubscribe=One-Click').expect(400);
    expect((await t.db.query('SELECT weekly_digest FROM users WHERE id = $1', [advisor.id])).rows[0].weekly_digest).toBe(true);

    await t.http.post(link).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect((await t.db.query('SELECT weekly_digest FROM users WHERE id = $1', [advisor.id])).rows[0].weekly_digest).toBe(false);
    const me = await t.http.get('/api/v1/me').set(...auth(advisor.token)).expect(200);
    expect(me.body.preferences.weeklyDigest).toBe(false);

    // next week: nothing for them
    t.clock.set('2026-12-07T07:00:00Z');
    const next = await t.http.post('/api/v1/digests/run').set(...auth(adminToken)).send({}).expect(202);
    expect(next.body.week).toBe('2026-W50');
    const rows = await t.db.query(`SELECT user_id FROM digests WHERE week = '2026-W50'`);
    expect(rows.rows.map((r: { user_id: string }) => r.user_id)).not.toContain(advisor.id);
  });
});
