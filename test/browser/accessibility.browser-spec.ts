import type { Page } from 'playwright-core';
import { auth, move, submitCase } from '../support/cases';
import * as files from '../support/document-files';
import { uploadDocument } from '../support/documents';
import { COMPLETE_APPLICATION } from '../support/fixtures';
import { ADMIN, createStaff, login, registerFounder } from '../support/test-app';
import { axe, BrowserApp, horizontalOverflow, logIn, seriousOrCritical, startBrowserApp } from './support/browser-app';

jest.setTimeout(180_000);

/**
 * Every page, in French and in English: no serious or critical axe-core violation, one <h1>,
 * and nothing to scroll sideways on a 375 px wide phone.
 */
describe.each(['fr', 'en'] as const)('every page (%s)', (lang) => {
  let b: BrowserApp;
  let adminToken: string;
  beforeAll(async () => {
    b = await startBrowserApp();
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await b.close();
  });

  async function check(page: Page, label: string): Promise<void> {
    expect({ label, lang: await page.getAttribute('html', 'lang') }).toEqual({ label, lang });
    expect({ label, serious: seriousOrCritical(await axe(page, `${lang} ${label}`)) }).toEqual({ label, serious: [] });
    expect({ label, h1: await page.locator('h1').count() }).toEqual({ label, h1: 1 });
    await page.setViewportSize({ width: 375, height: 800 });
    expect({ label, overflow: await horizontalOverflow(page) }).toEqual({ label, overflow: 0 });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it('passes axe and fits a phone, signed out, as a founder and as staff', async () => {
    const context = await b.context({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`/?lang=${lang}`);
    await check(page, 'home');
    for (const path of [
      '/signup',
      '/login',
      '/accessibility',
      '/privacy',
      '/applications/00000000-0000-4000-8000-000000000000',
      '/verify-email?token=abc',
      '/password/forgot',
      '/password/reset?token=abc',
      '/invitation?token=abc',
    ]) {
      await page.goto(path);
      await check(page, path);
    }
    await page.goto('/signup');
    await page.click('form[action="/signup"] button[type=submit]');
    await check(page, 'signup with errors');
    await page.goto('/password/reset?token=abc');
    await page.fill('[name=password]', 'a long enough passphrase');
    await page.click('form[action="/password/reset"] button[type=submit]');
    await check(page, 'reset with a used link');
    await page.goto('/password/forgot');
    await page.fill('[name=email]', 'nobody@startup.test');
    await page.click('form[action="/password/forgot"] button[type=submit]');
    await check(page, 'reset link sent');
    await page.goto('/login');
    await page.fill('[name=email]', 'nobody@startup.test');
    await page.fill('[name=password]', 'wrong password here');
    await page.click('form[action="/login"] button[type=submit]');
    await check(page, 'login with errors');

    // a founder with one application in each interesting state
    const founder = await registerFounder(b.t.http);
    const draft = await b.t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: 'Brouillon', trl: 3, academicAffiliation: 'inserm' }).expect(201);
    const asked = await b.t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    await b.t.http.post(`/api/v1/applications/${asked.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
    // documents attached to both, and the information request naming one more
    await uploadDocument(b.t.http, founder.token, draft.body.id, files.pdf(), { kind: 'pitch_deck', filename: 'Présentation très longue du projet Cardiosense pour le comité.pdf' }).expect(201);
    await move(b.t.http, adminToken, asked.body.id, { to: 'info_requested', message: 'Which lab exactly?', documents: ['financials'] });
    await uploadDocument(b.t.http, founder.token, asked.body.id, files.pdf(), { kind: 'pitch_deck' }).expect(201);
    await logIn(page, founder.email, 'founder-password-123');
    for (const [path, label] of [
      ['/applications', 'my applications'],
      ['/applications/new', 'new application'],
      [`/applications/${draft.body.id}/edit`, 'draft form with preview'],
      [`/applications/${draft.body.id}`, 'draft page'],
      [`/applications/${asked.body.id}`, 'case page (information requested)'],
      [`/applications/${asked.body.id}/edit`, 'answer form'],
      [`/applications/${asked.body.id}/withdraw`, 'withdraw confirmation'],
      ['/account', 'founder account'],
    ]) {
      await page.goto(path);
      await check(page, label);
    }
    await page.goto(`/applications/${draft.body.id}/edit`);
    await page.click('button[name=action][value=submit]');
    await check(page, 'form with errors');
    // a refused document, shown beside the file field (in place, by the page's script)
    await page.goto(`/applications/${draft.body.id}/edit`);
    await page.selectOption('form[data-document-upload] [name=kind]', 'other');
    await page.setInputFiles('form[data-document-upload] [name=file]', { name: 'deck.pdf', mimeType: 'application/pdf', buffer: files.html() });
    await page.click('form[data-document-upload] button[type=submit]');
    await page.locator('#file-error').waitFor();
    await check(page, 'form with a refused document');
    await page.goto('/account');
    await page.fill('[name=currentPassword]', 'not my password');
    await page.fill('[name=newPassword]', 'short');
    await page.click('form[action="/account/password"] button[type=submit]');
    await check(page, 'password change with errors');
    await page.goto('/account');
    await page.fill('[name=password]', 'not my password');
    await page.click('form[action="/account/erase"] button[type=submit]');
    await check(page, 'erasure with errors');
    await context.close();

    // a founder who has not confirmed the address yet: the reminder and its resend form on every page
    const unverified = await registerFounder(b.t.http, { verified: false });
    const unverifiedContext = await b.context({ viewport: { width: 1280, height: 900 } });
    const unverifiedPage = await unverifiedContext.newPage();
    await unverifiedPage.goto(`/login?lang=${lang}`);
    await logIn(unverifiedPage, unverified.email, 'founder-password-123');
    expect(await unverifiedPage.locator('form[action="/verify-email/resend"]').count()).toBe(1);
    await check(unverifiedPage, 'unverified founder');
    await unverifiedContext.close();

    const staff = await createStaff(b.t.http, adminToken, { role: 'advisor' });
    const staffContext = await b.context({ viewport: { width: 1280, height: 900 } });
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`/login?lang=${lang}`);
    await logIn(staffPage, staff.email, 'staff-password-1234');
    expect(new URL(staffPage.url()).pathname).toBe('/staff/inbox');
    await staffPage.goto('/account');
    await check(staffPage, 'staff account');
    // a staff email's link to a case opens the staff's page of it
    await staffPage.goto(`/applications/${asked.body.id}`);
    expect(new URL(staffPage.url()).pathname).toBe(`/staff/cases/${asked.body.id}`);
    await staffContext.close();
  });

  it('passes axe on the staff pages, which fit a phone and a 1280 px laptop', async () => {
    const staff = await createStaff(b.t.http, adminToken, { role: 'advisor' });
    const asked = await submitCase(b.t.http, { startupName: 'Axe Asked' });
    await move(b.t.http, adminToken, asked.id, { to: 'info_requested', message: 'Which lab exactly?' });
    const staffContext = await b.context({ viewport: { width: 1280, height: 900 } });
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`/login?lang=${lang}`);
    await logIn(staffPage, staff.email, 'staff-password-1234');
    // the staff pages, also at a laptop's 1280 px without sideways scrolling
    const fits1280 = async (label: string, page: Page = staffPage): Promise<void> => {
      await page.setViewportSize({ width: 1280, height: 900 });
      expect({ label, overflow1280: await horizontalOverflow(page) }).toEqual({ label, overflow1280: 0 });
    };
    const reviewed = await submitCase(b.t.http, { startupName: 'Axe Review' });
    await move(b.t.http, adminToken, reviewed.id, { to: 'in_review' });
    await b.t.http.post(`/api/v1/applications/${reviewed.id}/notes`).set(...auth(staff.token)).send({ body: 'Une note interne' }).expect(201);
    await b.t.http.post(`/api/v1/applications/${reviewed.id}/messages`).set(...auth(staff.token)).send({ body: 'Un message au porteur' }).expect(201);
    for (const [path, label] of [
      ['/staff/inbox', 'staff inbox'],
      ['/staff/inbox?status=submitted&status=in_review&sla=at_risk&q=Axe', 'staff inbox filtered, empty'],
      ['/staff/inbox?sort=sideways&assignee=someone&assigneeEmail=ghost%40campus.test', 'staff inbox with filter errors'],
      [`/staff/cases/${asked.id}`, 'staff case (information requested)'],
      [`/staff/cases/${reviewed.id}`, 'staff case (in review, notes and thread)'],
    ]) {
      await staffPage.goto(path);
      await fits1280(label);
      await check(staffPage, label);
    }
    await staffPage.goto('/staff/inbox');
    await staffPage.fill('[name=name]', '');
    await staffPage.click('form[action="/staff/views"] button[type=submit]');
    await check(staffPage, 'staff inbox, view without a name');
    await staffPage.fill('[name=name]', 'Ma vue');
    await staffPage.click('form[action="/staff/views"] button[type=submit]');
    await staffPage.waitForLoadState('load');
    await check(staffPage, 'staff inbox with a saved view');
    await staffPage.goto(`/staff/cases/${reviewed.id}`);
    await staffPage.click('#move-declined button[type=submit]');
    await fits1280('staff case with a move refused');
    await check(staffPage, 'staff case with a move refused');
    await staffPage.fill('#assigneeEmail', 'ghost@campus.test');
    await staffPage.click('#assignment button[value=give]');
    await staffPage.waitForLoadState('load');
    await check(staffPage, 'staff case with an unknown assignee email');
    await staffPage.click(`form[action="/staff/cases/${reviewed.id}/auto-assign"] button[type=submit]`);
    await staffPage.waitForLoadState('load');
    await fits1280('staff case with the auto-assign explanation');
    await check(staffPage, 'staff case with the auto-assign explanation');
    await staffContext.close();

    const adminContext = await b.context({ viewport: { width: 1280, height: 900 } });
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`/login?lang=${lang}`);
    await logIn(adminPage, ADMIN.email, ADMIN.password);
    await adminPage.goto(`/staff/cases/${reviewed.id}/verify`);
    await fits1280('staff case, timeline verified (admin)', adminPage);
    await check(adminPage, 'staff case, timeline verified (admin)');
    await adminContext.close();
  });
});
