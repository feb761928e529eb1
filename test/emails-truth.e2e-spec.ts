import { auth, move, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

/**
 * Emails tell the truth (issue 12): who hears of a message in the thread and what it says, what
 * an assignment email says when things moved before it left, English from top to bottom, times
 * with their zone, and the headers of an automatic message.
 */
describe('emails that tell what happened', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    await sink.start();
    // Monday 7 December 2026, 10:00 Paris
    t = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { SMTP_URL: sink.url } });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  async function assign(caseId: string, token: string, assigneeId: string): Promise<void> {
    const current = await t.http.get(`/api/v1/applications/${caseId}`).set(...auth(token)).expect(200);
    await t.http.post(`/api/v1/applications/${caseId}/assign`).set(...auth(token)).send({ assigneeId, expectedVersion: current.body.version }).expect(200);
  }

  // (the account's own emails, e.g. verify-email at sign-up, are not this file's subject)
  const templatesTo = async (userId: string): Promise<string[]> =>
    (await t.db.query(`SELECT template FROM emails WHERE recipient_id = $1 AND template NOT IN ('verify-email', 'password-reset', 'invitation') ORDER BY created_at, template`, [userId])).rows.map(
      (r: { template: string }) => r.template,
    );

  describe('messages in the thread', () => {
    it.each([
      ['en', /a new message from the campus/, 'of the campus team, wrote to you', 'Could you come by on Thursday?'],
      ['fr', /nouveau message du campus/, 'de l’équipe du campus, vous a écrit', 'Pourriez-vous passer jeudi ?'],
    ] as const)('emails the founder (%s) when staff write to them outside a request', async (locale, subject, sentence, body) => {
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Claire Martin' });
      const c = await submitCase(t.http, { startupName: `Thread ${locale}` }, { locale });
      await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(advisor.token)).send({ body }).expect(201);
      await sink.waitFor(() => sink.to(c.founder.email).some((m) => subject.test(m.subject)));
      const mail = sink.to(c.founder.email).find((m) => subject.test(m.subject))!;
      expect(mail.subject).toMatch(subject);
      expect(mail.subject).toContain(c.reference);
      expect(mail.text).toContain(`Claire Martin, ${sentence}`);
      expect(mail.text).toContain(`> ${body}`);
      expect(mail.html).toContain(`/applications/${c.id}`);
      expect(await templatesTo(c.founder.id)).toEqual(['application-received', 'new-message']);
      // an automatic message (RFC 3834), identified on the app's own host (PUBLIC_URL https://guichet.test)
      const [{ id: emailId }] = (await t.db.query(`SELECT id FROM emails WHERE recipient_id = $1 AND template = 'new-message'`, [c.founder.id])).rows;
      expect(mail.header('auto-submitted')).toBe('auto-generated');
      expect(mail.messageId).toBe(`<${emailId}@guichet.test>`);
      // in the recipient's language from top to bottom, times with their zone
      if (locale === 'en') {
        expect(mail.text).toContain('Guichet — digital-health campus');
        expect(mail.text).toMatch(/Monday 7 December 2026 at 10:00, Paris time/);
        expect(mail.text).not.toMatch(/campus santé numérique|heure de Paris/);
      } else {
        expect(mail.text).toContain('Guichet — campus santé numérique');
        expect(mail.text).toMatch(/lundi 7 décembre 2026 à 10 h 00, heure de Paris/);
      }
    });

    it('tells the assignee of a founder’s message on a decided case plainly, without “back in review”', async () => {
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor', fullName: 'Hugo Lambert', locale: 'en' });
      const c = await submitCase(t.http, { startupName: 'Decided Co' }, { locale: 'fr', fullName: 'Camille Durand' });
      await assign(c.id, adminToken, advisor.id);
      await move(t.http, advisor.token, c.id, { to: 'in_review' });
      await move(t.http, advisor.token, c.id, { to: 'declined', reason: 'Outside health' });
      await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'Thank you, we will apply again next year.' }).expect(201);
      // (the assignment email may leave before the decline, or be skipped as moot after it)
      await sink.waitFor(() => sink.to(advisor.email).some((m) => m.subject.includes('new message')));
      const mail = sink.to(advisor.email).find((m) => m.subject.includes('new message'))!;
      expect(mail.subject).toBe(`${c.reference} — Decided Co: a new message from the founder`);
      expect(mail.text).toContain('Camille Durand wrote on case');
      expect(mail.text).toContain('(status: Declined)');
      expect(mail.text).toContain('> Thank you, we will apply again next year.');
      expect(mail.text).toContain('The case\'s status does not change.');
      expect(mail.text).not.toMatch(/answered your request|back in review/);
      expect(await templatesTo(advisor.id)).toEqual(['case-assigned', 'new-message']);
      // the case did not move
      const now = await t.http.get(`/api/v1/applications/${c.id}`).set(...auth(advisor.token)).expect(200);
      expect(now.body.status).toBe('declined');
    });

    it('still tells the assignee that an answer to a request brings the case back to review', async () => {
      const advisor = await createStaff(t.http, adminToken, { role: 'advisor', locale: 'en' });
      const c = await submitCase(t.http, {}, { locale: 'en' });
      await assign(c.id, adminToken, advisor.id);
      await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Which lab?' });
      await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'Inserm U1234.' }).expect(201);
      await sink.waitFor(() => sink.to(advisor.email).length === 2);
      expect(sink.toMatching(advisor.email, 'The case is back in review.')).toHaveLength(1);
      expect(await templatesTo(advisor.id)).toEqual(['case-assigned', 'founder-replied']);
    });
  });

  describe('written at the commit, sent later', () => {
    // an API alone writes the outbox; a worker started afterwards sends what is still true
    let api: TestApp;
    beforeAll(async () => {
      api = await createTestApp({ now: '2026-12-07T09:00:00Z', env: { APP_ROLE: 'api', SMTP_URL: sink.url } });
    });
    afterAll(() => api.close());

    async function assignOn(caseId: string, token: string, assigneeId: string): Promise<void> {
      const current = await api.http.get(`/api/v1/applications/${caseId}`).set(...auth(token)).expect(200);
      await api.http.post(`/api/v1/applications/${caseId}/assign`).set(...auth(token)).send({ assigneeId, expectedVersion: current.body.version }).expect(200);
    }

    it('says who assigned and the status then; skips an assignment made moot, and a self-assignment', async () => {
      const root = await login(api.http, ADMIN.email, ADMIN.password);
      const lead = await createStaff(api.http, root, { role: 'admin', fullName: 'Ada Lead', locale: 'en' });
      const [anna, ben, chloe] = await Promise.all([
        createStaff(api.http, root, { role: 'advisor', fullName: 'Anna Advisor', locale: 'en' }),
        createStaff(api.http, root, { role: 'advisor', fullName: 'Ben Advisor', locale: 'fr' }),
        createStaff(api.http, root, { role: 'advisor', fullName: 'Chloé Advisor', locale: 'en' }),
      ]);
      // referred seconds after its assignment: the assignment email is moot
      const referred = await submitCase(api.http, { startupName: 'Referred Soon' });
      await assignOn(referred.id, lead.token, anna.id);
      await move(api.http, lead.token, referred.id, { to: 'in_review' });
      await move(api.http, lead.token, referred.id, { to: 'referred', programme: 'external-incubator' });
      // assigned while submitted, then taken into review before the email left: it tells the assignment as it was
      const reviewed = await submitCase(api.http, { startupName: 'Reviewed Soon' });
      await assignOn(reviewed.id, lead.token, ben.id);
      await move(api.http, ben.token, reviewed.id, { to: 'in_review' });
      // an advisor taking a case: nobody needs to be told
      const taken = await submitCase(api.http, { startupName: 'Self Taken' });
      await assignOn(taken.id, chloe.token, chloe.id);

      const worker = await createTestApp({ shareDatabaseOf: api, now: '2026-12-07T09:05:00Z', env: { APP_ROLE: 'worker', SMTP_URL: sink.url } });
      try {
        await sink.waitFor(() => sink.to(ben.email).length === 1);
        const rows = async (): Promise<{ recipient_id: string; status: string; last_error: string | null }[]> =>
          (await api.db.query(`SELECT recipient_id, status, last_error FROM emails WHERE template = 'case-assigned' ORDER BY created_at`)).rows;
        for (let i = 0; i < 100 && (await rows()).some((r) => r.status === 'queued'); i++) await new Promise((r) => setTimeout(r, 100));
        expect((await rows()).map((r) => [r.recipient_id, r.status])).toEqual([
          [anna.id, 'skipped'],
          [ben.id, 'sent'],
        ]);
        expect((await rows())[0].last_error).toBe('the case was referred before the email left');
        expect(sink.to(anna.email)).toHaveLength(0);
        expect(sink.to(chloe.email)).toHaveLength(0);
        const mail = sink.to(ben.email)[0];
        expect(mail.text).toContain('Ada Lead vous a attribué le dossier ci-dessous');
        expect(mail.text).toContain('Déposé'); // the status when it was assigned, not in_review
        expect(mail.text).toContain('passez-le en examen');
      } finally {
        await worker.close();
      }
    });
  });
});
