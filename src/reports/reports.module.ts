import { Module } from '@nestjs/common';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ApplicationsCsvService } from './applications-csv.service';
import { ApplicationsCsvRepository } from './applications-csv.repository';
import { FunnelRollup } from './funnel-rollup';
import { FunnelRepository } from './funnel.repository';
import { FunnelService } from './funnel.service';
import { ReportsController } from './reports.controller';

/** Staff reports: the funnel (SQL over the timeline and a per-day rollup) and the inbox as a streamed CSV. */
@Module({
  imports: [ProgrammesModule],
  controllers: [ReportsController],
  providers: [FunnelService, FunnelRepository, FunnelRollup, ApplicationsCsvService, ApplicationsCsvRepository],
  exports: [FunnelService, ApplicationsCsvService],
})
export class ReportsModule {}
