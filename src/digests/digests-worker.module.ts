import { Module } from '@nestjs/common';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { DigestFiguresService } from './digest-figures.service';
import { DigestsRepository } from './digests.repository';
import { DigestSchedulerService } from './digest-scheduler.service';
import { DigestEmailComposer, DigestsService } from './digests.service';

@Module({
  imports: [NotificationsWorkerModule],
  providers: [DigestsService, DigestsRepository, DigestFiguresService, DigestEmailComposer, DigestSchedulerService],
  exports: [DigestFiguresService],
})
export class DigestsWorkerModule {}
