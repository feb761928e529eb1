import { auth, submitCase } from '../support/cases';
import { COMPLETE_APPLICATION } from '../support/fixtures';
import { BrowserApp, emailMentioning, logIn, PASSWORD, signUp, startBrowserApp, statusShown, textOf } from './support/browser-app';

jest.setTimeout(120_000);

describe('the pages keep founders apart and refuse forged posts', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(async () => {
    await b.close();
  });

  it('refuses a POST without the session’s CSRF token (403) and changes nothing', async () => {
    const context = await b.context();
    const page = await context.newPage();
    await signUp(page);
    const before = await b.t.db.query('SELECT count(*)::int AS n FROM applications');

    // the browser's own cookie goes along, as it would from another site's form; the token does not
    for (const token of [undefined, 'forged-token', '']) {
      const res = await page.request.post('/applications/new', { form: { startupName: 'Forged', action: 'save', ...(token === undefined ? {} : { _csrf: token }) }, maxRedirects: 0 });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('Le formulaire a expiré');
    }
    const logout = await page.request.post('/logout', { form: {}, maxRedirects: 0 });
    expect(logout.status()).toBe(403);
    expect((await b.t.db.query('SELECT count(*)::int AS n FROM applications')).rows[0].n).toBe(before.rows[0].n);

    // still signed in (the forged logout did nothing), and the real form works
    await page.goto('/applications/new');
    await page.fill('[name=startupName]', 'Real');
    await page.click('button[name=action][value=save]');
    await page.waitForURL(/\/edit$/);
    expect((await b.t.db.query('SELECT count(*)::int AS n FROM applications')).rows[0].n).toBe(before.rows[0].n + 1);
    await context.close();
  });

  it("shows another founder's application as not found (404), on every page of it", async () => {
    const other = await submitCase(b.t.http);
    const draft = await b.t.http.post('/api/v1/applications').set(...auth(other.founder.token)).send({ startupName: 'Secret draft' }).expect(201);
    const context = await b.context();
    const page = await context.newPage();
    await signUp(page);
    for (const path of [`/applications/${other.id}`, `/applications/${draft.body.id}/edit`, `/applications/${other.id}/withdraw`, '/applications/not-a-uuid']) {
      const res = await page.goto(path);
      expect(res?.status()).toBe(404);
      expect(await textOf(page, 'h1')).toBe('Page introuvable');
      expect(await page.content()).not.toContain('Cardiosense');
    }
    // and posting to it with a valid token changes nothing
    await page.goto('/applications');
    const token = await page.getAttribute('input[name=_csrf]', 'value');
    const reply = await page.request.post(`/applications/${other.id}/messages`, { form: { _csrf: token ?? '', body: 'hello' }, maxRedirects: 0 });
    expect(reply.status()).toBe(404);
    const withdraw = await page.request.post(`/applications/${other.id}/withdraw`, { form: { _csrf: token ?? '' }, maxRedirects: 0 });
    expect(withdraw.status()).toBe(404);
    const edit = await page.request.post(`/applications/${draft.body.id}/edit`, { form: { _csrf: token ?? '', startupName: 'Hijacked', action: 'save' }, maxRedirects: 0 });
    expect(edit.status()).toBe(404);
    const rows = await b.t.db.query('SELECT status, startup_name FROM applications WHERE id = ANY($1::uuid[]) ORDER BY startup_name', [[other.id, draft.body.id]]);
    expect(rows.rows).toEqual([
      { status: 'submitted', startup_name: COMPLETE_APPLICATION.startupName },
      { status: 'draft', startup_name: 'Secret draft' },
    ]);
    expect((await b.t.db.query('SELECT count(*)::int AS n FROM case_messages WHERE application_id = $1', [other.id])).rows[0].n).toBe(0);
    await context.close();
  });

  it("opens an email's link after a login, on the page it points at", async () => {
    const mine = await submitCase(b.t.http);
    // the acknowledgement email, as the founder receives it
    const text = await emailMentioning(b.t.config.mailDir, mine.reference);
    const link = new RegExp(`${b.t.config.publicUrl}(/applications/[0-9a-f-]{36})`).exec(text)?.[1];
    expect(link).toBe(`/applications/${mine.id}`);
    const context = await b.context();
    const page = await context.newPage();
    await page.goto(link as string);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/applications/${mine.id}`);
    await page.fill('[name=email]', mine.founder.email);
    await page.fill('[name=password]', 'founder-password-123');
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForURL(new RegExp(`/applications/${mine.id}$`));
    expect(await statusShown(page)).toBe('submitted');
    // a next= pointing elsewhere is ignored
    await page.goto('/login?next=//evil.example/x');
    expect(new URL(page.url()).pathname).toBe('/applications');
    await context.close();
  });

  it('keeps the session server-side in an httpOnly, SameSite=Lax cookie, renewed at login and destroyed at logout', async () => {
    const context = await b.context();
    const page = await context.newPage();
    const email = await signUp(page);
    await page.click('.site-nav button[type=submit]'); // log out
    await page.waitForURL('**/login?signedOut=1');
    expect(await textOf(page, '.banner')).toContain('Vous êtes déconnecté');
    const anonymous = (await context.cookies()).find((c) => c.name === 'guichet_session');
    expect(anonymous).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });

    await logIn(page, email, PASSWORD);
    const signedIn = (await context.cookies()).find((c) => c.name === 'guichet_session');
    expect(signedIn?.value).not.toBe(anonymous?.value);
    // the old cookie is worth nothing once replaced
    const replay = await b.context();
    await replay.addCookies([{ ...(anonymous as NonNullable<typeof anonymous>) }]);
    const replayPage = await replay.newPage();
    await replayPage.goto('/applications');
    expect(new URL(replayPage.url()).pathname).toBe('/login');

    // logging out destroys the session server-side: the copied cookie stops working too
    const copy = await b.context();
    await copy.addCookies([{ ...(signedIn as NonNullable<typeof signedIn>) }]);
    const copyPage = await copy.newPage();
    await copyPage.goto('/applications');
    expect(new URL(copyPage.url()).pathname).toBe('/applications');
    await page.click('.site-nav button[type=submit]');
    await page.waitForURL('**/login?signedOut=1');
    await copyPage.goto('/applications');
    expect(new URL(copyPage.url()).pathname).toBe('/login');
    await Promise.all([context.close(), replay.close(), copy.close()]);
  });

  it('limits failed logins as the API does: the 11th within 15 minutes gets the "too many attempts" page', async () => {
    const context = await b.context();
    const page = await context.newPage();
    await page.goto('/login');
    const token = (await page.getAttribute('input[name=_csrf]', 'value')) ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await page.request.post('/login', { form: { _csrf: token, email: 'target@startup.test', password: `wrong guess ${i}` }, maxRedirects: 0 });
      statuses.push(res.status());
      if (i === 10) expect(await res.text()).toContain('Trop de tentatives');
    }
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
    await context.close();
  });

  it('serves pages with a CSP that allows no inline script and nothing from another origin; the API keeps its headers', async () => {
    const page = await b.http('/');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\sstyle=/);
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const api = await b.http('/api/v1/programmes');
    expect(api.status).toBe(200);
    expect(api.headers['content-type']).toContain('application/json');
    const css = await b.http(/href="(\/assets\/web\.css[^"]+)"/.exec(page.text)?.[1].replace(/&#x3D;/g, '=') as string);
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
