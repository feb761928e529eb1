import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { DigestsService } from './digests.service';

/**
 * Every Monday 08:00 Europe/Paris (DIGEST_CRON): one BullMQ job scheduler, upserted under a
 * fixed id by every worker at boot (the same id → one schedule, however many processes).
 */
@Injectable()
export class DigestSchedulerService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Digests');

  constructor(
    private readonly digests: DigestsService,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register('digests.run', async () => {
      const result = await this.digests.run();
      this.logger.log(`weekly digests ${result.week}: ${result.queued} queued (${result.figureQueries} queries)`);
    });
  }

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('weekly-digests', { pattern: this.config.digestCron, tz: 'Europe/Paris' }, { name: 'digests.run', data: {}, opts: { removeOnComplete: 50, removeOnFail: 50 } });
  }
}
