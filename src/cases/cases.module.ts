import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AssignmentModule } from '../assignment/assignment.module';
import { TimelineModule } from '../timeline/timeline.module';
import { UsersModule } from '../users/users.module';
import { CaseThreadService } from './case-thread.service';
import { CaseWorkflowService } from './case-workflow.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';

@Module({
  imports: [ApplicationsModule, AssignmentModule, TimelineModule, UsersModule],
  controllers: [CasesController],
  providers: [CaseWorkflowService, CaseThreadService, CasesRepository],
  // re-exported: whoever imports CasesModule (the web pages) gets the case's timeline and assignment too
  exports: [CaseWorkflowService, CaseThreadService, AssignmentModule, TimelineModule],
})
export class CasesModule {}
