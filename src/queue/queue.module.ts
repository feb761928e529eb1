import { Global, Module } from '@nestjs/common';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueService } from './queue.service';

/** Producers and the handler registry; available in every role. */
@Global()
@Module({ providers: [QueueService, JobHandlerRegistry], exports: [QueueService, JobHandlerRegistry] })
export class QueueModule {}
