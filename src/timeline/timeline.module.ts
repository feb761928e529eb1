import { Module } from '@nestjs/common';
import { TimelineService } from './timeline.service';

/**
 * A case's timeline (the `case_events` table): reads with TimelineService; every folder appends
 * with `appendCaseEvent` inside its own transaction. Who may see a case comes from
 * CaseVisibility, provided by the (global) ApplicationsModule.
 */
@Module({ providers: [TimelineService], exports: [TimelineService] })
export class TimelineModule {}
