import { Module } from '@nestjs/common';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { DigestFiguresService } from './digest-figures.service';
import { DigestSchedulerService } from './digest-scheduler.service';
import { DigestEmailComposer, DigestsService } from './digests.service';

@Module({
  imports: [NotificationsWorkerModule],
  providers: [DigestsService, DigestFiguresService, DigestEmailComposer, DigestSchedulerService],
  exports: [DigestFiguresService],
})
export class DigestsWorkerModule {}
