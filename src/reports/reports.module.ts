import { Module } from '@nestjs/common';
import { ApplicationsCsvService } from './applications-csv.service';
import { FunnelService } from './funnel.service';
import { ReportsController } from './reports.controller';

/** Staff reports: the funnel (SQL over the timeline and a per-day rollup) and the inbox as a streamed CSV. */
@Module({ controllers: [ReportsController], providers: [FunnelService, ApplicationsCsvService], exports: [FunnelService, ApplicationsCsvService] })
export class ReportsModule {}
