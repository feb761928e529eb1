import { Module } from '@nestjs/common';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { CaseEmailsComposer } from './case-emails.composer';

/** The worker's side of the cases: the composers of their emails. */
@Module({ imports: [NotificationsWorkerModule], providers: [CaseEmailsComposer] })
export class CasesWorkerModule {}
