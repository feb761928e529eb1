import type { Page } from 'playwright-core';
import { auth, move, submitCase } from '../support/cases';
import { ADMIN, createStaff, login } from '../support/test-app';
import { axe, BrowserApp, emailMentioning, horizontalOverflow, linkInEmail, logIn, seriousOrCritical, startBrowserApp, statusShown, uniqueEmail } from './support/browser-app';

jest.setTimeout(240_000);

const API = '/api/v1';
const PARTNER_PASSWORD = 'a long partner passphrase';

/**
 * A founder consents in the browser, a partner contact reads and answers, an admin registers a
 * webhook and replays a delivery; every new page passes axe (no serious or critical violation),
 * in French and English, and fits 1280 px and 375 px without scrolling sideways.
 */
describe('referral and webhook pages', () => {
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
    for (const lang of ['fr', 'en'] as const) {
      const url = new URL(page.url());
      url.searchParams.set('lang', lang);
      await page.goto(`${url.pathname}${url.search}`);
      expect({ label, lang: await page.getAttribute('html', 'lang') }).toEqual({ label, lang });
      expect({ label, lang, serious: seriousOrCritical(await axe(page, `${lang} ${label}`)) }).toEqual({ label, lang, serious: [] });
      expect({ label, h1: await page.locator('h1').count() }).toEqual({ label, h1: 1 });
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 800 });
        expect({ label, width, overflow: await horizontalOverflow(page) }).toEqual({ label, width, overflow: 0 });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    const url = new URL(page.url());
    url.searchParams.set('lang', 'fr');
    await page.goto(`${url.pathname}${url.search}`);
  }

  it('lets an admin register a webhook (secret shown once), a founder consent, a partner answer, and the admin replay a delivery', async () => {
    // the admin registers a webhook for referral events
    const admin = await b.context({ viewport: { width: 1280, height: 900 } });
    const adminPage = await admin.newPage();
    await logIn(adminPage, ADMIN.email, ADMIN.password);
    await adminPage.goto('/admin/webhooks');
    await check(adminPage, 'webhooks (empty)');
    await adminPage.click('form[action="/admin/webhooks"] button[type=submit]');
    expect(await adminPage.locator('.error-summary').count()).toBe(1);
    expect({ serious: seriousOrCritical(await axe(adminPage, 'webhooks with errors')) }).toEqual({ serious: [] });
    await adminPage.goto('/admin/webhooks');
    await adminPage.fill('[name=url]', 'http://127.0.0.1:9/crm');
    await adminPage.check('input[name=events][value="referral.updated"]');
    await adminPage.click('form[action="/admin/webhooks"] button[type=submit]');
    expect(await adminPage.locator('[data-secret]').innerText()).toMatch(/^whsec_/);
    expect({ serious: seriousOrCritical(await axe(adminPage, 'webhook secret shown')) }).toEqual({ serious: [] });
    await adminPage.goto('/admin/webhooks');
    expect(await adminPage.locator('[data-secret]').count()).toBe(0); // shown once
    await adminPage.click('a[href^="/admin/webhooks/"]');
    await check(adminPage, 'webhook (no delivery yet)');

    // a partner organisation, whose contact accepts the invitation
    const contactEmail = uniqueEmail('partner');
    await b.t.http.post(`${API}/partners`).set(...auth(adminToken)).send({ name: 'Incubateur Paris Santé', kind: 'incubator', programmes: ['external-incubator'], contacts: [{ email: contactEmail, fullName: 'Julie Bernard' }] }).expect(201);
    const invitation = await linkInEmail(b, contactEmail, '/invitation');
    await b.t.http.post(`${API}/auth/invitation/accept`).send({ token: new URL(invitation, 'http://x').searchParams.get('token'), password: PARTNER_PASSWORD }).expect(200);
    const partners = (await b.t.http.get(`${API}/partners`).set(...auth(adminToken)).expect(200)).body.items as { id: string }[];

    // a referred case, sent to the partner by an advisor: the founder is asked to consent
    const advisor = await createStaff(b.t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin' });
    const c = await submitCase(b.t.http, { startupName: 'Dermalys' });
    await move(b.t.http, advisor.token, c.id, { to: 'in_review' });
    await move(b.t.http, advisor.token, c.id, { to: 'referred', programme: 'external-incubator' });
    const referral = await b.t.http.post(`${API}/applications/${c.id}/referrals`).set(...auth(advisor.token)).send({ partnerId: partners[0].id, note: 'Strong team, needs fundraising help' }).expect(201);

    // the founder follows the email's link and consents
    const consentText = await emailMentioning(b.t.config.mailDir, `/referrals/${referral.body.id}/consent`, c.founder.email);
    const consentPath = new RegExp(`${b.t.config.publicUrl}(/referrals/[0-9a-f-]+/consent)`).exec(consentText)?.[1] as string;
    const founder = await b.context({ viewport: { width: 1280, height: 900 } });
    const founderPage = await founder.newPage();
    await logIn(founderPage, c.founder.email, 'founder-password-123');
    await founderPage.goto(consentPath);
    expect(await statusShown(founderPage)).toBe('awaiting_consent');
    expect(await founderPage.locator('main').innerText()).toContain('Strong team, needs fundraising help');
    await check(founderPage, 'consent page');
    await founderPage.click('button[name=consent][value=true]');
    await founderPage.waitForURL(`**/applications/${c.id}`);
    expect(await founderPage.locator('main').innerText()).toContain('Incubateur Paris Santé');
    expect(await founderPage.locator('.timeline').innerText()).toMatch(/transmis au partenaire/i);

    // the partner reads the referral from the email's link and answers
    const receivedText = await emailMentioning(b.t.config.mailDir, `/partner/referrals/${referral.body.id}`, contactEmail);
    expect(receivedText).toContain('Dermalys');
    const partner = await b.context({ viewport: { width: 1280, height: 900 } });
    const partnerPage = await partner.newPage();
    await logIn(partnerPage, contactEmail, PARTNER_PASSWORD);
    expect(new URL(partnerPage.url()).pathname).toBe('/partner/referrals');
    await check(partnerPage, 'partner referrals');
    await partnerPage.click(`a[href="/partner/referrals/${referral.body.id}"]`);
    await check(partnerPage, 'partner referral');
    expect(await partnerPage.locator('main').innerText()).toContain(c.founder.email);
    await partnerPage.check('input[name=outcome][value=declined]');
    await partnerPage.click(`form[action="/partner/referrals/${referral.body.id}/response"] button[type=submit]`);
    expect(await partnerPage.locator('#reason-error').count()).toBe(1);
    expect({ serious: seriousOrCritical(await axe(partnerPage, 'answer with errors')) }).toEqual({ serious: [] });
    await partnerPage.check('input[name=outcome][value=meeting]');
    await partnerPage.fill('[name=reason]', 'Mardi 15 décembre, 10 h');
    await partnerPage.click(`form[action="/partner/referrals/${referral.body.id}/response"] button[type=submit]`);
    await partnerPage.waitForURL(`**/partner/referrals/${referral.body.id}`);
    expect(await statusShown(partnerPage)).toBe('meeting');
    // a meeting can still be settled: the form offers accepted and declined only
    expect(await partnerPage.locator('input[name=outcome]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')))).toEqual(['accepted', 'declined']);

    // the other organisation's pages stay closed to the founder and the partner
    await founderPage.goto('/partner/referrals');
    expect(await founderPage.locator('h1').innerText()).not.toContain('Orientations');
    const notFound = await partnerPage.goto(`/referrals/${referral.body.id}/consent`);
    expect(notFound?.status()).toBeGreaterThanOrEqual(403);

    // the admin sees the deliveries and replays one
    await adminPage.reload();
    expect(await adminPage.locator('table').innerText()).toContain('referral.updated');
    await check(adminPage, 'webhook with deliveries');
    await adminPage.locator('form[action*="/replay"] button').first().click();
    await adminPage.waitForLoadState('load');
    expect(await adminPage.locator('[role=status], .banner').first().innerText()).toMatch(/webhook-id/);

    for (const context of [admin, founder, partner]) await context.close();
  });
});
