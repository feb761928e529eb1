import { Global, Module } from '@nestjs/common';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueDashboardService } from './queue-dashboard.service';
import { QueueService } from './queue.service';

/** Producers and the handler registry; available in every role. */
@Global()
@Module({ providers: [QueueService, JobHandlerRegistry, QueueDashboardService], exports: [QueueService, JobHandlerRegistry, QueueDashboardService] })
export class QueueModule {}
