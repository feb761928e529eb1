import { readdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { mailFilePrefix } from '../src/notifications/mail/mail-transport';
import { EmailOutboxRepository } from '../src/notifications/email-outbox.repository';
import { enqueueEmails } from '../src/notifications/outbox/email-outbox';
import { appendCaseEvent } from '../src/timeline/case-events';
import { auth, submitCase } from './support/cases';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, createTestApp, login, TestApp } from './support/test-app';

async function until(predicate: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  lease_id: string | null;
  locked_until: Date | null;
}

async function receivedEmail(t: TestApp, applicationId: string): Promise<OutboxRow | undefined> {
  const res = await t.db.query<OutboxRow>(`SELECT id, status, attempts, lease_id, locked_until FROM emails WHERE application_id = $1 AND template = 'application-received'`, [applicationId]);
  return res.rows[0];
}

describe('email sender: claim, commit, send, record', () => {
  describe('to .eml files (no SMTP_URL)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('a sender that dies after the SMTP exchange and before the record: the lease lapses, the email goes out as attempt 2, both attempts are counted and kept', async () => {
      // the first send of the email below "dies" between the transport's acceptance and the
      // record: what a kill -9 at that instant leaves (the one documented double-send window)
      const outbox = t.app.get(EmailOutboxRepository);
      const recordSent = outbox.recordSent.bind(outbox);
      let died = 0;
      outbox.recordSent = async (sent, now) => {
        if (died === 0) {
          const [row]: { n: number }[] = (await t.db.query(`SELECT count(*)::int AS n FROM emails WHERE id = ANY($1::uuid[]) AND template = 'application-received'`, [sent.map((s) => s.claim.id)])).rows;
          if (row.n > 0) {
            died++;
            throw new Error('killed');
          }
        }
        return recordSent(sent, now);
      };
      try {
        const c = await submitCase(t.http);
        await until(async () => died === 1, 'the first attempt');
        // the dead attempt is counted, and its lease still stands: nobody sends it meanwhile
        const dead = (await receivedEmail(t, c.id)) as OutboxRow;
        expect(dead).toMatchObject({ status: 'queued', attempts: 1 });
        expect(dead.lease_id).not.toBeNull();
        expect(dead.locked_until).not.toBeNull();
        const adminToken = await login(t.http, ADMIN.email, ADMIN.password);
        const log = await t.http.get('/api/v1/emails').query({ recipient: c.founder.email }).set(...auth(adminToken)).expect(200);
        expect(log.body.items.find((e: { template: string }) => e.template === 'application-received')).toMatchObject({ status: 'queued', attempts: 1 });

        // the lease lapses (EMAIL_LEASE_MS, two minutes by default, timed by the database's clock):
        // the relay hands the email out again
        await t.db.query(`UPDATE emails SET locked_until = now() - interval '1 second' WHERE id = $1`, [dead.id]);
        await until(async () => (await receivedEmail(t, c.id))?.status === 'sent', 'the second attempt');
        const sent = (await receivedEmail(t, c.id)) as OutboxRow;
        expect(sent).toMatchObject({ status: 'sent', attempts: 2, lease_id: null, locked_until: null });
        const files = readdirSync(t.config.mailDir).filter((f) => f.startsWith(mailFilePrefix(sent.id))).sort();
        expect(files).toHaveLength(2);
        expect(files[0].startsWith(`${mailFilePrefix(sent.id)}1.`)).toBe(true);
        expect(files[1].startsWith(`${mailFilePrefix(sent.id)}2.`)).toBe(true);
        const after = await t.http.get('/api/v1/emails').query({ recipient: c.founder.email }).set(...auth(adminToken)).expect(200);
        expect(after.body.items.find((e: { template: string }) => e.template === 'application-received')).toMatchObject({ status: 'sent', attempts: 2 });
      } finally {
        outbox.recordSent = recordSent;
      }
    });
  });

  describe('over SMTP', () => {
    const sink = new SmtpSink();
    let t: TestApp;
    beforeAll(async () => {
      await sink.start();
      t = await createTestApp({ env: { SMTP_URL: sink.url } });
    });
    afterAll(async () => {
      await t.close();
      await sink.stop();
    });

    it('holds no transaction open while the SMTP server takes its time', async () => {
      // let the founder's emails go out, then hold the next message
      const c = await submitCase(t.http);
      await until(async () => (await t.db.query(`SELECT 1 FROM emails WHERE status = 'queued'`)).rows.length === 0, 'the first emails');
      sink.holdAfter = sink.received.length;
      await t.app.get(DataSource).transaction((em) =>
        enqueueEmails(em, [{ template: 'application-received', recipientId: c.founder.id, eventKey: 'held-by-the-sink', applicationId: c.id }], t.clock.now()),
      );
      await sink.waitFor(() => sink.heldCount >= 1, 30000);
      // a sender is in the middle of an SMTP exchange: its claim is committed (attempt counted,
      // lease taken) and no session of the app sits in an open transaction holding locks
      await until(async () => {
        const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued' AND lease_id IS NOT NULL AND attempts = 1`);
        return rows.rows[0].n >= 1;
      }, 'a committed claim');
      // the SMTP exchange is held for as long as the test likes: a transaction kept open across it
      // would show in every reading, while a statement in flight at one reading (the relay's scan
      // takes its row locks for the length of a short transaction) is gone at the next
      const open = async (): Promise<unknown[]> =>
        (
          await t.db.query(
            `SELECT pid, state, query FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' AND backend_xid IS NOT NULL`,
          )
        ).rows;
      const locks = async (): Promise<unknown[]> =>
        (
          await t.db.query(
            // this database's locks only: the test databases are copies of one template, so another
            // test's `emails` table has the same relation oid in pg_locks (which lists every database's)
            `SELECT l.pid, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
             WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND c.relname = 'emails' AND l.pid <> pg_backend_pid() AND l.mode <> 'AccessShareLock'`,
          )
        ).rows;
      await until(async () => (await open()).length === 0 && (await locks()).length === 0, 'no transaction holding locks on emails during the SMTP exchange', 5000).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify({ open: await open(), locks: await locks() })}`);
      });
      expect(sink.heldCount).toBeGreaterThanOrEqual(1);
      sink.release();
      await until(async () => (await t.db.query(`SELECT 1 FROM emails WHERE status = 'queued'`)).rows.length === 0, 'the held email');
      const [held] = (await t.db.query(`SELECT status, attempts FROM emails WHERE dedupe_key LIKE 'application-received:held-by-the-sink:%'`)).rows;
      expect(held).toEqual({ status: 'sent', attempts: 1 });
    });
  });

  describe('lock order between writing emails and working on cases', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { APP_ROLE: 'api' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('a transaction writing emails about cases A and B never deadlocks with one appending events to B then A', async () => {
      const a = await submitCase(t.http);
      const b = await submitCase(t.http);
      const dataSource = t.app.get(DataSource);
      const caseWork = dataSource.createQueryRunner();
      const mailWork = dataSource.createQueryRunner();
      await caseWork.connect();
      await mailWork.connect();
      try {
        const [{ pid }]: { pid: number }[] = await mailWork.query('SELECT pg_backend_pid() AS pid');
        const now = t.clock.now();
        const event = (applicationId: string) => ({ applicationId, at: now, type: 'sla_at_risk' as const, actor: null, public: false, data: { serviceLevel: 'decision', dueAt: now.toISOString() } });
        await caseWork.startTransaction();
        await mailWork.startTransaction();
        // 1. the case worker (e.g. the reminder scan) locks B
        await appendCaseEvent(caseWork.manager, event(b.id));
        // 2. the email writer (e.g. a bulk enqueue) references A, then B (foreign-key checks in that order)
        const writing = enqueueEmails(
          mailWork.manager,
          [
            { template: 'application-received', recipientId: a.founder.id, eventKey: 'lock-order-1', applicationId: a.id },
            { template: 'application-received', recipientId: b.founder.id, eventKey: 'lock-order-2', applicationId: b.id },
          ],
          now,
        ).then(
          (n) => ({ ok: true as const, n }),
          (error: Error) => ({ ok: false as const, error }),
        );
        // wait until the writer is done or stuck behind B
        let done = false;
        void writing.then(() => (done = true));
        await until(async () => done || (await t.db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid])).rows.length > 0, 'the email writer');
        // 3. the case worker now locks A: with FOR UPDATE case locks, this closed a cycle (deadlock detected)
        const second = await appendCaseEvent(caseWork.manager, event(a.id)).then(
          () => ({ ok: true as const }),
          (error: Error) => ({ ok: false as const, error }),
        );
        await caseWork.commitTransaction().catch(() => undefined);
        const written = await writing;
        if (written.ok) await mailWork.commitTransaction();
        expect(second).toEqual({ ok: true });
        expect(written).toEqual({ ok: true, n: 2 });
      } finally {
        if (caseWork.isTransactionActive) await caseWork.rollbackTransaction().catch(() => undefined);
        if (mailWork.isTransactionActive) await mailWork.rollbackTransaction().catch(() => undefined);
        await caseWork.release();
        await mailWork.release();
      }
      const events = await t.db.query(`SELECT application_id FROM case_events WHERE type = 'sla_at_risk' AND application_id = ANY($1::uuid[])`, [[a.id, b.id]]);
      expect(events.rows).toHaveLength(2);
      const emails = await t.db.query(`SELECT dedupe_key FROM emails WHERE dedupe_key LIKE 'application-received:lock-order-%'`);
      expect(emails.rows).toHaveLength(2);
    });
  });
});
