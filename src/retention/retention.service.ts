import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addCalendarDays, parisDate } from '../domain/business-calendar';
import { deleteDrafts, scrubPersonalData } from '../privacy/personal-data.repository';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { DocumentCleanupService } from '../documents/document-cleanup.service';
import { DocumentsRepository } from '../documents/documents.repository';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { PURGED, RetentionRepository, type RetentionKind } from './retention.repository';

const DAY = 86_400_000;
/** An abandoned draft (untouched) is deleted after this many days. */
export const DRAFT_RETENTION_DAYS = 180;
/** A closed case (decided or withdrawn) has its personal content purged after this many days. */
export const CLOSED_CASE_RETENTION_DAYS = 3 * 365;
/** Founders are warned this many days before. */
export const RETENTION_NOTICE_DAYS = 14;

/**
 * Data retention, run daily at 03:00 Europe/Paris: founders are warned two weeks before their
 * abandoned draft is deleted or their closed case's personal content is purged (as public case
 * platforms do), and it happens only once that warning is at least two weeks old — any activity
 * meanwhile restarts the clock. Anonymous statistics (statuses, dates, programmes) are kept.
 * The purge is an erasure's, for the case's content only (`scrubPersonalData` without an account).
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: RetentionRepository,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
    private readonly documents: DocumentsRepository,
    private readonly documentCleanup: DocumentCleanupService,
  ) {}

  onModuleInit(): void {
    this.registry.register('retention.run', async () => {
      const result = await this.run();
      if (result.purged + result.warned > 0) this.logger.log(`retention: ${result.warned} warned, ${result.purged} purged`);
    });
  }

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('retention', { pattern: '0 3 * * *', tz: 'Europe/Paris' }, { name: 'retention.run', data: {}, opts: { removeOnComplete: 20, removeOnFail: 20 } });
  }

  async run(): Promise<{ warned: number; purged: number }> {
    const now = this.clock.now();
    const documentKeys: string[] = [];
    const result = await this.transactions.run(async (em) => {
      if (!(await this.repository.tryLock(em))) return { warned: 0, purged: 0 };
      let warned = 0;
      let purged = 0;
      for (const kind of ['draft', 'closed_case'] as const) {
        const days = kind === 'draft' ? DRAFT_RETENTION_DAYS : CLOSED_CASE_RETENTION_DAYS;

        // warn: within the notice period
        const toWarn = await this.repository.toWarn(em, kind, new Date(now.getTime() - (days - RETENTION_NOTICE_DAYS) * DAY));
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
        const toPurge = await this.repository.toPurge(em, kind, new Date(now.getTime() - days * DAY), new Date(now.getTime() - RETENTION_NOTICE_DAYS * DAY));
        purged += await this.purge(em, kind, toPurge, now, documentKeys);
      }
      return { warned, purged };
    });
    // the documents' rows went with the purge; their bytes go now (or at the next document sweep)
    await this.documentCleanup.deleteBytes(documentKeys);
    return result;
  }

  private async purge(em: EntityManager, kind: RetentionKind, ids: string[], now: Date, documentKeys: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    documentKeys.push(...(await this.documents.detach(em, { applicationIds: ids }, now)));
    if (kind === 'draft') await deleteDrafts(em, ids);
    // the same scrubs as an erasure, for the case's content only (the account stays)
    else await scrubPersonalData(em, { userId: null, applicationIds: ids, now, placeholder: PURGED });
    return ids.length;
  }
}
