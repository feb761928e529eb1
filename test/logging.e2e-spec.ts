import { auth, move, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

/**
 * Logs that follow a request and a job (issue 12): every line written while serving a request
 * carries its request id and the user's id; every line written while running a job carries the
 * queue, the job id and the email or case it is about. The app's real log lines are captured.
 */
describe('logs that follow a request and a job', () => {
  const sink = new SmtpSink();
  const lines: Record<string, unknown>[] = [];
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({
      now: '2026-12-07T09:00:00Z',
      env: { SMTP_URL: sink.url, LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('writes the request id and the user id on every line of a request, deep in the services too', async () => {
    const c = await submitCase(t.http);
    const requestId = 'erase-request-0001';
    const before = lines.length;
    // erasing an account logs from the privacy service, well below the controller
    await t.http.delete('/api/v1/me').set(...auth(c.founder.token)).set('x-request-id', requestId).expect((res) => expect([200, 204]).toContain(res.status));
    const written = lines.slice(before).filter((l) => l.requestId === requestId || JSON.stringify(l).includes(requestId));
    const serviceLine = written.find((l) => typeof l.msg === 'string' && (l.msg as string).includes('erased'));
    expect(serviceLine).toMatchObject({ requestId, userId: c.founder.id, context: 'Privacy' });
    const requestLine = written.find((l) => l.msg === 'request completed');
    expect(requestLine).toMatchObject({ requestId, userId: c.founder.id });
    // no line of that request lacks them
    for (const line of written) expect({ msg: line.msg, requestId: line.requestId, userId: line.userId }).toEqual({ msg: line.msg, requestId, userId: c.founder.id });
    // an anonymous request has its id, and no user
    const before2 = lines.length;
    await t.http.get('/api/v1/programmes').set('x-request-id', 'anonymous-0002').expect(200);
    const anonymous = lines.slice(before2).find((l) => l.requestId === 'anonymous-0002');
    expect(anonymous).toBeDefined();
    expect(anonymous?.userId).toBeUndefined();
  });

  it('writes the queue, the job id and the email and case ids on every line of a job', async () => {
    const advisor = await createStaff(t.http, adminToken, { role: 'advisor' });
    const c = await submitCase(t.http, {}, { locale: 'en' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Which lab?' });
    await sink.waitFor(() => sink.to(c.founder.email).length === 2);
    const emails: { id: string; template: string }[] = (await t.db.query('SELECT id, template FROM emails WHERE application_id = $1', [c.id])).rows;
    for (let i = 0; i < 50 && !emails.every((e) => lines.some((l) => l.emailId === e.id && typeof l.msg === 'string' && (l.msg as string).endsWith('sent'))); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const email of emails) {
      const sent = lines.find((l) => l.emailId === email.id && l.msg === `${email.template} sent`);
      expect(sent).toMatchObject({ queue: 'emails', job: 'email.send', jobId: expect.any(String), emailId: email.id, caseId: c.id, attempt: 1, context: 'EmailSender' });
      // and nothing of a request leaks into a job's lines
      expect(sent).not.toHaveProperty('requestId');
    }
  });
});
