import type { Page } from 'playwright-core';
import { auth, move } from '../support/cases';
import { ADMIN, login } from '../support/test-app';
import { BrowserApp, focusedHasClass, linkInEmail, signUp, startBrowserApp, statusShown, textOf, waitForText } from './support/browser-app';

jest.setTimeout(120_000);

/**
 * The founder's whole journey in Chromium, once with JavaScript and once without: sign up,
 * verify the address from the email, write a draft, see where it would go, submit with errors then without, answer an information
 * request (changing a field at the same time), withdraw.
 */
describe('a founder in the browser', () => {
  let b: BrowserApp;
  let adminToken: string;

  beforeAll(async () => {
    b = await startBrowserApp();
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await b.close();
  });

  const idOf = (page: Page): string => /\/applications\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;

  async function journey(javaScriptEnabled: boolean): Promise<void> {
    const context = await b.context({ javaScriptEnabled });
    const page = await context.newPage();

    const email = await signUp(page);
    expect(await textOf(page, '.banner')).toContain(`Votre compte est créé. Confirmez votre adresse avec le lien envoyé à ${email}.`);
    expect(await textOf(page, '.panel--notice')).toContain('Confirmez votre adresse e-mail pour pouvoir déposer un dossier');

    // the address, verified from the email's link (the link's page asks for a click: mail scanners open links)
    const link = await linkInEmail(b, email, '/verify-email');
    await page.goto(link);
    expect(await b.t.db.query('SELECT email_verified_at FROM users WHERE email = $1', [email]).then((r) => r.rows[0].email_verified_at)).toBeNull();
    await page.click('form[action="/verify-email"] button[type=submit]');
    await page.waitForURL('**/applications');
    expect(await textOf(page, '.banner')).toContain('Votre adresse e-mail est confirmée.');
    expect(await page.locator('.panel--notice').count()).toBe(0);
    expect(await textOf(page, '.empty')).toContain("Vous n'avez pas encore de dossier");

    // a draft needs only its name
    await page.click('a[href="/applications/new"]');
    await page.fill('[name=startupName]', 'Cardiosense');
    await page.click('button[name=action][value=save]');
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}\/edit$/);
    const id = idOf(page);
    expect(await textOf(page, '.banner')).toContain('Votre brouillon est enregistré');

    // where it would go: an Inserm team at TRL 3 fits proof-of-concept funding
    await page.selectOption('[name=academicAffiliation]', 'inserm');
    await page.selectOption('[name=trl]', '3');
    await page.selectOption('[name=stage]', 'idea');
    await page.check('#needs');
    if (javaScriptEnabled) {
      // refreshed as the founder types, nothing saved yet
      await waitForText(page, '#routing-preview .cards', 'Financement de la preuve de concept');
      const saved = await b.t.db.query('SELECT trl FROM applications WHERE id = $1', [id]);
      expect(saved.rows[0].trl).toBeNull();
    } else {
      await page.click('button[name=action][value=save]');
      expect(await textOf(page, '#routing-preview .cards')).toContain('Financement de la preuve de concept');
    }
    expect(await textOf(page, '#routing-preview .card')).toContain('Pourquoi ce programme');

    // submitting an incomplete application: the summary, and each error beside its field
    await page.click('button[name=action][value=submit]');
    await page.locator('.error-summary').waitFor();
    expect(await focusedHasClass(page, 'error-summary')).toBe(true);
    expect((await textOf(page, '.error-summary a[href="#projectSummary"]')).trim()).toBe('Décrivez votre projet.');
    expect(await page.getAttribute('#projectSummary', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#projectSummary', 'aria-describedby')).toBe('projectSummary-hint projectSummary-error');
    expect(await textOf(page, '#projectSummary-error')).toContain('Décrivez votre projet.');
    expect(await textOf(page, '#teamSize-error')).toContain("Indiquez la taille de l'équipe.");
    // what was chosen before is still there (the draft was saved on that post)
    expect(await page.inputValue('[name=trl]')).toBe('3');
    const draft = await b.t.db.query('SELECT status, trl, academic_affiliation FROM applications WHERE id = $1', [id]);
    expect(draft.rows[0]).toEqual({ status: 'draft', trl: 3, academic_affiliation: 'inserm' });

    await page.fill('[name=projectSummary]', 'A wearable patch that detects atrial fibrillation early, from an Inserm cardiology lab.');
    await page.check('#domains');
    await page.check('#incorporated-false');
    await page.check('#lookingForCofounder-false');
    await page.fill('[name=teamSize]', '3');
    await page.click('button[name=action][value=submit]');
    await page.waitForURL(new RegExp(`/applications/${id}$`));
    expect(await statusShown(page)).toBe('submitted');
    expect(await textOf(page, '.banner')).toMatch(/Votre dossier est déposé\. Référence GU-\d{4}-\d{6}/);
    expect(await textOf(page, '.status-box__next')).toContain('Un conseiller vous répond d');
    expect(await textOf(page, '.cards')).toContain('Financement de la preuve de concept');

    // the campus asks for information; the founder answers and corrects a field in one go
    await move(b.t.http, adminToken, id, { to: 'info_requested', message: 'How many people work on it full time?' });
    await page.reload();
    expect(await statusShown(page)).toBe('info_requested');
    expect(await textOf(page, '.thread')).toContain('How many people work on it full time?');
    await page.click(`.status-box a[href="/applications/${id}/edit"]`);
    await page.fill('[name=teamSize]', '4');
    await page.fill('[name=body]', 'Four of us, two full time.');
    await page.click('button[name=action][value=reply]');
    await page.waitForURL(new RegExp(`/applications/${id}$`));
    expect(await statusShown(page)).toBe('in_review');
    expect(await textOf(page, '.thread')).toContain('Four of us, two full time.');
    const answered = await b.t.http.get(`/api/v1/applications/${id}`).set(...auth(adminToken)).expect(200);
    expect(answered.body).toMatchObject({ status: 'in_review', teamSize: 4 });

    // withdrawal asks for a confirmation first
    await page.click(`a[href="/applications/${id}/withdraw"]`);
    expect((await textOf(page, 'h1')).trim()).toBe('Retirer le dossier');
    expect((await b.t.db.query('SELECT status FROM applications WHERE id = $1', [id])).rows[0].status).toBe('in_review');
    await page.fill('[name=reason]', 'We joined another programme.');
    await page.click(`form[action="/applications/${id}/withdraw"] button[type=submit]`);
    await page.waitForURL(new RegExp(`/applications/${id}$`));
    expect(await statusShown(page)).toBe('withdrawn');
    expect(await page.locator(`a[href="/applications/${id}/withdraw"]`).count()).toBe(0);

    // my applications: the status and the next step
    await page.goto('/applications');
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.getAttribute('tbody [data-status]', 'data-status')).toBe('withdrawn');
    expect(await textOf(page, 'tbody')).toContain('Vous avez retiré ce dossier.');
    await context.close();
  }

  it('signs up, verifies the address, drafts, previews the routing, submits with errors then without, answers a request, withdraws (with JavaScript)', async () => {
    await journey(true);
  });

  it('does the same without JavaScript', async () => {
    await journey(false);
  });
});
