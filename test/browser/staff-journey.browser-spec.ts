import type { Page } from 'playwright-core';
import { auth, submitCase } from '../support/cases';
import { ADMIN, createStaff, login } from '../support/test-app';
import { BrowserApp, horizontalOverflow, logIn, startBrowserApp, statusShown, textOf } from './support/browser-app';

jest.setTimeout(180_000);

const STAFF_PASSWORD = 'staff-password-1234';
const ALL_PROGRAMMES = ['poc-funding', 'pre-entrepreneurial-track', 'human-health-startup-factory', 'startup-studio', 'external-incubator', 'competitiveness-cluster'];

/**
 * An advisor's day in Chromium, on the pages only: filter the inbox, save the filter as a view and
 * find it in the navigation, open a case, let the system assign it (and read why), ask the founder
 * for information, read the answer, accept the case; a page read before someone else's change
 * shows the conflict instead of overwriting; and who may not go where.
 */
describe('staff in the browser', () => {
  let b: BrowserApp;
  let adminToken: string;

  beforeAll(async () => {
    b = await startBrowserApp();
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await b.close();
  });

  async function signedIn(email: string, password = STAFF_PASSWORD): Promise<Page> {
    const context = await b.context({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page, email, password);
    return page;
  }

  it('an advisor filters, saves a view, auto-assigns, asks for information, reads the answer and accepts', async () => {
    const advisor = await createStaff(b.t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin', capacity: 10, languages: ['fr', 'en'], programmes: ALL_PROGRAMMES });
    const wanted = await submitCase(b.t.http, { startupName: 'Cardiosense Journey' }, { fullName: 'Camille Martin' });
    await submitCase(b.t.http, { startupName: 'Dermalys Other' });
    const page = await signedIn(advisor.email);

    // the inbox: every submitted case, then filtered by the form (a GET: the filter is the address)
    await page.goto('/staff/inbox');
    expect(await page.locator('table.table--inbox tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.check('input[name=status][value=submitted]');
    await page.fill('[name=q]', 'Cardiosense Journey');
    await page.selectOption('[name=assignee]', 'unassigned');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/\/staff\/inbox\?/);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('status')).toEqual(['submitted']);
    expect(url.searchParams.get('assignee')).toBe('unassigned');
    const rows = page.locator('table.table--inbox tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-case')).toBe(wanted.reference);
    expect(await rows.first().locator('[data-status]').getAttribute('data-status')).toBe('submitted');
    expect(await rows.first().locator('[data-sla]').getAttribute('data-sla')).toBe('on_track');
    // an advisor is offered no CSV download (managers and admins are)
    expect(await page.locator('[data-inbox-csv]').count()).toBe(0);

    // saving the filter: it shows in the navigation, marked as the current page, and opens the same filter
    await page.fill('[name=name]', 'Mes nouveaux dossiers');
    await page.click('form[action="/staff/views"] button[type=submit]');
    await page.waitForLoadState('load');
    expect(await textOf(page, '.banner')).toContain('La vue « Mes nouveaux dossiers » est enregistrée.');
    const navLink = page.locator('[data-saved-views] a', { hasText: 'Mes nouveaux dossiers' });
    expect(await navLink.getAttribute('aria-current')).toBe('page');
    // the same name again is refused beside the field, in the page's language
    await page.fill('[name=name]', 'mes nouveaux DOSSIERS');
    await page.click('form[action="/staff/views"] button[type=submit]');
    await page.waitForLoadState('load');
    expect(await textOf(page, '#view-name-error')).toContain('Vous avez déjà une vue nommée');
    await page.goto('/staff/inbox');
    await page.locator('[data-saved-views] a', { hasText: 'Mes nouveaux dossiers' }).click();
    await page.waitForURL(/\/staff\/inbox\?/);
    expect(await page.locator('table.table--inbox tbody tr').count()).toBe(1);

    // the case page: fields, the founder, the clocks
    await page.click(`a[href="/staff/cases/${wanted.id}"]`);
    await page.waitForURL(`**/staff/cases/${wanted.id}`);
    expect(await statusShown(page)).toBe('submitted');
    expect(await textOf(page, '[data-founder-name]')).toBe('Camille Martin');
    expect(await textOf(page, '[data-founder-email]')).toBe(wanted.founder.email);
    expect(await page.locator('[data-clock=firstResponse] [data-sla=on_track]').count()).toBe(1);
    expect(await horizontalOverflow(page)).toBe(0);
    // from submitted, an advisor may take into review or ask for information, nothing else
    expect(await page.locator('[data-move]').evaluateAll((forms) => forms.map((f) => f.getAttribute('data-move')))).toEqual(['in_review', 'info_requested']);

    // automatic assignment, with the explanation of every candidate
    await page.click(`form[action="/staff/cases/${wanted.id}/auto-assign"] button[type=submit]`);
    await page.waitForLoadState('load');
    expect(await textOf(page, '[data-explanation]')).toContain('Claire Martin');
    expect(await textOf(page, '[data-assignee]')).toBe('Claire Martin');

    // asking for information: the message is required, shown beside its field when missing
    await page.click('#move-info_requested button[type=submit]');
    await page.waitForLoadState('load');
    expect(await textOf(page, '#message-info_requested-error')).toContain('Écrivez le message au porteur');
    expect(await statusShown(page)).toBe('submitted');
    await page.fill('#message-info_requested', 'Quel laboratoire Inserm exactement ?');
    await page.click('#move-info_requested button[type=submit]');
    await page.waitForURL(`**/staff/cases/${wanted.id}`);
    expect(await textOf(page, '.banner')).toContain("La demande d'informations est envoyée.");
    expect(await statusShown(page)).toBe('info_requested');

    // the founder answers (through the API): the case comes back to review
    await b.t.http.post(`/api/v1/applications/${wanted.id}/messages`).set(...auth(wanted.founder.token)).send({ body: 'Le laboratoire U970 du PARCC.' }).expect(201);
    await page.reload();
    expect(await textOf(page, '#thread')).toContain('Le laboratoire U970 du PARCC.');
    expect(await statusShown(page)).toBe('in_review');

    // an internal note, kept apart from the thread
    await page.fill('#note-body', 'Équipe solide, à présenter au comité.');
    await page.click(`form[action="/staff/cases/${wanted.id}/notes"] button[type=submit]`);
    await page.waitForURL(`**/staff/cases/${wanted.id}#notes`);
    expect(await textOf(page, '#notes')).toContain('Équipe solide, à présenter au comité.');

    // the decision: only internal programmes are offered to accept into
    const offered = await page.locator('#programme-accepted option').evaluateAll((options) => options.map((o) => o.getAttribute('value')).filter(Boolean));
    expect(offered.sort()).toEqual(['human-health-startup-factory', 'poc-funding', 'pre-entrepreneurial-track', 'startup-studio']);
    await page.selectOption('#programme-accepted', 'poc-funding');
    await page.fill('#reason-accepted', 'Preuve de concept convaincante.');
    await page.click('#move-accepted button[type=submit]');
    await page.waitForURL(`**/staff/cases/${wanted.id}`);
    expect(await statusShown(page)).toBe('accepted');
    expect(await textOf(page, '#timeline')).toContain('Accepté dans « ');
    // an advisor cannot reopen: no move is offered any more
    expect(await page.locator('[data-move]').count()).toBe(0);
    await page.context().close();
  });

  it('a colleague is named by email: to give a case, to filter the inbox, and an unknown email is refused in place', async () => {
    const advisor = await createStaff(b.t.http, adminToken, { role: 'advisor', fullName: 'Paul Donneur' });
    const colleague = await createStaff(b.t.http, adminToken, { role: 'advisor', fullName: 'Inès Receveuse' });
    const c = await submitCase(b.t.http, { startupName: 'Given By Email' });
    const page = await signedIn(advisor.email);
    await page.goto(`/staff/cases/${c.id}`);
    // no page lists the staff: the case names a colleague by email
    expect(await page.locator('#assignment select').count()).toBe(0);

    // an unknown email: refused beside the field, kept in it, nothing changed
    await page.fill('#assigneeEmail', 'nobody-here@campus.test');
    await page.click('#assignment button[value=give]');
    await page.waitForLoadState('load');
    expect(await textOf(page, '#assigneeEmail-error')).toContain("Aucun compte actif de l'équipe n'a cet e-mail.");
    expect(await page.inputValue('#assigneeEmail')).toBe('nobody-here@campus.test');
    expect(await page.getAttribute('#assigneeEmail', 'aria-invalid')).toBe('true');
    expect(await textOf(page, '[data-assignee]')).toBe("Personne pour l'instant");

    // the colleague's email, whatever its case: given
    await page.fill('#assigneeEmail', colleague.email.toUpperCase());
    await page.click('#assignment button[value=give]');
    await page.waitForURL(`**/staff/cases/${c.id}#assignment`);
    expect(await textOf(page, '.banner')).toContain('Le dossier est attribué à Inès Receveuse.');
    expect(await textOf(page, '[data-assignee]')).toBe('Inès Receveuse');

    // the inbox filtered by the colleague's email: the address keeps the account's id, the list names them
    await page.goto('/staff/inbox');
    await page.fill('[name=assigneeEmail]', colleague.email);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/\/staff\/inbox\?/);
    expect(await page.locator('table.table--inbox tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).toEqual([c.reference]);
    // the list now names the colleague (the email field is emptied): the filter reads as one choice
    expect(await page.locator('#filter-assignee option:checked').textContent()).toBe('Inès Receveuse');
    expect(await page.inputValue('#filter-assigneeEmail')).toBe('');
    // what a saved view or the next page keeps is the account's id
    expect(await page.inputValue('form[action="/staff/views"] input[name=query]')).toContain(`assignee=${colleague.id}`);
    await page.goto(`/staff/inbox?assignee=${colleague.id}`);
    expect(await page.locator('table.table--inbox tbody tr').count()).toBe(1);
    expect(await page.locator('#filter-assignee option:checked').textContent()).toBe('Inès Receveuse');
    // an unknown email: named beside its field, the other filters still apply
    await page.goto('/staff/inbox?assigneeEmail=ghost%40campus.test&q=Given%20By%20Email');
    expect(await textOf(page, '#filter-assigneeEmail-error')).toContain("Aucun compte de l'équipe n'a cet e-mail.");
    expect(await page.locator('table.table--inbox tbody tr').count()).toBe(1);

    // and the assignment removed
    await page.goto(`/staff/cases/${c.id}`);
    await page.click('#assignment button[value=unassign]');
    await page.waitForURL(`**/staff/cases/${c.id}#assignment`);
    expect(await textOf(page, '[data-assignee]')).toBe("Personne pour l'instant");
    const { rows } = await b.t.db.query('SELECT assignee_id FROM applications WHERE id = $1', [c.id]);
    expect(rows[0].assignee_id).toBeNull();
    await page.context().close();
  });

  it('a page read before someone else changed the case shows the conflict and the current state, and overwrites nothing', async () => {
    const advisor = await createStaff(b.t.http, adminToken, { role: 'advisor' });
    const c = await submitCase(b.t.http, { startupName: 'Stale Page' });
    const mine = await signedIn(advisor.email);
    await mine.goto(`/staff/cases/${c.id}`);
    expect(await textOf(mine, '[data-version]')).toBe(String(c.version));

    // meanwhile, a colleague takes it into review
    const colleague = await signedIn((await createStaff(b.t.http, adminToken, { role: 'advisor' })).email);
    await colleague.goto(`/staff/cases/${c.id}`);
    await colleague.click('#move-in_review button[type=submit]');
    await colleague.waitForURL(`**/staff/cases/${c.id}`);
    expect(await statusShown(colleague)).toBe('in_review');

    // the stale page asks for information with the version it read
    await mine.fill('#message-info_requested', 'Une question');
    await mine.click('#move-info_requested button[type=submit]');
    await mine.waitForLoadState('load');
    expect(await textOf(mine, '[data-stale]')).toContain("Quelqu'un d'autre a modifié ce dossier");
    expect(await statusShown(mine)).toBe('in_review');
    expect(Number(await textOf(mine, '[data-version]'))).toBeGreaterThan(c.version);
    const { rows } = await b.t.db.query('SELECT status FROM applications WHERE id = $1', [c.id]);
    expect(rows[0].status).toBe('in_review');
    await mine.context().close();
    await colleague.context().close();
  });

  it('founders are refused the staff pages, advisors the managers’ and admins’ ones; admins verify the timeline; managers download the CSV', async () => {
    const c = await submitCase(b.t.http, { startupName: 'Roles Check' });
    const founder = await signedIn(c.founder.email, 'founder-password-123');
    for (const path of ['/staff/inbox', `/staff/cases/${c.id}`, '/staff/inbox.csv']) {
      const res = await founder.goto(path);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
      expect(await founder.locator('.staff-nav').count()).toBe(0);
    }
    await founder.context().close();

    const advisor = await signedIn((await createStaff(b.t.http, adminToken, { role: 'advisor' })).email);
    for (const path of ['/staff/inbox.csv', `/staff/cases/${c.id}/verify`]) {
      const res = await advisor.goto(path);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    }
    expect((await advisor.goto('/admin/users'))?.status()).toBeGreaterThanOrEqual(400);
    await advisor.goto('/staff/inbox');
    expect(await advisor.locator('.staff-nav a[href="/admin/users"]').count()).toBe(0);
    // another case id, or a draft, is a page not found
    expect((await advisor.goto('/staff/cases/00000000-0000-4000-8000-000000000000'))?.status()).toBe(404);
    await advisor.context().close();

    const manager = await signedIn((await createStaff(b.t.http, adminToken, { role: 'programme_manager' })).email);
    await manager.goto('/staff/inbox?q=Roles%20Check');
    const href = await manager.locator('[data-inbox-csv]').getAttribute('href');
    expect(href).toBe('/staff/inbox.csv?q=Roles+Check');
    const csv = await manager.request.get(href as string);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^reference,startupName,status,programme,assignee,submittedAt,decidedAt/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(c.reference);
    await manager.context().close();

    const admin = await signedIn(ADMIN.email, ADMIN.password);
    await admin.goto(`/staff/cases/${c.id}`);
    expect(await admin.locator('.staff-nav a[href="/admin/users"]').count()).toBe(1);
    await admin.click('#verify a');
    await admin.waitForURL(`**/staff/cases/${c.id}/verify#verify`);
    expect(await admin.locator('[data-verify=intact]').count()).toBe(1);
    await admin.context().close();
  });
});
