import { auth } from '../support/cases';
import { registerFounder } from '../support/test-app';
import { BrowserApp, logIn, startBrowserApp, textOf } from './support/browser-app';

jest.setTimeout(120_000);

describe('the pages in English', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(async () => {
    await b.close();
  });

  it('are French by default, English when the browser prefers English, and with ?lang=en (kept afterwards)', async () => {
    for (const [acceptLanguage, lang, heading] of [
      ['de-DE,de;q=0.9', 'fr', 'Le guichet unique des startups du campus'],
      ['fr-FR,fr;q=0.9,en;q=0.8', 'fr', 'Le guichet unique des startups du campus'],
      ['en-GB,en;q=0.9,fr;q=0.5', 'en', "The campus's front door for startups"],
    ] as const) {
      const context = await b.context({ locale: acceptLanguage.split(/[,;]/)[0], extraHTTPHeaders: { 'Accept-Language': acceptLanguage } });
      const page = await context.newPage();
      await page.goto('/');
      expect({ acceptLanguage, lang: await page.getAttribute('html', 'lang'), h1: await textOf(page, 'h1') }).toEqual({ acceptLanguage, lang, h1: heading });
      await context.close();
    }
    const context = await b.context();
    const page = await context.newPage();
    await page.goto('/');
    await page.click('[data-lang-switch]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.goto('/signup');
    expect(await textOf(page, 'h1')).toBe('Sign up');
    await page.click('form[action="/signup"] button[type=submit]');
    expect(await textOf(page, '.error-summary')).toContain('Enter a valid email address');
    expect(await textOf(page, '#password-error')).toContain('Choose a password of at least 12 characters.');
    await context.close();
  });

  it("follow the signed-in founder's language: form errors, routing reasons and dates in English", async () => {
    const founder = await registerFounder(b.t.http, { locale: 'en' });
    const draft = await b.t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: 'Cardiosense', trl: 3, academicAffiliation: 'inserm', stage: 'idea', needs: ['funding'] }).expect(201);
    const context = await b.context();
    const page = await context.newPage();
    await logIn(page, founder.email, 'founder-password-123');
    await page.goto(`/applications/${draft.body.id}/edit`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await textOf(page, '#preview-title')).toBe('Where your application could go');
    expect(await textOf(page, '#routing-preview')).toContain('Proof-of-concept funding');
    expect(await textOf(page, 'label[for=trl]')).toBe('Technology readiness level (TRL)');
    await page.click('button[name=action][value=submit]');
    expect(await textOf(page, '.error-summary')).toContain('Describe your project.');
    expect(await textOf(page, '#teamSize-error')).toContain("Enter the team's size.");
    expect(await page.content()).not.toMatch(/Décrivez|Indiquez/);
    await page.goto('/account');
    expect(await textOf(page, 'h1')).toBe('My account');
    await context.close();
  });
});
