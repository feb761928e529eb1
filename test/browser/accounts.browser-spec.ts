import { auth } from '../support/cases';
import { ADMIN, login, registerFounder } from '../support/test-app';
import { BrowserApp, linkInEmail, logIn, PASSWORD, signUp, startBrowserApp, textOf } from './support/browser-app';

jest.setTimeout(120_000);

/** The pages the account emails link to, and the account's password and sessions. */
describe('accounts in the browser', () => {
  let b: BrowserApp;
  let adminToken: string;
  beforeAll(async () => {
    b = await startBrowserApp();
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await b.close();
  });

  it('tells an unverified founder to confirm the address before submitting, resends the link, and a used link says so', async () => {
    const context = await b.context();
    const page = await context.newPage();
    const email = await signUp(page);
    const draft = await b.t.http.post('/api/v1/applications').set(...auth(await login(b.t.http, email, PASSWORD))).send({ startupName: 'Pas encore' }).expect(201);
    await page.goto(`/applications/${draft.body.id}/edit`);
    await page.click('button[name=action][value=submit]');
    expect(await textOf(page, '.error-summary')).toContain("Confirmez d'abord votre adresse e-mail");
    expect((await b.t.db.query('SELECT status FROM applications WHERE id = $1', [draft.body.id])).rows[0].status).toBe('draft');

    await page.click('form[action="/verify-email/resend"] button[type=submit]');
    await page.waitForURL('**/applications');
    expect(await textOf(page, '.banner')).toContain('Un nouveau lien vient de vous être envoyé.');
    const sent = await b.t.db.query(`SELECT count(*)::int AS n FROM emails e JOIN users u ON u.id = e.recipient_id WHERE u.email = $1 AND e.template = 'verify-email'`, [email]);
    expect(sent.rows[0].n).toBe(2);

    const link = await linkInEmail(b, email, '/verify-email');
    await page.goto(link);
    await page.click('form[action="/verify-email"] button[type=submit]');
    await page.waitForURL('**/applications');
    expect(await page.locator('form[action="/verify-email/resend"]').count()).toBe(0);
    // the same link a second time
    await page.goto(link);
    await page.click('form[action="/verify-email"] button[type=submit]');
    expect(await textOf(page, '.panel--notice')).toContain("Ce lien n'est plus valable");
    await context.close();
  });

  it('resets a forgotten password from the email, closing the sessions opened with the old one', async () => {
    const founder = await registerFounder(b.t.http);
    const elsewhere = await b.context();
    const elsewherePage = await elsewhere.newPage();
    await logIn(elsewherePage, founder.email, 'founder-password-123');
    expect(new URL(elsewherePage.url()).pathname).toBe('/applications');

    const context = await b.context();
    const page = await context.newPage();
    await page.goto('/login');
    await page.click('a[href="/password/forgot"]');
    await page.fill('[name=email]', founder.email);
    await page.click('form[action="/password/forgot"] button[type=submit]');
    expect(await textOf(page, '.panel--notice')).toContain(`Si un compte existe pour ${founder.email}`);
    await page.goto(await linkInEmail(b, founder.email, '/password/reset'));
    await page.fill('[name=password]', 'short');
    await page.click('form[action="/password/reset"] button[type=submit]');
    expect(await textOf(page, '#password-error')).toContain("au moins 12 caractères");
    await page.fill('[name=password]', 'a brand new passphrase');
    await page.click('form[action="/password/reset"] button[type=submit]');
    await page.waitForURL('**/applications');
    expect(await textOf(page, '.banner')).toContain('Votre mot de passe est changé');

    await elsewherePage.goto('/applications');
    expect(new URL(elsewherePage.url()).pathname).toBe('/login');
    await b.t.http.get('/api/v1/me').set(...auth(founder.token)).expect(401);
    await login(b.t.http, founder.email, 'a brand new passphrase');
    await Promise.all([context.close(), elsewhere.close()]);
  });

  it('changes the password on /account (this browser stays signed in, the others not) and logs out everywhere', async () => {
    const founder = await registerFounder(b.t.http);
    const [here, there] = [await b.context(), await b.context()];
    const page = await here.newPage();
    const otherPage = await there.newPage();
    await logIn(page, founder.email, 'founder-password-123');
    await logIn(otherPage, founder.email, 'founder-password-123');

    await page.goto('/account');
    await page.fill('[name=currentPassword]', 'not the password');
    await page.fill('[name=newPassword]', 'another long passphrase');
    await page.click('form[action="/account/password"] button[type=submit]');
    expect(await textOf(page, '#currentPassword-error')).toContain('Le mot de passe actuel est incorrect.');
    expect(await page.getAttribute('#currentPassword', 'aria-invalid')).toBe('true');
    await page.fill('[name=currentPassword]', 'founder-password-123');
    await page.fill('[name=newPassword]', 'another long passphrase');
    await page.click('form[action="/account/password"] button[type=submit]');
    await page.waitForURL('**/account');
    expect(await textOf(page, '.banner')).toContain('Votre mot de passe est changé');
    await otherPage.goto('/account');
    expect(new URL(otherPage.url()).pathname).toBe('/login');
    await page.goto('/applications');
    expect(new URL(page.url()).pathname).toBe('/applications');

    // logout everywhere: this browser, another one signed in since, and the API's tokens
    await logIn(otherPage, founder.email, 'another long passphrase');
    const apiToken = await login(b.t.http, founder.email, 'another long passphrase');
    await page.goto('/account');
    await page.click('form[action="/account/logout-everywhere"] button[type=submit]');
    await page.waitForURL('**/login?signedOut=1');
    await otherPage.goto('/applications');
    expect(new URL(otherPage.url()).pathname).toBe('/login');
    await b.t.http.get('/api/v1/me').set(...auth(apiToken)).expect(401);
    await Promise.all([here.close(), there.close()]);
  });

  it('lets an invited staff member choose a password from the invitation and arrive signed in', async () => {
    const email = `invited-${Date.now()}@campus.test`;
    await b.t.http.post('/api/v1/users').set(...auth(adminToken)).send({ email, fullName: 'Invited Advisor', role: 'advisor' }).expect(201);
    const context = await b.context();
    const page = await context.newPage();
    const link = await linkInEmail(b, email, '/invitation');
    await page.goto(link);
    expect(await textOf(page, 'h1')).toBe('Activer votre compte');
    await page.fill('[name=password]', 'an advisor passphrase');
    await page.click('form[action="/invitation"] button[type=submit]');
    // staff arrive in their inbox
    await page.waitForURL('**/staff/inbox');
    expect(await textOf(page, '.banner')).toContain('Votre compte est activé.');
    await page.goto('/account');
    expect(await textOf(page, 'dl')).toContain(email);
    await login(b.t.http, email, 'an advisor passphrase');
    // the link works once
    await page.goto(link);
    await page.fill('[name=password]', 'yet another passphrase');
    await page.click('form[action="/invitation"] button[type=submit]');
    expect(await textOf(page, '.panel--notice')).toContain("Ce lien d'invitation n'est plus valable");
    await context.close();
  });
});
