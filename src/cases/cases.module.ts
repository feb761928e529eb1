import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AssignmentService } from '../assignment/assignment.service';
import { TimelineService } from '../timeline/timeline.service';
import { CaseThreadService } from './case-thread.service';
import { CaseWorkflowService } from './case-workflow.service';
import { CasesController } from './cases.controller';

@Module({
  imports: [ApplicationsModule],
  controllers: [CasesController],
  providers: [CaseWorkflowService, AssignmentService, CaseThreadService, TimelineService],
  exports: [CaseWorkflowService, AssignmentService, CaseThreadService, TimelineService],
})
export class CasesModule {}
