import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { addCalendarDays, parisDate } from '../domain/business-calendar';
import { closedSql, statusIn } from '../domain/case-sql';
import type { CaseStatus } from '../domain/case-state-machine';
import { PERSONAL_DATA_SCRUBS } from '../privacy/personal-data';
import { Clock } from '../common/clock';
import { DocumentCleanupService } from '../documents/document-cleanup.service';
import { DocumentsRepository } from '../documents/documents.repository';
import { EmailComposer } from '../notifications/email-composer';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';

const DAY = 86_400_000;
/** An abandoned draft (untouched) is deleted after this many days. */
export const DRAFT_RETENTION_DAYS = 180;
/** A closed case (decided or withdrawn) has its personal content purged after this many days. */
export const CLOSED_CASE_RETENTION_DAYS = 3 * 365;
/** Founders are warned this many days before. */
export const RETENTION_NOTICE_DAYS = 14;
const RETENTION_LOCK = 724_130_004;
export const PURGED = '[purged]';

interface Candidate {
  id: string;
  owner_id: string;
  last_activity: Date;
}

/**
 * Data retention, run daily at 03:00 Europe/Paris: founders are warned two weeks before their
 * abandoned draft is deleted or their closed case's personal content is purged (as public case
 * platforms do), and it happens only once that warning is at least two weeks old — any activity
 * meanwhile restarts the clock. Anonymous statistics (statuses, dates, programmes) are kept.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
    private readonly composer: EmailComposer,
    private readonly documents: DocumentsRepository,
    private readonly documentCleanup: DocumentCleanupService,
  ) {}

  onModuleInit(): void {
    this.registry.register('retention.run', async () => {
      const result = await this.run();
      if (result.purged + result.warned > 0) this.logger.log(`retention: ${result.warned} warned, ${result.purged} purged`);
    });
    this.composer.register('retention-warning', async (em, email, recipient, base) => {
      const rows: { id: string; reference: string; startup_name: string; status: CaseStatus }[] = await em.query('SELECT id, reference, startup_name, status FROM applications WHERE id = $1', [email.application_id]);
      const app = rows[0];
      if (!app) return { send: false, why: 'already purged' };
      const lastActivity = new Date(String(email.data.lastActivity));
      return {
        send: true,
        context: {
          ...base,
          kind: email.data.kind === 'draft' ? 'draft' : 'closed_case',
          application: { id: app.id, reference: app.reference, startupName: app.startup_name, status: app.status },
          lastActivityAt: lastActivity,
          purgeOn: String(email.data.purgeOn),
        },
      };
    });
  }

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('retention', { pattern: '0 3 * * *', tz: 'Europe/Paris' }, { name: 'retention.run', data: {}, opts: { removeOnComplete: 20, removeOnFail: 20 } });
  }

  async run(): Promise<{ warned: number; purged: number }> {
    const now = this.clock.now();
    const documentKeys: string[] = [];
    const result = await this.dataSource.transaction(async (em) => {
      const [{ locked }]: { locked: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RETENTION_LOCK]);
      if (!locked) return { warned: 0, purged: 0 };
      let warned = 0;
      let purged = 0;
      for (const kind of ['draft', 'closed_case'] as const) {
        const days = kind === 'draft' ? DRAFT_RETENTION_DAYS : CLOSED_CASE_RETENTION_DAYS;
        const activity = kind === 'draft' ? 'a.updated_at' : 'coalesce(a.decided_at, a.withdrawn_at)';
        const scope = kind === 'draft' ? statusIn('a.status', ['draft']) : `${closedSql()} AND a.startup_name <> '${PURGED}'`;

        // warn: within the notice period
        const toWarn: Candidate[] = await em.query(
          `SELECT a.id, a.owner_id, ${activity} AS last_activity FROM applications a
           JOIN users u ON u.id = a.owner_id AND u.erased_at IS NULL
           WHERE ${scope} AND ${activity} < $1`,
          [new Date(now.getTime() - (days - RETENTION_NOTICE_DAYS) * DAY)],
        );
        warned += await enqueueEmails(
          em,
          toWarn.map((c) => ({
            template: 'retention-warning',
            recipientId: c.owner_id,
            eventKey: `${c.id}:${c.last_activity.toISOString()}`,
            applicationId: c.id,
            data: { kind, lastActivity: c.last_activity.toISOString(), purgeOn: addCalendarDays(parisDate(now), RETENTION_NOTICE_DAYS) },
          })),
          now,
        );

        // purge: past the retention period, and warned about this very period at least two weeks ago
        const toPurge: { id: string }[] = await em.query(
          `SELECT a.id FROM applications a
           WHERE ${scope} AND ${activity} < $1
             AND EXISTS (SELECT 1 FROM emails e WHERE e.dedupe_key = 'retention-warning:' || a.id || ':' || to_char(${activity} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':' || a.owner_id
                         AND e.available_at <= $2)`,
          [new Date(now.getTime() - days * DAY), new Date(now.getTime() - RETENTION_NOTICE_DAYS * DAY)],
        );
        purged += await this.purge(em, kind, toPurge.map((r) => r.id), now, documentKeys);
      }
      return { warned, purged };
    });
    // the documents' rows went with the purge; their bytes go now (or at the next document sweep)
    await this.documentCleanup.deleteBytes(documentKeys);
    return result;
  }

  private async purge(em: EntityManager, kind: 'draft' | 'closed_case', ids: string[], now: Date, documentKeys: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    documentKeys.push(...(await this.documents.detach(em, { applicationIds: ids }, now)));
    if (kind === 'draft') {
      await em.query('DELETE FROM emails WHERE application_id = ANY($1::uuid[])', [ids]);
      await em.query('DELETE FROM applications WHERE id = ANY($1::uuid[])', [ids]);
      return ids.length;
    }
    // the same scrubs as an erasure, for the case's content only (the account stays)
    const scope = { userId: '', applicationIds: ids, now, placeholder: PURGED };
    for (const step of PERSONAL_DATA_SCRUBS.filter((x) => x.of === 'case')) await step.scrub(em, scope);
    return ids.length;
  }
}
