import { Module } from '@nestjs/common';
import { DigestFiguresService } from './digest-figures.service';
import { DigestsRepository } from './digests.repository';
import { DigestSchedulerService } from './digest-scheduler.service';
import { DigestEmailComposer, DigestsService } from './digests.service';

@Module({
  providers: [DigestsService, DigestsRepository, DigestFiguresService, DigestEmailComposer, DigestSchedulerService],
  exports: [DigestFiguresService, DigestEmailComposer],
})
export class DigestsWorkerModule {}
