import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

describe('accounts and roles', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it('registers a founder who then reads their profile', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: '  Lea.Dubois@Startup.TEST ', password: 'correct horse battery', fullName: 'Léa Dubois', locale: 'en' })
      .expect(201);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.user).toMatchObject({ email: 'lea.dubois@startup.test', fullName: 'Léa Dubois', role: 'founder', locale: 'en', active: true, preferences: { weeklyDigest: true, locale: 'en' } });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(res.body.user).not.toHaveProperty('capacity');

    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, email: 'lea.dubois@startup.test', role: 'founder' });
  });

  it('refuses a duplicate email with 409, whatever its case', async () => {
    await registerFounder(t.http, { email: 'twice@startup.test' });
    const res = await t.http.post('/api/v1/auth/register').send({ email: 'TWICE@startup.test', password: 'another password!', fullName: 'X' }).expect(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'An account with this email already exists' });
  });

  it('refuses a weak password and names every failing field', async () => {
    const res = await t.http.post('/api/v1/auth/register').send({ email: 'not-an-email', password: 'short', fullName: '' }).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['email', 'fullName', 'password']);
    expect(res.body.message).toEqual(expect.arrayContaining(['password must be at least 12 characters long']));
  });

  it('refuses unknown fields such as role (no self-promotion)', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'sneaky@startup.test', password: 'correct horse battery', fullName: 'Sneaky', role: 'admin' })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'role', messages: ['role is not an accepted field'] }]);
    await t.http.post('/api/v1/auth/login').send({ email: 'sneaky@startup.test', password: 'correct horse battery' }).expect(401);
  });

  it('answers malformed JSON and wrong content with a JSON 400', async () => {
    const res = await t.http.post('/api/v1/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON' });
    const big = await t.http.post('/api/v1/auth/register').send({ email: 'a@b.test', password: 'x'.repeat(300_000), fullName: 'Big' }).expect(413);
    expect(big.body.statusCode).toBe(413);
  });

  it('logs in, and answers the same 401 for an unknown email and a wrong password', async () => {
    const founder = await registerFounder(t.http);
    const ok = await t.http.post('/api/v1/auth/login').send({ email: founder.email.toUpperCase(), password: 'founder-password-123' }).expect(200);
    expect(ok.body.user.id).toBe(founder.id);
    const wrong = await t.http.post('/api/v1/auth/login').send({ email: founder.email, password: 'not the password' }).expect(401);
    const unknown = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@startup.test', password: 'not the password' }).expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid email or password' });
  });

  it('answers 401 without a token, with a bad token, and with a token signed by another secret', async () => {
    await t.http.get('/api/v1/me').expect(401);
    await t.http.get('/api/v1/me').set('Authorization', 'Bearer nonsense').expect(401);
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJl';
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${forged}`).expect(401);
  });

  it('forbids a founder from creating users (403) or listing them', async () => {
    const founder = await registerFounder(t.http);
    await t.http
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${founder.token}`)
      .send({ email: 'adv@campus.test', fullName: 'Adv', role: 'advisor', password: 'staff-password-1234' })
      .expect(403);
    await t.http.get('/api/v1/users').set('Authorization', `Bearer ${founder.token}`).expect(403);
  });

  it('lets the admin create an advisor who then logs in, and lists staff by role', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin', capacity: 12, programmes: ['poc-funding'], languages: ['fr', 'en'] });
    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${advisor.token}`).expect(200);
    expect(me.body).toMatchObject({ role: 'advisor', fullName: 'Claire Martin', capacity: 12, programmes: ['poc-funding'], languages: ['fr', 'en'], active: true });
    // an advisor may not manage accounts
    await t.http.get('/api/v1/users').set('Authorization', `Bearer ${advisor.token}`).expect(403);

    const manager = await createStaff(t.http, adminToken, { role: 'programme_manager', programmes: ['startup-studio'] });
    const listed = await t.http.get('/api/v1/users?role=advisor').set('Authorization', `Bearer ${manager.token}`).expect(200);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(advisor.id);
    expect(listed.body.items.every((u: { role: string }) => u.role === 'advisor')).toBe(true);
    expect(listed.body.nextCursor).toBeNull();
  });

  it('pages through users with a cursor, without repeats', async () => {
    for (let i = 0; i < 5; i++) await createStaff(t.http, adminToken, { role: 'advisor' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http
        .get('/api/v1/users')
        .query({ role: 'advisor', limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${adminToken}`)
        .expect(200);
      seen.push(...res.body.items.map((u: { id: string }) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    await t.http.get('/api/v1/users?cursor=garbage').set('Authorization', `Bearer ${adminToken}`).expect(400);
  });

  it('deactivating a staff account stops its token at once', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    await t.http.patch(`/api/v1/users/${advisor.id}`).set('Authorization', `Bearer ${adminToken}`).send({ active: false }).expect(200);
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${advisor.token}`).expect(401);
    await t.http.patch('/api/v1/users/not-a-uuid').set('Authorization', `Bearer ${adminToken}`).send({ active: false }).expect(404);
    await t.http.patch('/api/v1/users/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${adminToken}`).send({ active: false }).expect(404);
  });

  it('updates my preferences', async () => {
    const founder = await registerFounder(t.http);
    const res = await t.http.patch('/api/v1/me/preferences').set('Authorization', `Bearer ${founder.token}`).send({ weeklyDigest: false, locale: 'en' }).expect(200);
    expect(res.body.preferences).toEqual({ weeklyDigest: false, locale: 'en' });
    await t.http.patch('/api/v1/me/preferences').set('Authorization', `Bearer ${founder.token}`).send({ weeklyDigest: 'yes' }).expect(400);
  });

  it('gives 429 with Retry-After after 10 failed logins for one email from one address, and only to that address', async () => {
    const founder = await registerFounder(t.http);
    for (let i = 0; i < 10; i++) {
      await t.http.post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.0.1').send({ email: founder.email, password: 'wrong password!' }).expect(401);
    }
    const res = await t.http.post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.0.1').send({ email: founder.email, password: 'founder-password-123' }).expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // the owner, elsewhere, is not locked out by someone else's guesses
    await t.http.post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.1.1').send({ email: founder.email, password: 'founder-password-123' }).expect(200);
  });

  it('sends security headers and a request id, never a stack', async () => {
    const res = await t.http.get('/api/v1/me').expect(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });
});
