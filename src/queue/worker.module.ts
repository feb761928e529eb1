import { Module } from '@nestjs/common';
import { SystemJobs } from './system-jobs';
import { WorkerHostService } from './worker-host.service';

/** The queue worker: loaded when APP_ROLE is `worker` or `all`. */
@Module({ providers: [SystemJobs, WorkerHostService] })
export class WorkerModule {}
