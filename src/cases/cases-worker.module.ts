import { Module } from '@nestjs/common';
import { ApplicationsRepository } from '../applications/applications.repository';
import { CaseEventsRepository } from '../timeline/case-events.repository';
import { UsersRepository } from '../users/users.repository';
import { CaseEmailsComposer } from './case-emails.composer';
import { CasesRepository } from './cases.repository';

/** The worker's side of the cases: the composers of their emails, and the repositories they read through. */
@Module({ providers: [CaseEmailsComposer, ApplicationsRepository, CasesRepository, CaseEventsRepository, UsersRepository], exports: [CaseEmailsComposer] })
export class CasesWorkerModule {}
