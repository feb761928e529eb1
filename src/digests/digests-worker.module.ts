import { Module } from '@nestjs/common';
import { DigestFiguresService } from './digest-figures.service';
import { DigestSchedulerService } from './digest-scheduler.service';
import { DigestEmailComposer, DigestsService } from './digests.service';

@Module({
  providers: [DigestsService, DigestFiguresService, DigestEmailComposer, DigestSchedulerService],
  exports: [DigestFiguresService, DigestEmailComposer],
})
export class DigestsWorkerModule {}
