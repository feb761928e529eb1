import { Module } from '@nestjs/common';
import { CaseEventsRepository } from './case-events.repository';
import { TimelineService } from './timeline.service';

/**
 * A case's timeline (the `case_events` table, whose home is case-events.repository.ts): reads
 * with TimelineService; every folder appends with `appendCaseEvent` inside its own transaction.
 * Who may see a case comes from CaseVisibility, provided by the (global) ApplicationsModule.
 */
@Module({ providers: [TimelineService, CaseEventsRepository], exports: [TimelineService, CaseEventsRepository] })
export class TimelineModule {}
