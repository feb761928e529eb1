import { Global, Module } from '@nestjs/common';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueDashboardService } from './queue-dashboard.service';
import { QueueService } from './queue.service';
import { RequestLoad } from './request-load';

/** Producers and the handler registry; available in every role. */
@Global()
@Module({ providers: [QueueService, JobHandlerRegistry, QueueDashboardService, RequestLoad], exports: [QueueService, JobHandlerRegistry, QueueDashboardService, RequestLoad] })
export class QueueModule {}
