import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { auth, submitCase } from './support/cases';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const HOUR = 3600 * 1000;
const PASSWORD = 'founder-password-123';

/** The token of the link to `page` in a mail's text part, as a person would copy it. */
function linkToken(mail: ReceivedMail, page: 'verify-email' | 'password/reset' | 'invitation'): string {
  const match = new RegExp(`https://guichet\\.test/${page.replace('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in: ${mail.text}`);
  // the HTML part carries the same link
  expect(mail.html).toContain(`https://guichet.test/${page}?token&#x3D;${match[1]}`);
  return match[1];
}

let ipCounter = 0;
/** A fresh client address, so that one test's rate limits do not touch another's. */
const freshIp = (): string => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

describe('accounts: verified emails, password reset and change, logout, invitations', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { SMTP_URL: sink.url } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  async function mailTo(email: string, pattern: RegExp | string, count = 1): Promise<ReceivedMail> {
    await sink.waitFor(() => sink.toMatching(email, pattern).length >= count);
    return sink.toMatching(email, pattern)[count - 1];
  }

  async function signUp(locale: 'fr' | 'en', email: string): Promise<{ token: string; id: string; body: Record<string, unknown> }> {
    const res = await t.http.post('/api/v1/auth/register').set('X-Forwarded-For', freshIp()).send({ email, password: PASSWORD, fullName: 'Léa Dubois', locale }).expect(201);
    return { token: res.body.accessToken as string, id: res.body.user.id as string, body: res.body as Record<string, unknown> };
  }

  describe('email verification', () => {
    it('sends a verify-email at sign-up; the founder may write a draft but not submit until they follow the link', async () => {
      const founder = await signUp('en', 'verify.me@startup.test');
      expect(founder.body.user).toMatchObject({ email: 'verify.me@startup.test', emailVerified: false });

      const mail = await mailTo('verify.me@startup.test', 'verify-email?token=');
      expect(mail.subject).toBe('Confirm your email address for Guichet');
      expect(mail.text).toContain('Hello Léa Dubois,');
      expect(mail.text).toContain('verify.me@startup.test');
      expect(mail.text).toContain('This link works once, until');
      const token = linkToken(mail, 'verify-email');

      const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
      const refused = await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(403);
      expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'email_not_verified' });
      expect(refused.body.message).toMatch(/verify your email address/i);
      const still = await t.http.get(`/api/v1/applications/${draft.body.id}`).set(...auth(founder.token)).expect(200);
      expect(still.body.status).toBe('draft');

      const verified = await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(200);
      expect(verified.body.user).toMatchObject({ id: founder.id, emailVerified: true });
      // the same token keeps working (verification changes no session)
      const me = await t.http.get('/api/v1/me').set(...auth(founder.token)).expect(200);
      expect(me.body.emailVerified).toBe(true);
      await t.http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);

      const reused = await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(400);
      expect(reused.body.errors).toEqual([{ field: 'token', messages: ['token has already been used: this link works once'] }]);
    });

    it('writes it in French for a French founder', async () => {
      await signUp('fr', 'verifie.moi@startup.test');
      const mail = await mailTo('verifie.moi@startup.test', 'verify-email?token=');
      expect(mail.subject).toBe('Confirmez votre adresse e-mail pour Guichet');
      expect(mail.text).toContain('Bonjour Léa Dubois,');
      expect(mail.text).toContain('Confirmer mon adresse');
      expect(mail.html).toContain('<html lang="fr">');
    });

    it('refuses a forged, malformed or expired token with a 400 naming token, and unknown fields', async () => {
      const forged = await t.http.post('/api/v1/auth/verify-email').send({ token: 'A'.repeat(43) }).expect(400);
      expect(forged.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errors: [{ field: 'token', messages: ['token is not a valid link: copy the whole link from the email'] }] });
      const malformed = await t.http.post('/api/v1/auth/verify-email').send({ token: "'; DROP TABLE users; --" }).expect(400);
      expect(malformed.body.errors[0].field).toBe('token');
      const missing = await t.http.post('/api/v1/auth/verify-email').send({}).expect(400);
      expect(missing.body.errors[0].field).toBe('token');
      const extra = await t.http.post('/api/v1/auth/verify-email').send({ token: 'A'.repeat(43), userId: 'x' }).expect(400);
      expect(extra.body.errors).toEqual(expect.arrayContaining([{ field: 'userId', messages: ['userId is not an accepted field'] }]));

      await signUp('en', 'late.verifier@startup.test');
      const token = linkToken(await mailTo('late.verifier@startup.test', 'verify-email?token='), 'verify-email');
      t.clock.advance(7 * 24 * HOUR + 1000);
      try {
        const expired = await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(400);
        expect(expired.body.errors).toEqual([{ field: 'token', messages: ['token has expired: ask for a new link'] }]);
      } finally {
        t.clock.advance(-(7 * 24 * HOUR + 1000));
      }
    });

    it('sends the email again on request, at most 3 times an hour, with Retry-After; staff have nothing to resend', async () => {
      const founder = await signUp('en', 'resend.me@startup.test');
      await mailTo('resend.me@startup.test', 'verify-email?token=');
      const ip = freshIp();
      for (let i = 0; i < 3; i++) await t.http.post('/api/v1/auth/verify-email/resend').set('X-Forwarded-For', ip).set(...auth(founder.token)).expect(202);
      const limited = await t.http.post('/api/v1/auth/verify-email/resend').set('X-Forwarded-For', ip).set(...auth(founder.token)).expect(429);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);

      // four emails (sign-up and three resends), each with its own working link
      const last = await mailTo('resend.me@startup.test', 'verify-email?token=', 4);
      const tokens = new Set(sink.toMatching('resend.me@startup.test', 'verify-email?token=').map((m) => linkToken(m, 'verify-email')));
      expect(tokens.size).toBe(4);
      await t.http.post('/api/v1/auth/verify-email').send({ token: linkToken(last, 'verify-email') }).expect(200);

      const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
      await t.http.post('/api/v1/auth/verify-email/resend').set(...auth(advisor.token)).expect(403);
      await t.http.post('/api/v1/auth/verify-email/resend').expect(401);
    });

    it('sends nothing to a founder who is already verified', async () => {
      const founder = await registerFounder(t.http);
      await t.http.post('/api/v1/auth/verify-email/resend').set('X-Forwarded-For', freshIp()).set(...auth(founder.token)).expect(202);
      await new Promise((r) => setTimeout(r, 1500));
      expect(sink.toMatching(founder.email, 'verify-email?token=')).toEqual([]);
    });
  });

  describe('password reset', () => {
    it('answers the same whether or not the address exists, and emails a one-hour, single-use link that revokes every earlier token', async () => {
      const founder = await registerFounder(t.http, { email: 'forgetful@startup.test', locale: 'en' });
      const second = await login(t.http, 'forgetful@startup.test', PASSWORD);
      const known = await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email: ' Forgetful@Startup.test ' }).expect(202);
      const unknown = await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email: 'nobody.here@startup.test' }).expect(202);
      expect(known.body).toEqual(unknown.body);
      expect(known.text).toBe(unknown.text);

      const mail = await mailTo('forgetful@startup.test', 'password/reset?token=');
      expect(mail.subject).toBe('Reset your Guichet password');
      expect(mail.text).toContain('This link works once, until');
      const token = linkToken(mail, 'password/reset');

      const weak = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token, password: 'short' }).expect(400);
      expect(weak.body.errors).toEqual([{ field: 'password', messages: ['password must be at least 12 characters long'] }]);

      const reset = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token, password: 'a brand new passphrase' }).expect(200);
      expect(reset.body.user).toMatchObject({ id: founder.id, emailVerified: true });
      // every earlier token stops working; the new one works
      await t.http.get('/api/v1/me').set(...auth(founder.token)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(second)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(reset.body.accessToken as string)).expect(200);
      await t.http.post('/api/v1/auth/login').send({ email: 'forgetful@startup.test', password: PASSWORD }).expect(401);
      await login(t.http, 'forgetful@startup.test', 'a brand new passphrase');

      const reused = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token, password: 'yet another passphrase' }).expect(400);
      expect(reused.body.errors).toEqual([{ field: 'token', messages: ['token has already been used: this link works once'] }]);
      await new Promise((r) => setTimeout(r, 1000));
      expect(sink.to('nobody.here@startup.test')).toEqual([]);
    });

    it('refuses a link after its hour, and a forged one', async () => {
      await registerFounder(t.http, { email: 'slow.reader@startup.test', locale: 'fr' });
      await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email: 'slow.reader@startup.test' }).expect(202);
      const mail = await mailTo('slow.reader@startup.test', 'password/reset?token=');
      expect(mail.subject).toBe('Réinitialiser votre mot de passe Guichet');
      t.clock.advance(HOUR + 1000);
      try {
        const expired = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token: linkToken(mail, 'password/reset'), password: 'a brand new passphrase' }).expect(400);
        expect(expired.body.errors).toEqual([{ field: 'token', messages: ['token has expired: ask for a new link'] }]);
      } finally {
        t.clock.advance(-(HOUR + 1000));
      }
      const forged = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token: 'x'.repeat(43), password: 'a brand new passphrase' }).expect(400);
      expect(forged.body.errors[0].field).toBe('token');
      await login(t.http, 'slow.reader@startup.test', PASSWORD);
    });

    it('is limited to 3 an hour per address and 20 per client address, with Retry-After, known address or not', async () => {
      for (const email of ['limited@startup.test', 'limited.unknown@startup.test']) {
        if (email === 'limited@startup.test') await registerFounder(t.http, { email });
        for (let i = 0; i < 3; i++) await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email }).expect(202);
        const limited = await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email }).expect(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(limited.body.message).toMatch(/at most 3 password resets an hour/i);
      }
      const ip = freshIp();
      for (let i = 0; i < 20; i++) await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', ip).send({ email: `spray${i}@startup.test` }).expect(202);
      const sprayed = await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', ip).send({ email: 'spray-last@startup.test' }).expect(429);
      expect(Number(sprayed.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('refuses a malformed address and unknown fields', async () => {
      const bad = await t.http.post('/api/v1/auth/password/forgot').send({ email: 'not-an-email', role: 'admin' }).expect(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['email', 'role']);
    });
  });

  describe('password change and logout', () => {
    it('changes the password with the current one; other tokens stop working', async () => {
      const founder = await registerFounder(t.http);
      const other = await login(t.http, founder.email, PASSWORD);
      const wrong = await t.http.post('/api/v1/me/password').set(...auth(founder.token)).send({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' }).expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'currentPassword', messages: ['currentPassword is not your current password'] }]);
      const weak = await t.http.post('/api/v1/me/password').set(...auth(founder.token)).send({ currentPassword: PASSWORD, newPassword: 'short' }).expect(400);
      expect(weak.body.errors).toEqual([{ field: 'newPassword', messages: ['newPassword must be at least 12 characters long'] }]);
      await t.http.get('/api/v1/me').set(...auth(other)).expect(200); // refusals changed nothing

      const changed = await t.http.post('/api/v1/me/password').set(...auth(founder.token)).send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }).expect(200);
      expect(Object.keys(changed.body)).toEqual(['accessToken']);
      await t.http.get('/api/v1/me').set(...auth(founder.token)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(other)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(changed.body.accessToken as string)).expect(200);
      await t.http.post('/api/v1/auth/login').send({ email: founder.email, password: PASSWORD }).expect(401);
      await login(t.http, founder.email, 'a brand new passphrase');
    });

    it('limits password changes to 10 an hour, so a stolen session cannot guess the password', async () => {
      const founder = await registerFounder(t.http);
      for (let i = 0; i < 10; i++) {
        await t.http.post('/api/v1/me/password').set(...auth(founder.token)).send({ currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' }).expect(400);
      }
      const limited = await t.http.post('/api/v1/me/password').set(...auth(founder.token)).send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await t.http.post('/api/v1/auth/login').send({ email: founder.email, password: 'a brand new passphrase' }).expect(401);
    });

    it('refuses a token whose claims name no version or a version beyond the column, with 401', async () => {
      const founder = await registerFounder(t.http);
      const jwt = t.app.get(JwtService);
      for (const claims of [{ sub: founder.id, role: 'founder' }, { sub: founder.id, role: 'founder', ver: 2 ** 40, jti: randomUUID() }, { sub: founder.id, role: 'founder', ver: '0', jti: randomUUID() }, { sub: founder.id, role: 'founder', ver: 0, jti: 'x' }]) {
        const forged = await jwt.signAsync(claims);
        const res = await t.http.get('/api/v1/me').set(...auth(forged)).expect(401);
        expect(res.body.message).toBe('Invalid or expired token');
      }
      await t.http.get('/api/v1/me').set(...auth(await jwt.signAsync({ sub: founder.id, role: 'founder', ver: 0, jti: randomUUID() }))).expect(200);
    });

    it('logs out this token only, or every token of the account', async () => {
      const founder = await registerFounder(t.http);
      const laptop = await login(t.http, founder.email, PASSWORD);
      const phone = await login(t.http, founder.email, PASSWORD);

      await t.http.post('/api/v1/auth/logout').set(...auth(laptop)).expect(204);
      const after = await t.http.get('/api/v1/me').set(...auth(laptop)).expect(401);
      expect(after.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid or expired token' });
      await t.http.post('/api/v1/auth/logout').set(...auth(laptop)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(phone)).expect(200);
      await t.http.get('/api/v1/me').set(...auth(founder.token)).expect(200);

      await t.http.post('/api/v1/auth/logout?everywhere=maybe').set(...auth(phone)).expect(400);
      await t.http.post('/api/v1/auth/logout?everywhere=true').set(...auth(phone)).expect(204);
      await t.http.get('/api/v1/me').set(...auth(phone)).expect(401);
      await t.http.get('/api/v1/me').set(...auth(founder.token)).expect(401);
      // signing in again works
      const fresh = await login(t.http, founder.email, PASSWORD);
      await t.http.get('/api/v1/me').set(...auth(fresh)).expect(200);
      await t.http.post('/api/v1/auth/logout').expect(401);
    });

    it('keeps a token issued before a deactivation refused after the reactivation; so does an admin-set password', async () => {
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
      await t.http.get('/api/v1/me').set(...auth(advisor.token)).expect(200);
      await t.http.patch(`/api/v1/users/${advisor.id}`).set(...auth(adminToken)).send({ active: false }).expect(200);
      await t.http.get('/api/v1/me').set(...auth(advisor.token)).expect(401);
      await t.http.patch(`/api/v1/users/${advisor.id}`).set(...auth(adminToken)).send({ active: true }).expect(200);
      await t.http.get('/api/v1/me').set(...auth(advisor.token)).expect(401);
      const again = await login(t.http, advisor.email, 'staff-password-1234');
      await t.http.get('/api/v1/me').set(...auth(again)).expect(200);

      await t.http.patch(`/api/v1/users/${advisor.id}`).set(...auth(adminToken)).send({ password: 'chosen by the admin 42' }).expect(200);
      await t.http.get('/api/v1/me').set(...auth(again)).expect(401);
      await login(t.http, advisor.email, 'chosen by the admin 42');
    });
  });

  describe('staff invitations', () => {
    it('invites by email without a password; the link sets one and signs the person in, once', async () => {
      const created = await t.http
        .post('/api/v1/users')
        .set(...auth(adminToken))
        .send({ email: 'Invited.Advisor@Campus.test', fullName: 'Claire Martin', role: 'advisor', locale: 'en', capacity: 5 })
        .expect(201);
      expect(created.body).toMatchObject({ email: 'invited.advisor@campus.test', role: 'advisor', emailVerified: false, invitationPending: true });
      // before acceptance: no way in
      await t.http.post('/api/v1/auth/login').send({ email: 'invited.advisor@campus.test', password: '' }).expect(400);
      const denied = await t.http.post('/api/v1/auth/login').send({ email: 'invited.advisor@campus.test', password: 'any password at all' }).expect(401);
      expect(denied.body.message).toBe('Invalid email or password');
      // a reset would bypass the invitation: nothing is sent
      await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email: 'invited.advisor@campus.test' }).expect(202);

      const mail = await mailTo('invited.advisor@campus.test', 'invitation?token=');
      expect(mail.subject).toBe('Administrator invites you to Guichet');
      expect(mail.text).toContain('Hello Claire Martin,');
      expect(mail.text).toContain('Administrator has created an account for you on Guichet');
      expect(mail.text).toContain('with the role advisor');
      expect(mail.text).toContain('You sign in as invited.advisor@campus.test');
      const token = linkToken(mail, 'invitation');

      const weak = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'short' }).expect(400);
      expect(weak.body.errors).toEqual([{ field: 'password', messages: ['password must be at least 12 characters long'] }]);
      const accepted = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'my own passphrase' }).expect(200);
      expect(accepted.body.user).toMatchObject({ id: created.body.id, role: 'advisor', emailVerified: true, invitationPending: false, capacity: 5 });
      await t.http.get('/api/v1/applications').set(...auth(accepted.body.accessToken as string)).expect(200);
      await login(t.http, 'invited.advisor@campus.test', 'my own passphrase');

      const again = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'taking it over!!' }).expect(400);
      expect(again.body.errors).toEqual([{ field: 'token', messages: ['token has already been used: this link works once'] }]);
      await t.http.post('/api/v1/auth/login').send({ email: 'invited.advisor@campus.test', password: 'taking it over!!' }).expect(401);
      expect(sink.toMatching('invited.advisor@campus.test', 'password/reset?token=')).toEqual([]);

      const list = await t.http.get('/api/v1/users?role=advisor').set(...auth(adminToken)).expect(200);
      expect(list.body.items.find((u: { id: string }) => u.id === created.body.id)).toMatchObject({ invitationPending: false });
    });

    it('writes the invitation in French, refuses it after 7 days, and a reset link cannot accept it; the admin can send a new one', async () => {
      const created = await t.http.post('/api/v1/users').set(...auth(adminToken)).send({ email: 'gestionnaire@campus.test', fullName: 'Sophie Lefèvre', role: 'programme_manager' }).expect(201);
      const mail = await mailTo('gestionnaire@campus.test', 'invitation?token=');
      expect(mail.subject).toBe('Administrator vous invite sur Guichet');
      expect(mail.text).toContain('avec le rôle responsable de programme');
      const token = linkToken(mail, 'invitation');
      const wrongKind = await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token, password: 'my own passphrase' }).expect(400);
      expect(wrongKind.body.errors[0].field).toBe('token');
      t.clock.advance(7 * 24 * HOUR + 1000);
      try {
        const expired = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'my own passphrase' }).expect(400);
        expect(expired.body.errors).toEqual([{ field: 'token', messages: ['token has expired: ask for a new link'] }]);
      } finally {
        t.clock.advance(-(7 * 24 * HOUR + 1000));
      }
      const row = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [created.body.id]);
      expect(row.rows).toEqual([{ password_hash: null }]);

      // the admin sends it again: a new link works, the old one no longer does
      await t.http.post(`/api/v1/users/${created.body.id}/invitation`).set(...auth(adminToken)).expect(202);
      const second = await mailTo('gestionnaire@campus.test', 'invitation?token=', 2);
      const fresh = linkToken(second, 'invitation');
      expect(fresh).not.toBe(token);
      await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token, password: 'my own passphrase' }).expect(400);
      await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', freshIp()).send({ token: fresh, password: 'my own passphrase' }).expect(200);
      const again = await t.http.post(`/api/v1/users/${created.body.id}/invitation`).set(...auth(adminToken)).expect(409);
      expect(again.body.message).toBe('This invitation was already accepted');
      const founder = await registerFounder(t.http);
      await t.http.post(`/api/v1/users/${founder.id}/invitation`).set(...auth(adminToken)).expect(404);
    });

    it('keeps staff created with a password verified from the start', async () => {
      const res = await t.http.post('/api/v1/users').set(...auth(adminToken)).send({ email: 'direct@campus.test', fullName: 'Direct', role: 'advisor', password: 'staff-password-1234' }).expect(201);
      expect(res.body).toMatchObject({ emailVerified: true, invitationPending: false });
      await new Promise((r) => setTimeout(r, 800));
      expect(sink.to('direct@campus.test')).toEqual([]);
    });

    it('limits invitation attempts per client address, with Retry-After', async () => {
      const ip = freshIp();
      for (let i = 0; i < 20; i++) await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', ip).send({ token: `${'g'.repeat(40)}${String(i).padStart(3, '0')}`, password: 'my own passphrase' }).expect(400);
      const limited = await t.http.post('/api/v1/auth/invitation/accept').set('X-Forwarded-For', ip).send({ token: 'h'.repeat(43), password: 'my own passphrase' }).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('personal data', () => {
    it('erasure removes pending verification and reset links; the export lists none of them', async () => {
      const founder = await registerFounder(t.http, { verified: false });
      await t.http.post('/api/v1/auth/password/forgot').set('X-Forwarded-For', freshIp()).send({ email: founder.email }).expect(202);
      const verifyToken = linkToken(await mailTo(founder.email, 'verify-email?token='), 'verify-email');
      const resetToken = linkToken(await mailTo(founder.email, 'password/reset?token='), 'password/reset');

      const exported = await t.http.get('/api/v1/me/export').set(...auth(founder.token)).expect(200);
      const json = JSON.stringify(exported.body);
      const { rows: links } = await t.db.query<{ id: string; hash: string }>(`SELECT id, encode(token_hash, 'hex') AS hash FROM account_tokens WHERE user_id = $1`, [founder.id]);
      expect(links).toHaveLength(2);
      for (const secret of [verifyToken, resetToken, ...links.map((l) => l.id), ...links.map((l) => l.hash)]) expect(json).not.toContain(secret);
      expect(json).not.toMatch(/tokenId|token_hash|accountTokens/);

      await t.http.delete('/api/v1/me').set(...auth(founder.token)).expect(200);
      const { rows: left } = await t.db.query('SELECT count(*)::int AS n FROM account_tokens WHERE user_id = $1', [founder.id]);
      expect(left).toEqual([{ n: 0 }]);
      await t.http.post('/api/v1/auth/verify-email').send({ token: verifyToken }).expect(400);
      await t.http.post('/api/v1/auth/password/reset').set('X-Forwarded-For', freshIp()).send({ token: resetToken, password: 'a brand new passphrase' }).expect(400);
    });

    it('stores links as hashes only: the database never holds a token', async () => {
      const founder = await registerFounder(t.http, { verified: false });
      const token = linkToken(await mailTo(founder.email, 'verify-email?token='), 'verify-email');
      const { rows } = await t.db.query(`SELECT * FROM account_tokens WHERE user_id = $1`, [founder.id]);
      const { rows: emails } = await t.db.query(`SELECT * FROM emails WHERE recipient_id = $1`, [founder.id]);
      expect(JSON.stringify([rows, emails])).not.toContain(token);
      expect(JSON.stringify([rows, emails])).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
    });
  });

  it('declares every account route in the OpenAPI document, with its answers and errors', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: { $ref?: string } } }; headers?: Record<string, unknown> }> }>> };
    const ref = (path: string, status: string): string | undefined => doc.paths[`/api/v1${path}`]?.post?.responses[status]?.content?.['application/json'].schema.$ref;
    expect(ref('/auth/verify-email', '200')).toBe('#/components/schemas/UserResponse');
    expect(ref('/auth/password/reset', '200')).toBe('#/components/schemas/AuthResponse');
    expect(ref('/auth/invitation/accept', '200')).toBe('#/components/schemas/AuthResponse');
    expect(ref('/me/password', '200')).toBe('#/components/schemas/AccessTokenResponse');
    expect(ref('/users', '201')).toBe('#/components/schemas/UserView');
    for (const path of ['/auth/verify-email', '/auth/password/forgot', '/auth/password/reset', '/auth/invitation/accept', '/me/password', '/auth/logout']) {
      expect({ path, bad: ref(path, '400') }).toEqual({ path, bad: '#/components/schemas/ValidationErrorBody' });
    }
    for (const path of ['/auth/verify-email/resend', '/auth/password/forgot', '/auth/password/reset', '/auth/invitation/accept']) {
      expect({ path, retryAfter: Object.keys(doc.paths[`/api/v1${path}`].post.responses['429'].headers ?? {}) }).toEqual({ path, retryAfter: ['Retry-After'] });
    }
    expect(Object.keys(doc.paths['/api/v1/auth/verify-email/resend'].post.responses).sort()).toEqual(['202', '401', '403', '429']);
    expect(Object.keys(doc.paths['/api/v1/auth/logout'].post.responses).sort()).toEqual(['204', '400', '401']);
  });

  it('still lets the usual helpers submit (their founders verify as users do)', async () => {
    const c = await submitCase(t.http);
    expect(c.reference).toMatch(/^GU-\d{4}-\d{6}$/);
  });
});
