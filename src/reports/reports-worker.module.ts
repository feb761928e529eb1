import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { QueueService } from '../queue/queue.service';
import { FunnelRollup } from './funnel-rollup';
import { FunnelRepository } from './funnel.repository';

/**
 * Daily at 02:30 Europe/Paris: rolls the funnel's days of the last 400 up, so that the first
 * report of the day over a long period reads them instead of the timeline. Idempotent (days
 * already rolled up and still fresh are skipped); safe on several workers (two runs at once
 * conflict on the same days and one of them skips them).
 */
@Injectable()
export class FunnelRollupJob implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('FunnelRollup');

  constructor(
    private readonly rollup: FunnelRollup,
    private readonly clock: Clock,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.registry.register('reports.rollup', async () => {
      const started = Date.now();
      const days = await this.rollup.warm(this.clock.now());
      if (days > 0) this.logger.log(`funnel rollup: ${days} days in ${Date.now() - started} ms`);
    });
  }

  onApplicationBootstrap(): void {
    // idempotent, and never blocks the boot (see QueueService.schedule)
    this.queues.schedule('funnel-rollup', { pattern: '30 2 * * *', tz: 'Europe/Paris' }, { name: 'reports.rollup', data: {}, opts: { removeOnComplete: 20, removeOnFail: 20 } });
  }
}

/** Worker side of the reports: the daily funnel rollup. */
@Module({ providers: [FunnelRepository, FunnelRollup, FunnelRollupJob] })
export class ReportsWorkerModule {}
