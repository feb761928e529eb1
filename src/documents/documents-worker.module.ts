import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { DocumentCleanupService } from './document-cleanup.service';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** Every 10 minutes: deletes the bytes no document row names any more (see DocumentCleanupService). */
@Injectable()
export class DocumentSweepJob implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Documents');

  constructor(
    private readonly cleanup: DocumentCleanupService,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.registry.register('documents.sweep', async () => {
      const deleted = await this.cleanup.sweep();
      if (deleted > 0) this.logger.log(`document sweep: ${deleted} orphaned files deleted`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues
        .queue('scheduler')
        .upsertJobScheduler('documents-sweep', { every: SWEEP_EVERY_MS }, { name: 'documents.sweep', data: {}, opts: { removeOnComplete: 20, removeOnFail: 20 } });
    } catch (error) {
      this.logger.warn(`document sweep schedule not registered yet (Redis unavailable?): ${(error as Error).message}`);
    }
  }
}

@Module({ providers: [DocumentSweepJob] })
export class DocumentsWorkerModule {}
