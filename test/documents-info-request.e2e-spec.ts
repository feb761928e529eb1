import { auth, move, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

describe('an information request naming the documents it needs', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let advisor: { token: string };

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ env: { SMTP_URL: sink.url } });
    advisor = await createStaff(t.http, await login(t.http, ADMIN.email, ADMIN.password), { role: 'advisor' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it.each([
    ['en', 'Documents to attach to your application:', ['* financials', '* regulatory papers']],
    ['fr', 'Documents à joindre à votre candidature\u00a0:', ['* éléments financiers', '* documents réglementaires']],
  ] as const)('lists them in the %s email and on the timeline', async (locale, heading, lines) => {
    const c = await submitCase(t.http, {}, { locale });
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Please send these.', documents: ['financials', 'regulatory'] });

    const timeline = await t.http.get(`/api/v1/applications/${c.id}/timeline`).set(...auth(c.founder.token)).expect(200);
    const events = (timeline.body.items ?? timeline.body) as { type: string; data: Record<string, unknown> }[];
    expect(events.find((e) => e.type === 'status_changed' && e.data.to === 'info_requested')?.data.documents).toEqual(['financials', 'regulatory']);

    await sink.waitFor(() => sink.to(c.founder.email).some((m) => m.text.includes('Please send these.')));
    const email = sink.to(c.founder.email).find((m) => m.text.includes('Please send these.'));
    expect(email?.text).toContain([heading, ...lines].join('\n'));
    for (const line of lines) expect(email?.html).toContain(`>${line.slice(2)}</li>`);
  });

  it('says nothing of documents when none are named, and refuses them on another move (400)', async () => {
    const c = await submitCase(t.http, {}, { locale: 'en' });
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    const current = await t.http.get(`/api/v1/applications/${c.id}`).set(...auth(advisor.token)).expect(200);
    const refused = await t.http
      .post(`/api/v1/applications/${c.id}/transitions`)
      .set(...auth(advisor.token))
      .send({ to: 'declined', reason: 'Out of scope', documents: ['financials'], expectedVersion: current.body.version })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'documents', messages: [expect.stringContaining('info_requested')] }]);
    const badKind = await t.http
      .post(`/api/v1/applications/${c.id}/transitions`)
      .set(...auth(advisor.token))
      .send({ to: 'info_requested', message: 'More?', documents: ['selfie'], expectedVersion: current.body.version })
      .expect(400);
    expect(badKind.body.errors[0].field).toBe('documents');

    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Just a question.' });
    await sink.waitFor(() => sink.to(c.founder.email).some((m) => m.text.includes('Just a question.')));
    expect(sink.to(c.founder.email).find((m) => m.text.includes('Just a question.'))?.text).not.toContain('Documents to attach');
  });
});
