import { Module } from '@nestjs/common';
import { CaseEmailsComposer } from './case-emails.composer';

/** The worker's side of the cases: the composers of their emails. */
@Module({ providers: [CaseEmailsComposer], exports: [CaseEmailsComposer] })
export class CasesWorkerModule {}
