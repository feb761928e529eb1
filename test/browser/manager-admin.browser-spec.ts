import type { Page } from 'playwright-core';
import { addCalendarDays, parisDate } from '../../src/domain/business-calendar';
import { auth, move, submitCase } from '../support/cases';
import { QueueService } from '../../src/queue/queue.service';
import { HHSF_PROFILE } from '../support/fixtures';
import { SmtpSink } from '../support/smtp-sink';
import { ADMIN, createStaff, login, registerFounder } from '../support/test-app';
import { axe, BrowserApp, horizontalOverflow, logIn, seriousOrCritical, startBrowserApp, uniqueEmail } from './support/browser-app';

jest.setTimeout(240_000);

const HHSF = 'human-health-startup-factory';
const STAFF_PASSWORD = 'staff-password-1234';

/**
 * The staff's cohorts and reports pages and the admin's pages, in Chromium: a programme
 * manager's journey, an admin's journey, who may go where, and axe-core on every page in both
 * languages with nothing to scroll sideways at 1280 px (nor on a 375 px phone).
 */
describe('staff and admin pages', () => {
  const sink = new SmtpSink();
  let b: BrowserApp;
  let adminToken: string;
  let manager: { token: string; id: string; email: string };
  let advisor: { token: string; id: string; email: string };
  let accepted: { id: string; reference: string };
  let today: string;
  let cohortId = '';
  let bigCohortId = '';

  beforeAll(async () => {
    await sink.start();
    b = await startBrowserApp({ env: { SMTP_URL: sink.url } });
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
    manager = await createStaff(b.t.http, adminToken, { role: 'programme_manager', programmes: [HHSF], fullName: 'Manon Gestion' });
    advisor = await createStaff(b.t.http, adminToken, { role: 'advisor', programmes: [HHSF], fullName: 'Alex Conseil' });
    const c = await submitCase(b.t.http, { ...HHSF_PROFILE, incorporationDate: addCalendarDays(parisDate(b.t.clock.now()), -200), startupName: 'Cardiopulse' });
    await move(b.t.http, adminToken, c.id, { to: 'in_review' });
    await move(b.t.http, adminToken, c.id, { to: 'accepted', programme: HHSF });
    accepted = c;
    today = parisDate(b.t.clock.now());
  });
  afterAll(async () => {
    await b.close();
    await sink.stop();
  });

  async function signedIn(email: string, password: string, lang: 'fr' | 'en' = 'fr'): Promise<Page> {
    const context = await b.context({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`/login?lang=${lang}`);
    await logIn(page, email, password);
    return page;
  }

  it('a programme manager opens a cohort, enrols the accepted case, adds a milestone, marks it done and reads the funnel', async () => {
    const page = await signedIn(manager.email, STAFF_PASSWORD);
    await page.goto('/staff/cohorts');
    await page.selectOption('form[data-create-cohort] select[name=programme]', HHSF);
    await page.fill('[name=name]', 'Printemps');
    await page.fill('[name=startsOn]', today);
    await page.fill('[name=endsOn]', addCalendarDays(today, 90));
    await page.fill('[name=capacity]', '2');
    await page.click('form[data-create-cohort] button[type=submit]');
    await page.waitForURL(/\/staff\/cohorts\/[0-9a-f-]{36}$/);
    cohortId = new URL(page.url()).pathname.split('/').pop() as string;
    expect(await page.locator('[data-seats-left]').innerText()).toBe('2');

    // the accepted case is offered, and enrolled
    const offered = await page.locator('select[name=applicationId] option').allInnerTexts();
    expect(offered.some((o) => o.includes(accepted.reference))).toBe(true);
    await page.selectOption('select[name=applicationId]', accepted.id);
    await page.click(`form[action="/staff/cohorts/${cohortId}/enrolments"] button[type=submit]`);
    await page.waitForLoadState('load');
    expect(await page.locator(`[data-enrolment="${accepted.id}"]`).count()).toBe(1);
    expect(await page.locator('[data-seats-left]').innerText()).toBe('1');
    expect(await page.locator('.banner').innerText()).toContain('Cardiopulse');

    // a milestone out of the cohort's dates is refused beside its field; then a good one
    await page.fill('form[action$="/milestones"] [name=title]', 'Pitch deck');
    await page.fill('form[action$="/milestones"] [name=dueOn]', addCalendarDays(today, 400));
    await page.click('form[action$="/milestones"] button[type=submit]');
    await page.waitForLoadState('load');
    expect(await page.locator('#dueOn-error').count()).toBe(1);
    expect(await page.locator('.error-summary a[href="#dueOn"]').count()).toBe(1);
    expect(await page.inputValue('form[action$="/milestones"] [name=title]')).toBe('Pitch deck');
    await page.fill('form[action$="/milestones"] [name=dueOn]', addCalendarDays(today, 30));
    await page.click('form[action$="/milestones"] button[type=submit]');
    await page.waitForLoadState('load');
    expect(await page.locator('[data-milestone]').count()).toBe(1);
    expect(await page.locator('[data-progress]').getAttribute('data-progress-status')).toBe('pending');

    // marked done, with a note
    const form = page.locator('form.progress-form').first();
    await form.locator('select[name=status]').selectOption('done');
    await form.locator('input[name=note]').fill('Deck reçu');
    await form.locator('button[type=submit]').click();
    await page.waitForLoadState('load');
    expect(await page.locator('[data-progress]').getAttribute('data-progress-status')).toBe('done');
    expect(await page.locator('[data-progress]').innerText()).toContain('Deck reçu');

    // the cohorts list shows the seats
    await page.goto('/staff/cohorts');
    expect(await page.locator(`[data-cohort="${cohortId}"] [data-seats-left]`).innerText()).toBe('1');

    // the funnel of today for the programme: one submitted, one taken into review, one accepted
    await page.goto(`/staff/reports?from=${today}&to=${today}&programme=${HHSF}`);
    const count = async (status: string): Promise<string | null> => page.locator(`[data-count="${status}"] [data-value]`).getAttribute('data-value');
    expect([await count('submitted'), await count('in_review'), await count('accepted'), await count('declined')]).toEqual(['1', '1', '1', '0']);
    expect(await page.locator('svg.chart[role=img] title').textContent()).toBeTruthy();
    expect(await page.locator('svg.chart desc').textContent()).toContain('1');
    expect(await page.locator('svg.chart rect').count()).toBe(7);
    expect(await page.locator('[data-first-response-met]').innerText()).toContain('100');
    // a bad period is shown beside its field, not as an error page
    await page.goto(`/staff/reports?from=${today}&to=2001-01-01`);
    expect(await page.locator('#to-error').count()).toBe(1);

    // the CSV download streams the API's export
    await page.goto('/staff/reports');
    const href = (await page.locator('[data-csv-link]').getAttribute('href')) as string;
    const csv = await page.request.get(href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text.startsWith('reference,startupName,status,programme,assignee,submittedAt,decidedAt')).toBe(true);
    expect(text).toContain(accepted.reference);

    // not an admin: the administration is forbidden
    for (const path of ['/admin/users', '/admin/programmes', '/admin/emails', '/admin/queues', '/admin/digests/preview']) {
      const res = await page.goto(path);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    }
    await page.context().close();
  });

  it('shows a large cohort twenty startups at a time and comes back to the same page after saving progress', async () => {
    // a later half-year: cohorts of one programme may not overlap
    const startsOn = addCalendarDays(today, 100);
    const created = await b.t.http.post(`/api/v1/programmes/${HHSF}/cohorts`).set(...auth(manager.token)).send({ name: 'Grande promotion', startsOn, endsOn: addCalendarDays(startsOn, 120), capacity: 60 }).expect(201);
    bigCohortId = created.body.id;
    await b.t.http.post(`/api/v1/cohorts/${bigCohortId}/milestones`).set(...auth(manager.token)).send({ title: 'Lancement', dueOn: addCalendarDays(startsOn, 30) }).expect(201);
    for (let batch = 0; batch < 21; batch += 7) {
      await Promise.all(
        Array.from({ length: 7 }, async (_, i) => {
          const c = await submitCase(b.t.http, { ...HHSF_PROFILE, incorporationDate: addCalendarDays(today, -200), startupName: `Startup ${batch + i}` });
          await move(b.t.http, adminToken, c.id, { to: 'in_review' });
          await move(b.t.http, adminToken, c.id, { to: 'accepted', programme: HHSF });
          await b.t.http.post(`/api/v1/cohorts/${bigCohortId}/enrolments`).set(...auth(manager.token)).send({ applicationId: c.id }).expect(201);
        }),
      );
    }

    const page = await signedIn(manager.email, STAFF_PASSWORD);
    await page.goto(`/staff/cohorts/${bigCohortId}`);
    expect(await page.locator('[data-enrolled]').innerText()).toBe('21');
    expect(await page.locator('[data-cohort-pager] .caption').innerText()).toBe('Startups 1 à 20 sur 21');
    expect(await page.locator('tr[data-enrolment]').count()).toBe(20);
    expect(await page.locator('section[data-startup]').count()).toBe(20);
    await page.click('[data-cohort-pager] a[rel=next]');
    await page.waitForURL(/\?page=2$/);
    expect(await page.locator('tr[data-enrolment]').count()).toBe(1);
    const last = page.locator('section[data-startup]');
    expect(await last.count()).toBe(1);

    // a startup's progress posted through another cohort's address is not found there
    const action = (await last.locator('form.progress-form').getAttribute('action')) as string;
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const elsewhere = await page.request.post(action.replace(bigCohortId, cohortId), { form: { _csrf: csrf, status: 'done' } });
    expect(elsewhere.status()).toBe(404);

    // the one startup of page 2 has its milestone done: the page it was saved from comes back
    await last.locator('select[name=status]').selectOption('done');
    await last.locator('form.progress-form button[type=submit]').click();
    await page.waitForURL(/\?page=2#progress$/);
    expect(await page.locator('section[data-startup] [data-progress-status]').getAttribute('data-progress-status')).toBe('done');
    expect(await page.locator('[data-cohort-pager] a[rel=prev]').getAttribute('href')).toBe(`/staff/cohorts/${bigCohortId}`);
    // a page past the end shows the last one; nonsense shows the first
    await page.goto(`/staff/cohorts/${bigCohortId}?page=9`);
    expect(await page.locator('tr[data-enrolment]').count()).toBe(1);
    await page.goto(`/staff/cohorts/${bigCohortId}?page=abc`);
    expect(await page.locator('tr[data-enrolment]').count()).toBe(20);
    await page.context().close();
  });

  it('an admin invites a staff member, previews a rule change before saving it, and finds the email in the log', async () => {
    const page = await signedIn(ADMIN.email, ADMIN.password);
    const invited = uniqueEmail('invitee');
    await page.goto('/admin/users');
    await page.fill('[name=fullName]', 'Inès Invitée');
    await page.fill('[name=email]', invited);
    await page.selectOption('select[name=role]', 'advisor');
    await page.check(`input[name=programmes][value="${HHSF}"]`);
    await page.click('form[action="/admin/users"] button[type=submit]');
    await page.waitForURL('**/admin/users');
    expect(await page.locator('.banner').innerText()).toContain(invited);
    expect(await page.locator(`[data-user="${invited}"] [data-invitation-pending]`).count()).toBe(1);
    await sink.waitFor(() => sink.to(invited).some((m) => m.text.includes('/invitation?token=')));

    // sent again: a new link
    await page.locator(`[data-user="${invited}"] form[action$="/invitation"] button`).click();
    await page.waitForURL('**/admin/users');
    await sink.waitFor(() => sink.to(invited).filter((m) => m.text.includes('/invitation?token=')).length === 2);
    // edited: capacity and languages
    await page.locator(`[data-user="${invited}"] th a`).click();
    await page.fill('[name=capacity]', '7');
    await page.check('input[name=languages][value=en]');
    await page.click('form[action^="/admin/users/"] button[type=submit]');
    await page.waitForURL('**/admin/users');
    const staffList = await b.t.http.get('/api/v1/users?role=advisor&limit=100').set(...auth(adminToken)).expect(200);
    const edited = (staffList.body.items as { email: string; capacity: number; languages: string[]; programmes: string[] }[]).find((u) => u.email === invited);
    expect(edited).toMatchObject({ capacity: 7, programmes: [HHSF] });
    expect(edited?.languages.sort()).toEqual(['en', 'fr']);

    // the same address again: a message beside the field
    await page.fill('[name=fullName]', 'Inès Encore');
    await page.fill('[name=email]', invited);
    await page.click('form[action="/admin/users"] button[type=submit]');
    await page.waitForLoadState('load');
    expect(await page.locator('#email-error').count()).toBe(1);

    // the last admin cannot be demoted: a message, nothing changed
    const me = await b.t.http.get('/api/v1/me').set(...auth(adminToken)).expect(200);
    await page.goto(`/admin/users/${me.body.id}`);
    await page.selectOption('select[name=role]', 'advisor');
    await page.click(`form[action="/admin/users/${me.body.id}"] button[type=submit]`);
    await page.waitForLoadState('load');
    expect(await page.locator('[data-problem]').count()).toBe(1);
    expect((await b.t.http.get('/api/v1/me').set(...auth(adminToken)).expect(200)).body.role).toBe('admin');

    // a programme's rule: the preview shows the change before anything is saved
    await page.goto(`/admin/programmes/${HHSF}`);
    const rules = JSON.parse(await page.inputValue('#rules')) as { preferences: { code: string; weight: number }[]; conditions: { when: Record<string, unknown> }[] };
    const preference = rules.preferences.find((p) => p.code === 'needs_incubation_or_office_space');
    if (!preference) throw new Error('no incubation preference in the rules');
    preference.weight += 40;
    await page.fill('#rules', JSON.stringify(rules, null, 2));
    await page.selectOption('select[name=stage]', 'prototype');
    await page.selectOption('select[name=trl]', '5');
    await page.check('input[name=domains][value=medtech]');
    await page.check('input[name=needs][value=incubation]');
    await page.check('input[name=incorporated][value=true]');
    await page.fill('[name=incorporationDate]', addCalendarDays(today, -300));
    await page.selectOption('select[name=academicAffiliation]', 'none');
    await page.check('input[name=lookingForCofounder][value=false]');
    await page.fill('[name=teamSize]', '3');
    await page.click('button[name=action][value=preview]');
    await page.waitForLoadState('load');
    const score = async (column: string): Promise<number> => Number(await page.locator(`[data-preview-${column}] [data-eligible="${HHSF}"]`).getAttribute('data-score'));
    const before = await score('before');
    expect(await score('after')).toBe(before + 40);
    // nothing saved: the API still answers the old rules, and the form keeps the edit
    const saved = await b.t.http.get(`/api/v1/programmes/${HHSF}`).expect(200);
    expect(saved.body.rulesVersion).toBe(1);
    expect(JSON.parse(await page.inputValue('#rules')).preferences[0].weight).toBe(preference.weight);

    // a broken rule is named in place
    const broken = JSON.parse(await page.inputValue('#rules'));
    broken.conditions[0].when = { field: 'trl', op: 'bogus', value: 3 };
    await page.fill('#rules', JSON.stringify(broken));
    await page.click('button[name=action][value=preview]');
    await page.waitForLoadState('load');
    expect(await page.locator('#rules-error').count()).toBe(1);
    expect(await page.locator('[data-rule-problems]').innerText()).toContain('conditions[0]');
    await page.fill('#rules', '{ not json');
    await page.click('button[name=action][value=save]');
    await page.waitForLoadState('load');
    expect(await page.locator('#rules-error').count()).toBe(1);
    expect((await b.t.http.get(`/api/v1/programmes/${HHSF}`).expect(200)).body.rulesVersion).toBe(1);

    // saved: a new version in the history
    await page.fill('#rules', JSON.stringify(rules, null, 2));
    await page.click('button[name=action][value=save]');
    await page.waitForURL(`**/admin/programmes/${HHSF}`);
    expect((await b.t.http.get(`/api/v1/programmes/${HHSF}`).expect(200)).body.rulesVersion).toBe(2);
    expect(await page.locator('[data-version]').count()).toBe(2);

    // the invitation in the email log
    await page.goto('/admin/emails');
    await page.fill('[name=recipient]', invited);
    await page.click('form[action="/admin/emails"] button[type=submit]');
    await page.waitForLoadState('load');
    // (two: the invitation and the one sent again)
    expect(await page.locator('[data-email]').count()).toBe(2);
    expect(new Set(await page.locator('[data-email]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-template'))))).toEqual(new Set(['invitation']));

    // the digest preview: the HTML in a sandboxed frame under its own CSP, the text as text
    await page.goto(`/admin/digests/preview?userId=${manager.id}`);
    expect(await page.locator('iframe.email-frame').getAttribute('sandbox')).toBe('');
    const frame = await page.request.get(`/admin/digests/preview/html?userId=${manager.id}`);
    expect(frame.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(frame.headers()['content-security-policy']).toContain('sandbox');

    // the queues: a job that fails (no handler for its name) is listed with its error, and retried
    const system = b.t.app.get(QueueService).queue('system');
    const job = await system.add('no.such.job' as never, {}, { attempts: 1 });
    const failedOnce = async (): Promise<boolean> => (await system.getJob(String(job.id)))?.isFailed() ?? false;
    for (let i = 0; i < 100 && !(await failedOnce()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await page.goto('/admin/queues');
    expect(await page.locator('[data-queue=emails] [data-state=completed]').count()).toBe(1);
    expect(Number(await page.locator('[data-queue=system] [data-state=failed]').innerText())).toBeGreaterThanOrEqual(1);
    const row = page.locator(`[data-failed-job="${job.id}"]`);
    expect(await row.innerText()).toContain('no handler for job no.such.job');
    await row.locator('button[type=submit]').click();
    await page.waitForURL('**/admin/queues');
    expect(await page.locator('.banner').innerText()).toContain(String(job.id));
    // the worker took it again (and it failed again, having still no handler)
    const startedTwice = async (): Promise<boolean> => ((await system.getJob(String(job.id)))?.attemptsStarted ?? 0) >= 2;
    for (let i = 0; i < 100 && !(await startedTwice()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await startedTwice()).toBe(true);
    // an unknown queue is a 404 page
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    expect((await page.request.post('/admin/queues/nope/jobs/1/retry', { form: { _csrf: csrf } })).status()).toBe(404);
    await page.context().close();
  });

  it('keeps founders and advisors where they may go', async () => {
    const founder = await registerFounder(b.t.http);
    const page = await signedIn(founder.email, 'founder-password-123');
    for (const path of ['/staff/cohorts', `/staff/cohorts/${cohortId}`, '/staff/reports', '/staff/reports/applications.csv', '/admin/users', '/admin/programmes', `/admin/programmes/${HHSF}`, '/admin/emails', '/admin/queues', '/admin/digests/preview']) {
      const res = await page.goto(path);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    }
    await page.context().close();

    const advisorPage = await signedIn(advisor.email, STAFF_PASSWORD);
    // advisors read cohorts and reports, change nothing, and download no CSV
    await advisorPage.goto(`/staff/cohorts/${cohortId}`);
    expect(await advisorPage.locator('form[method=post]').count()).toBe(1); // the header's sign-out only
    await advisorPage.goto('/staff/reports');
    expect(await advisorPage.locator('[data-csv-link]').count()).toBe(0);
    for (const path of ['/staff/reports/applications.csv', '/admin/users', '/admin/programmes', '/admin/emails', '/admin/queues', '/admin/digests/preview']) {
      const res = await advisorPage.goto(path);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    }
    // a change posted anyway is refused by the service (403), nothing changes
    const csrf = await advisorPage.locator('input[name=_csrf]').first().inputValue();
    const refused = await advisorPage.request.post(`/staff/cohorts/${cohortId}/milestones`, { form: { _csrf: csrf, title: 'Sneaky', dueOn: addCalendarDays(today, 10) } });
    expect(refused.status()).toBe(403);
    const cohort = await b.t.http.get(`/api/v1/cohorts/${cohortId}`).set(...auth(advisor.token)).expect(200);
    expect(cohort.body.milestones).toHaveLength(1);
    await advisorPage.context().close();

    // signed out: the sign-in page, then back
    const anonymous = await (await b.context()).newPage();
    await anonymous.goto('/staff/cohorts');
    expect(new URL(anonymous.url()).pathname).toBe('/login');
    await anonymous.context().close();
  });

  it.each(['fr', 'en'] as const)('passes axe on every page and scrolls nothing sideways (%s)', async (lang) => {
    async function check(page: Page, label: string): Promise<void> {
      expect({ label, lang: await page.getAttribute('html', 'lang') }).toEqual({ label, lang });
      expect({ label, serious: seriousOrCritical(await axe(page, `${lang} ${label}`)) }).toEqual({ label, serious: [] });
      expect({ label, h1: await page.locator('h1').count() }).toEqual({ label, h1: 1 });
      expect({ label, overflow1280: await horizontalOverflow(page) }).toEqual({ label, overflow1280: 0 });
      await page.setViewportSize({ width: 375, height: 800 });
      expect({ label, overflow375: await horizontalOverflow(page) }).toEqual({ label, overflow375: 0 });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    const managerPage = await signedIn(manager.email, STAFF_PASSWORD, lang);
    for (const path of ['/staff/cohorts', `/staff/cohorts/${cohortId}`, `/staff/cohorts/${bigCohortId}?page=2`, `/staff/reports?from=${today}&to=${today}`]) {
      await managerPage.goto(path);
      await check(managerPage, path);
    }
    await managerPage.goto(`/staff/reports?from=${today}&to=2001-01-01`);
    await check(managerPage, 'reports with errors');
    await managerPage.goto('/staff/cohorts');
    await managerPage.click('form[data-create-cohort] button[type=submit]');
    await check(managerPage, 'cohort form with errors');
    await managerPage.context().close();

    const advisorPage = await signedIn(advisor.email, STAFF_PASSWORD, lang);
    await advisorPage.goto(`/staff/cohorts/${cohortId}`);
    await check(advisorPage, 'cohort read-only');
    await advisorPage.context().close();

    const adminPage = await signedIn(ADMIN.email, ADMIN.password, lang);
    for (const path of ['/admin/users', `/admin/users/${manager.id}`, '/admin/programmes', `/admin/programmes/${HHSF}`, '/admin/emails', '/admin/digests/preview', `/admin/digests/preview?userId=${manager.id}`, '/admin/queues']) {
      await adminPage.goto(path);
      await check(adminPage, path);
    }
    await adminPage.goto(`/admin/programmes/${HHSF}`);
    await adminPage.click('button[name=action][value=preview]');
    await check(adminPage, 'programme with preview');
    await adminPage.fill('#rules', '{"conditions": [{"code": 1}]}');
    await adminPage.click('button[name=action][value=preview]');
    await check(adminPage, 'programme with rule errors');
    await adminPage.goto('/admin/users');
    await adminPage.click('form[action="/admin/users"] button[type=submit]');
    await check(adminPage, 'user form with errors');
    await adminPage.goto('/admin/emails?status=nonsense');
    await check(adminPage, 'email log with errors');
    await adminPage.context().close();
  });
});
