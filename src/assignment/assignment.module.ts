import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AssignmentRepository } from './assignment.repository';
import { AssignmentService } from './assignment.service';

/** Who gets a case: manual assignment and the automatic choice (`assignment-choice.ts`). */
@Module({ imports: [ApplicationsModule], providers: [AssignmentService, AssignmentRepository], exports: [AssignmentService] })
export class AssignmentModule {}
