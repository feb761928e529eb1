import { RemindersService } from '../src/notifications/reminders.service';
import { auth, move, submitCase, SubmittedCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

describe('cohorts, enrolments and milestones', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;
  let manager: { token: string; id: string; email: string };
  let otherManager: { token: string; id: string; email: string };
  let advisor: { token: string; id: string; email: string };

  const accepted = async (programme = 'poc-funding'): Promise<SubmittedCase> => {
    const c = await submitCase(t.http);
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'accepted', programme });
    return c;
  };

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ now: '2027-01-11T09:00:00Z', env: { SMTP_URL: sink.url } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
    manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'], fullName: 'Marc Petit' });
    otherManager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'] });
    advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('lets a manager open a cohort for their programme only; checks dates; advisors read but do not change', async () => {
    const cohort = await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Hiver 2027', startsOn: '2027-02-01', endsOn: '2027-04-30', capacity: 5 }).expect(201);
    expect(cohort.body).toMatchObject({ programme: 'poc-funding', name: 'Hiver 2027', capacity: 5, enrolled: 0, seatsLeft: 5, enrolments: [] });

    await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(otherManager.token)).send({ name: 'Not mine', startsOn: '2027-06-01', endsOn: '2027-07-01', capacity: 5 }).expect(403);
    await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(advisor.token)).send({ name: 'No', startsOn: '2027-06-01', endsOn: '2027-07-01', capacity: 5 }).expect(403);
    const overlap = await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Overlap', startsOn: '2027-04-15', endsOn: '2027-06-01', capacity: 5 }).expect(400);
    expect(overlap.body.errors.map((e: { field: string }) => e.field)).toEqual(['startsOn', 'endsOn']);
    const backwards = await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Backwards', startsOn: '2027-09-01', endsOn: '2027-08-01', capacity: 5 }).expect(400);
    expect(backwards.body.errors[0].field).toBe('endsOn');
    await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Bad', startsOn: '2027-02-30', endsOn: '2027-03-01', capacity: 5 }).expect(400);
    await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Zero', startsOn: '2027-09-01', endsOn: '2027-10-01', capacity: 0 }).expect(400);
    await t.http.post('/api/v1/programmes/nope/cohorts').set(...auth(adminToken)).send({ name: 'Nowhere', startsOn: '2027-09-01', endsOn: '2027-10-01', capacity: 1 }).expect(404);
    await t.http.post('/api/v1/programmes/external-incubator/cohorts').set(...auth(adminToken)).send({ name: 'Outside', startsOn: '2027-09-01', endsOn: '2027-10-01', capacity: 1 }).expect(422);

    const list = await t.http.get('/api/v1/cohorts?programme=poc-funding').set(...auth(advisor.token)).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([cohort.body.id]);
    await t.http.get(`/api/v1/cohorts/${cohort.body.id}`).set(...auth(advisor.token)).expect(200);
    const founderCase = await submitCase(t.http);
    await t.http.get(`/api/v1/cohorts/${cohort.body.id}`).set(...auth(founderCase.founder.token)).expect(403);
    await t.http.post(`/api/v1/cohorts/${cohort.body.id}/milestones`).set(...auth(advisor.token)).send({ title: 'Deck', dueOn: '2027-02-15' }).expect(403);
    await t.http.post(`/api/v1/cohorts/${cohort.body.id}/milestones`).set(...auth(otherManager.token)).send({ title: 'Deck', dueOn: '2027-02-15' }).expect(403);
  });

  it('enrols only applications accepted into that programme, once, and emails the founder', async () => {
    const cohort = (await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Printemps 2027', startsOn: '2027-05-01', endsOn: '2027-06-30', capacity: 3 }).expect(201)).body;
    const ok = await accepted();
    const studio = await accepted('startup-studio');
    const open = await submitCase(t.http);

    const enrolment = await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: ok.id }).expect(201);
    expect(enrolment.body).toMatchObject({ applicationId: ok.id, reference: ok.reference });
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: ok.id }).expect(409);
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: studio.id }).expect(422);
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: open.id }).expect(422);
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(otherManager.token)).send({ applicationId: ok.id }).expect(403);

    await sink.waitFor(() => sink.to(ok.founder.email).some((m) => m.text.includes('Printemps 2027')));
    const timeline = await t.http.get(`/api/v1/applications/${ok.id}/timeline`).set(...auth(ok.founder.token)).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('enrolled');

    // removing frees the seat, and the application can be enrolled again
    const after = await t.http.delete(`/api/v1/cohorts/${cohort.id}/enrolments/${enrolment.body.id}`).set(...auth(manager.token)).expect(200);
    expect(after.body).toMatchObject({ enrolled: 0, seatsLeft: 3 });
    await t.http.delete(`/api/v1/cohorts/${cohort.id}/enrolments/${enrolment.body.id}`).set(...auth(manager.token)).expect(404);
    await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: ok.id }).expect(201);
  });

  it('never overbooks: 20 parallel enrolments into 5 seats → exactly 5', async () => {
    const cohort = (await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(adminToken)).send({ name: 'Été 2027', startsOn: '2027-07-01', endsOn: '2027-08-31', capacity: 5 }).expect(201)).body;
    const cases: SubmittedCase[] = [];
    for (let i = 0; i < 20; i++) cases.push(await accepted());
    const results = await Promise.all(cases.map((c) => t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: c.id })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    const view = await t.http.get(`/api/v1/cohorts/${cohort.id}`).set(...auth(advisor.token)).expect(200);
    expect(view.body).toMatchObject({ capacity: 5, enrolled: 5, seatsLeft: 0 });
    expect(view.body.enrolments).toHaveLength(5);
  });

  it('tracks milestones per startup, shows overdue ones, and reminds founder and managers once, 3 days before', async () => {
    const cohort = (await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Automne 2027', startsOn: '2027-09-01', endsOn: '2027-10-31', capacity: 4 }).expect(201)).body;
    const a = await accepted();
    const b = await accepted();
    const ea = (await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: a.id }).expect(201)).body;
    const eb = (await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: b.id }).expect(201)).body;
    const deck = (await t.http.post(`/api/v1/cohorts/${cohort.id}/milestones`).set(...auth(manager.token)).send({ title: 'Pitch deck', dueOn: '2027-09-15' }).expect(201)).body;
    const proto = (await t.http.post(`/api/v1/cohorts/${cohort.id}/milestones`).set(...auth(manager.token)).send({ title: 'Prototype', dueOn: '2027-10-15' }).expect(201)).body;
    await t.http.post(`/api/v1/cohorts/${cohort.id}/milestones`).set(...auth(manager.token)).send({ title: 'Bad', dueOn: 'soon' }).expect(400);

    const done = await t.http.patch(`/api/v1/enrolments/${ea.id}/milestones/${deck.id}`).set(...auth(manager.token)).send({ status: 'done', note: 'Great deck' }).expect(200);
    expect(done.body).toMatchObject({ status: 'done', note: 'Great deck' });
    await t.http.patch(`/api/v1/enrolments/${ea.id}/milestones/${deck.id}`).set(...auth(advisor.token)).send({ status: 'missed' }).expect(403);
    await t.http.patch(`/api/v1/enrolments/${ea.id}/milestones/${deck.id}`).set(...auth(manager.token)).send({ status: 'late' }).expect(400);
    await t.http.patch(`/api/v1/enrolments/${ea.id}/milestones/00000000-0000-4000-8000-000000000000`).set(...auth(manager.token)).send({ status: 'done' }).expect(404);

    // three days before the deck milestone: b is still pending → b's founder and the manager; a is done → nobody
    // the enrolment emails of this test leave first, then the slate is cleared
    for (let i = 0; i < 300; i++) {
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued'`);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    sink.received.length = 0;
    const reminders = t.app.get(RemindersService);
    t.clock.set('2027-09-12T08:00:00Z');
    await reminders.scan();
    await reminders.scan();
    await sink.waitFor(() => sink.to(b.founder.email).length === 1 && sink.to(manager.email).filter((m) => m.text.includes('Pitch deck')).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.to(b.founder.email)).toHaveLength(1);
    expect(sink.to(b.founder.email)[0].text).toContain('Pitch deck');
    expect(sink.to(a.founder.email)).toHaveLength(0);
    expect(sink.to(manager.email).filter((m) => m.text.includes('Pitch deck'))).toHaveLength(1);

    // after the due day: the dashboard shows b's deck as overdue
    t.clock.set('2027-09-20T08:00:00Z');
    const dashboard = await t.http.get(`/api/v1/cohorts/${cohort.id}/dashboard`).set(...auth(advisor.token)).expect(200);
    expect(dashboard.body.seats).toEqual({ capacity: 4, enrolled: 2, seatsLeft: 2 });
    const byRef = Object.fromEntries(dashboard.body.startups.map((s: { reference: string; progress: unknown }) => [s.reference, s.progress]));
    expect(byRef[a.reference]).toEqual({ done: 1, missed: 0, pending: 1, total: 2 });
    expect(byRef[b.reference]).toEqual({ done: 0, missed: 0, pending: 2, total: 2 });
    expect(dashboard.body.overdueMilestones).toEqual([{ enrolmentId: eb.id, reference: b.reference, startupName: expect.any(String), milestoneId: deck.id, title: 'Pitch deck', dueOn: '2027-09-15' }]);
    void proto;
  });

  it('keeps milestones within the cohort’s dates, lets managers edit and delete them, and shows founders their own', async () => {
    const cohort = (await t.http.post('/api/v1/programmes/poc-funding/cohorts').set(...auth(manager.token)).send({ name: 'Hiver 2028', startsOn: '2028-01-10', endsOn: '2028-03-31', capacity: 4 }).expect(201)).body;
    const base = `/api/v1/cohorts/${cohort.id}/milestones`;
    // outside the cohort's dates: 400 naming dueOn, nothing written
    for (const dueOn of ['2028-01-09', '2028-04-01', '2027-12-31']) {
      const res = await t.http.post(base).set(...auth(manager.token)).send({ title: 'Too early or late', dueOn }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'dueOn', messages: [expect.stringContaining('within the cohort')] }]);
    }
    const first = (await t.http.post(base).set(...auth(manager.token)).send({ title: 'Kick-off', dueOn: '2028-01-10' }).expect(201)).body;
    const last = (await t.http.post(base).set(...auth(manager.token)).send({ title: 'Demo day', dueOn: '2028-03-31' }).expect(201)).body;

    // edit: rename, move (within the dates), and the same checks
    const moved = await t.http.patch(`${base}/${last.id}`).set(...auth(manager.token)).send({ title: 'Demo day (final)', dueOn: '2028-03-24' }).expect(200);
    expect(moved.body).toEqual({ id: last.id, title: 'Demo day (final)', dueOn: '2028-03-24' });
    expect((await t.http.patch(`${base}/${last.id}`).set(...auth(manager.token)).send({ dueOn: '2028-04-02' }).expect(400)).body.errors[0].field).toBe('dueOn');
    await t.http.patch(`${base}/${last.id}`).set(...auth(manager.token)).send({ title: 'x' }).expect(400);
    await t.http.patch(`${base}/${last.id}`).set(...auth(manager.token)).send({ status: 'done' }).expect(400);
    await t.http.patch(`${base}/${last.id}`).set(...auth(otherManager.token)).send({ title: 'Not mine' }).expect(403);
    await t.http.patch(`${base}/${last.id}`).set(...auth(advisor.token)).send({ title: 'Not mine' }).expect(403);
    await t.http.patch(`${base}/00000000-0000-4000-8000-000000000000`).set(...auth(manager.token)).send({ title: 'Nowhere' }).expect(404);

    // a founder enrolled sees their enrolment and its milestones, with their own status
    const c = await accepted();
    const enrolment = (await t.http.post(`/api/v1/cohorts/${cohort.id}/enrolments`).set(...auth(manager.token)).send({ applicationId: c.id }).expect(201)).body;
    await t.http.patch(`/api/v1/enrolments/${enrolment.id}/milestones/${first.id}`).set(...auth(manager.token)).send({ status: 'done', note: 'Good start' }).expect(200);
    const mine = await t.http.get('/api/v1/me/enrolments').set(...auth(c.founder.token)).expect(200);
    expect(mine.body).toEqual({
      items: [
        {
          id: enrolment.id,
          applicationId: c.id,
          reference: c.reference,
          startupName: expect.any(String),
          enrolledAt: expect.any(String),
          cohort: { id: cohort.id, name: 'Hiver 2028', programme: 'poc-funding', startsOn: '2028-01-10', endsOn: '2028-03-31' },
          milestones: [
            { id: first.id, title: 'Kick-off', dueOn: '2028-01-10', status: 'done', note: 'Good start' },
            { id: last.id, title: 'Demo day (final)', dueOn: '2028-03-24', status: 'pending', note: null },
          ],
        },
      ],
      nextCursor: null,
    });
    // another founder sees none of it; staff have no enrolments of their own
    const stranger = await submitCase(t.http);
    expect((await t.http.get('/api/v1/me/enrolments').set(...auth(stranger.founder.token)).expect(200)).body).toEqual({ items: [], nextCursor: null });
    await t.http.get('/api/v1/me/enrolments').set(...auth(manager.token)).expect(403);

    // delete: progress goes with it; the founder's view follows
    await t.http.delete(`${base}/${first.id}`).set(...auth(otherManager.token)).expect(403);
    const after = await t.http.delete(`${base}/${first.id}`).set(...auth(manager.token)).expect(200);
    expect(after.body.milestones.map((m: { id: string }) => m.id)).toEqual([last.id]);
    await t.http.delete(`${base}/${first.id}`).set(...auth(manager.token)).expect(404);
    const mineAfter = await t.http.get('/api/v1/me/enrolments').set(...auth(c.founder.token)).expect(200);
    expect(mineAfter.body.items[0].milestones.map((m: { id: string }) => m.id)).toEqual([last.id]);
  });
});
