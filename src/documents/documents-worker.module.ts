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

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('documents-sweep', { every: SWEEP_EVERY_MS }, { name: 'documents.sweep', data: {}, opts: { removeOnComplete: 20, removeOnFail: 20 } });
  }
}

@Module({ providers: [DocumentSweepJob] })
export class DocumentsWorkerModule {}
