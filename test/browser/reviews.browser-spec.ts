import { auth, move, submitCase } from '../support/cases';
import { ADMIN, createStaff, login } from '../support/test-app';
import { axe, BrowserApp, horizontalOverflow, linkInEmail, logIn, seriousOrCritical, startBrowserApp, textOf } from './support/browser-app';

jest.setTimeout(180_000);

const text = (fr: string, en: string): { fr: string; en: string } => ({ fr, en });
const RUBRIC = [
  { key: 'science', label: text('Qualité scientifique', 'Scientific quality'), description: text('0 : aucune preuve ; 5 : preuve solide', '0: no evidence; 5: strong evidence'), weight: 3, max: 5 },
  { key: 'team', label: text('Équipe', 'Team'), description: text('0 : incomplète ; 5 : complète', '0: incomplete; 5: complete'), weight: 2, max: 5 },
];

/** An expert declares and scores in the browser; the committee page shows the agenda; axe finds nothing serious. */
describe('reviews in the browser', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(async () => {
    await b.close();
  });

  async function expectAccessible(page: Parameters<typeof axe>[0], label: string): Promise<void> {
    expect({ label, serious: seriousOrCritical(await axe(page, label)) }).toEqual({ label, serious: [] });
    expect(await horizontalOverflow(page)).toBe(0);
  }

  it('an invited expert declares no conflict, reads the application and scores it; the committee ranks it', async () => {
    const adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
    const manager = await createStaff(b.t.http, adminToken, { role: 'programme_manager', programmes: ['poc-funding'], email: 'manager.reviews@campus.test' });
    await b.t.http.patch('/api/v1/programmes/poc-funding').set(...auth(manager.token)).send({ rubric: RUBRIC }).expect(200);
    const kase = await submitCase(b.t.http);
    const invited = await b.t.http.post(`/api/v1/applications/${kase.id}/reviews`).set(...auth(manager.token)).send({ email: 'expert.web@hopital.test', fullName: 'Dr Anne Lemoine', dueOn: '2030-01-15' }).expect(201);

    // the invitation's link, then the review's link, as the emails give them
    const invitation = await linkInEmail(b, 'expert.web@hopital.test', '/invitation');
    const token = new URL(invitation, 'http://page').searchParams.get('token') as string;
    await b.t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', '10.66.0.1').send({ token, password: 'expert passphrase 1' }).expect(200);

    const context = await b.context();
    const page = await context.newPage();
    await logIn(page, 'expert.web@hopital.test', 'expert passphrase 1');
    await page.goto('/reviews');
    expect(await textOf(page, 'main')).toContain(kase.reference);
    await expectAccessible(page, 'fr reviews list');
    await page.click(`a[href="/reviews/${invited.body.id}"]`);
    await page.waitForURL(`**/reviews/${invited.body.id}`);
    expect(await page.locator('[name="scores.science"]').count()).toBe(0); // nothing to read or score before declaring
    await expectAccessible(page, 'fr review declaration');

    await page.check('#conflict'); // "no conflict"
    await page.click(`form[action="/reviews/${invited.body.id}/declaration"] button[type=submit]`);
    await page.waitForURL(`**/reviews/${invited.body.id}`);
    expect(await textOf(page, 'main')).toContain('Qualité scientifique');
    expect(await textOf(page, 'main')).toContain('0 : aucune preuve ; 5 : preuve solide');
    expect(await textOf(page, 'main')).not.toContain(kase.founder.email);
    await expectAccessible(page, 'fr review scoring');

    // a score over the maximum is refused beside its field
    await page.fill('[name="scores.science"]', '9');
    await page.fill('[name="scores.team"]', '3');
    await page.fill('[name=comment]', 'Solide sur le plan scientifique.');
    await page.check('#recommendation');
    await page.click(`form[action="/reviews/${invited.body.id}"] button[type=submit]`);
    expect(await textOf(page, '.error-summary')).toContain('de 0 à 5');
    await expectAccessible(page, 'fr review scoring with errors');
    await page.fill('[name="scores.science"]', '4');
    await page.click(`form[action="/reviews/${invited.body.id}"] button[type=submit]`);
    await page.waitForURL(`**/reviews/${invited.body.id}`);
    expect(await textOf(page, '.banner')).toContain('Votre évaluation a été envoyée');
    // (4/5×3 + 3/5×2) / 5 × 100 = 72
    expect(await textOf(page, 'main')).toContain('72 / 100');
    const stored = await b.t.db.query('SELECT status, weighted_score FROM reviews WHERE id = $1', [invited.body.id]);
    expect(stored.rows[0].status).toBe('submitted');
    expect(stored.rows[0].weighted_score).toBeCloseTo(72, 9); // stored unrounded; answers round to two decimals

    await page.goto(`/reviews/${invited.body.id}?lang=en`);
    expect(await textOf(page, 'main')).toContain('Scientific quality');
    await expectAccessible(page, 'en review submitted');
    await context.close();

    // the manager's committee page: the agenda ranked, a decision recorded from the form
    const committee = await b.t.http.post('/api/v1/programmes/poc-funding/committees').set(...auth(manager.token)).send({ name: 'Comité PoC', meetsOn: '2030-01-20', applicationIds: [kase.id] }).expect(201);
    await move(b.t.http, manager.token, kase.id, { to: 'in_review' });
    const staff = await b.context();
    const staffPage = await staff.newPage();
    await logIn(staffPage, 'manager.reviews@campus.test', 'staff-password-1234');
    await staffPage.goto(`/staff/committees/${committee.body.id}`);
    expect(await textOf(staffPage, 'main')).toContain('72 / 100');
    await expectAccessible(staffPage, 'fr committee');
    await staffPage.selectOption(`#decision-${kase.id}`, 'accepted');
    await staffPage.fill(`#reason-${kase.id}`, 'Le comité retient le projet.');
    await staffPage.click(`form[action="/staff/committees/${committee.body.id}/decisions"] button[type=submit]`);
    await staffPage.waitForURL(`**/staff/committees/${committee.body.id}`);
    expect(await textOf(staffPage, '.banner')).toContain('La décision du comité a été enregistrée');
    expect((await b.t.db.query('SELECT status FROM applications WHERE id = $1', [kase.id])).rows[0].status).toBe('accepted');
    await expectAccessible(staffPage, 'fr committee decided');
    await staff.close();
  });
});
