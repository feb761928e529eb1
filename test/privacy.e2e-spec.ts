import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auth, move, submitCase } from './support/cases';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

async function waitUntilNoQueuedEmails(t: TestApp): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued'`);
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every text-like value of every row of every table, to look for a person's traces. */
async function everyText(t: TestApp): Promise<string> {
  const tables = await t.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  let all = '';
  for (const { table_name } of tables.rows) {
    const rows = await t.db.query(`SELECT to_jsonb(x)::text AS j FROM "${table_name}" x`);
    all += rows.rows.map((r: { j: string }) => r.j).join('\n');
  }
  return all;
}

describe("founders' data rights", () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    // no SMTP_URL: emails are written as .eml files, which erasure must remove too
    t = await createTestApp({ now: '2026-12-07T09:00:00Z' });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it('exports everything held about the founder as one JSON document', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    const c = await submitCase(t.http, { startupName: 'Exported Co' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Your deck?' });
    await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'Here it is' }).expect(201);
    await t.http.post(`/api/v1/applications/${c.id}/notes`).set(...auth(advisor.token)).send({ body: 'internal only' }).expect(201);
    await waitUntilNoQueuedEmails(t);

    const res = await t.http.get('/api/v1/me/export').set(...auth(c.founder.token)).expect(200);
    expect(res.body.account).toMatchObject({ id: c.founder.id, email: c.founder.email });
    expect(res.body.preferences).toEqual({ weeklyDigest: true, locale: 'fr' });
    expect(res.body.applications).toHaveLength(1);
    const app = res.body.applications[0];
    expect(app).toMatchObject({ reference: c.reference, startupName: 'Exported Co', status: 'in_review' });
    expect(app.messages.map((m: { body: string }) => m.body)).toEqual(['Your deck?', 'Here it is']);
    expect(app.timeline.map((e: { type: string }) => e.type)).toEqual(['submitted', 'status_changed', 'message_posted', 'status_changed']);
    expect(JSON.stringify(res.body)).not.toContain('internal only');
    expect(res.body.emails.map((e: { template: string }) => e.template).sort()).toEqual(['application-received', 'info-requested', 'verify-email']);
    await t.http.get('/api/v1/me/export').set(...auth(advisor.token)).expect(403);
  });

  it('erases the account everywhere, keeps anonymous statistics and an intact audit trail', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    const c = await submitCase(t.http, { startupName: 'Secret Therapeutics', projectSummary: 'An unpublished method to detect sepsis from routine blood counts, patent pending.' }, { fullName: 'Héloïse Quintard' });
    const draft = await t.http.post('/api/v1/applications').set(...auth(c.founder.token)).send({ ...COMPLETE_APPLICATION, startupName: 'Secret Draft' }).expect(201);
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'How many patients, Ms Founder?' });
    await t.http.post(`/api/v1/applications/${c.id}/messages`).set(...auth(c.founder.token)).send({ body: 'My phone is 06 12 34 56 78' }).expect(201);
    await t.http.post(`/api/v1/applications/${c.id}/notes`).set(...auth(advisor.token)).send({ body: 'Founder seems tired' }).expect(201);
    await waitUntilNoQueuedEmails(t);
    const emlBefore = readdirSync(t.config.mailDir).filter((f) => readFileSync(join(t.config.mailDir, f), 'utf8').includes(c.founder.email));
    expect(emlBefore.length).toBeGreaterThan(0);

    await t.http.delete('/api/v1/me').set(...auth(c.founder.token)).expect(200);

    // the account is gone: the token stops, the password no longer works
    await t.http.get('/api/v1/me').set(...auth(c.founder.token)).expect(401);
    const relogin = await t.http.post('/api/v1/auth/login').send({ email: c.founder.email, password: 'founder-password-123' }).expect(401);
    expect(relogin.body.message).toBe('Invalid email or password');

    // no trace of the person or their unpublished work anywhere in the database
    const all = await everyText(t);
    for (const secret of [c.founder.email, 'Secret Therapeutics', 'Secret Draft', 'sepsis', '06 12 34 56 78', 'Ms Founder', 'Founder seems tired', 'Héloïse Quintard']) {
      expect([secret, all.includes(secret)]).toEqual([secret, false]);
    }
    // nor in the .eml files
    const emlAfter = readdirSync(t.config.mailDir).filter((f) => readFileSync(join(t.config.mailDir, f), 'utf8').includes(c.founder.email));
    expect(emlAfter).toEqual([]);

    // statistics survive: the case is still counted, withdrawn, with its dates and programme
    const row = await t.db.query('SELECT status, submitted_at, withdrawn_at, stage, trl, top_programme FROM applications WHERE id = $1', [c.id]);
    expect(row.rows[0]).toMatchObject({ status: 'withdrawn', stage: 'idea', trl: 3, top_programme: 'poc-funding' });
    expect(row.rows[0].submitted_at).toBeInstanceOf(Date);
    const draftRow = await t.db.query('SELECT 1 FROM applications WHERE id = $1', [draft.body.id]);
    expect(draftRow.rows).toEqual([]);
    // the audit trail still verifies
    const verify = await t.http.get(`/api/v1/applications/${c.id}/timeline/verify`).set(...auth(adminToken)).expect(200);
    expect(verify.body.intact).toBe(true);
    // the same email address may sign up again as a new person
    await t.http.post('/api/v1/auth/register').set('X-Forwarded-For', '10.9.9.9').send({ email: c.founder.email, password: 'a brand new password', fullName: 'New Person' }).expect(201);
  });

  it('sends nothing more to an erased founder, even what was already queued', async () => {
    // an API without a worker: emails wait in the outbox
    const api = await createTestApp({ env: { APP_ROLE: 'api' } });
    try {
      const apiAdmin = await login(api.http, ADMIN.email, ADMIN.password);
      const advisorToken = (await createStaff(api.http, apiAdmin, { role: 'advisor' })).token;
      const c = await submitCase(api.http, {}, { fullName: 'Octave Lerouge' });
      await move(api.http, advisorToken, c.id, { to: 'info_requested', message: 'Anything?' });
      const queued = await api.db.query(`SELECT count(*)::int AS n FROM emails WHERE recipient_id = $1 AND status = 'queued'`, [c.founder.id]);
      expect(queued.rows[0].n).toBe(3); // the verification email of the sign-up, the acknowledgement, the request
      await api.http.delete('/api/v1/me').set(...auth(c.founder.token)).expect(200);
      const rows = await api.db.query(`SELECT status, recipient_email, last_error FROM emails WHERE recipient_id = $1`, [c.founder.id]);
      expect(rows.rows).toEqual([
        { status: 'skipped', recipient_email: null, last_error: 'recipient erased' },
        { status: 'skipped', recipient_email: null, last_error: 'recipient erased' },
        { status: 'skipped', recipient_email: null, last_error: 'recipient erased' },
      ]);
      // a worker comes up: it has nothing to send to them
      const worker = await createTestApp({ shareDatabaseOf: api, env: { APP_ROLE: 'worker' } });
      await new Promise((r) => setTimeout(r, 1500));
      expect(readdirSync(worker.config.mailDir)).toEqual([]);
      await worker.close();
    } finally {
      await api.close();
    }
  });
});
