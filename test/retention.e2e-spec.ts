import { RetentionService } from '../src/retention/retention.service';
import { auth, move, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const DAY = 86_400_000;

describe('data retention', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let retention: RetentionService;

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ now: '2026-01-05T09:00:00Z', env: { SMTP_URL: sink.url } });
    retention = t.app.get(RetentionService);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('warns two weeks before deleting an abandoned draft, and deletes it only after the warning', async () => {
    const start = new Date('2026-01-05T09:00:00Z').getTime();
    const founder = await registerFounder(t.http);
    const kept = await registerFounder(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(founder.token)).send({ startupName: 'Forgotten Draft' }).expect(201);
    const revived = await t.http.post('/api/v1/applications').set(...auth(kept.token)).send({ startupName: 'Revived Draft' }).expect(201);

    t.clock.set(new Date(start + 165 * DAY));
    expect(await retention.run()).toEqual({ warned: 0, purged: 0 });
    t.clock.set(new Date(start + 167 * DAY)); // inside the 14-day notice
    expect((await retention.run()).warned).toBe(2);
    expect((await retention.run()).warned).toBe(0); // once
    await sink.waitFor(() => sink.to(founder.email).length === 1 && sink.to(kept.email).length === 1);
    expect(sink.to(founder.email)[0].text).toContain('Forgotten Draft');

    // one founder comes back and edits: their clock restarts
    await t.http.patch(`/api/v1/applications/${revived.body.id}`).set(...auth(kept.token)).send({ trl: 3 }).expect(200);

    t.clock.set(new Date(start + 181 * DAY + 1000)); // past 180 days and 14 days after the warning
    const result = await retention.run();
    expect(result.purged).toBe(1);
    expect((await t.db.query('SELECT 1 FROM applications WHERE id = $1', [draft.body.id])).rows).toEqual([]);
    expect((await t.db.query('SELECT 1 FROM applications WHERE id = $1', [revived.body.id])).rows).toHaveLength(1);
  });

  it('purges the personal content of a case closed three years ago, keeping its statistics and audit trail', async () => {
    t.clock.set('2026-01-05T09:00:00Z');
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    const advisor = await createStaff(t.http, admin, { role: 'advisor' });
    const c = await submitCase(t.http, { startupName: 'Old Closed Co' });
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'declined', reason: 'Outside health' });
    const closedAt = new Date('2026-01-05T09:00:00Z').getTime();
    t.clock.set(new Date(closedAt + (3 * 365 - 10) * DAY));
    await retention.run();
    t.clock.set(new Date(closedAt + (3 * 365 + 5) * DAY));
    expect((await retention.run()).purged).toBeGreaterThanOrEqual(1);
    const row = await t.db.query('SELECT startup_name, project_summary, status, decided_at FROM applications WHERE id = $1', [c.id]);
    expect(row.rows[0]).toMatchObject({ startup_name: '[purged]', project_summary: null, status: 'declined' });
    const verify = await t.http.get(`/api/v1/applications/${c.id}/timeline/verify`).set(...auth(admin)).expect(200);
    expect(verify.body.intact).toBe(true);
  });
});
