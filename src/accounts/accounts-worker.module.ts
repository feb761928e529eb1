import { Module } from '@nestjs/common';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { AccountEmailsComposer } from './account-emails.composer';
import { AccountsModule } from './accounts.module';

/** Worker side: composes the account emails (verification, reset, invitation). */
@Module({ imports: [NotificationsWorkerModule, AccountsModule], providers: [AccountEmailsComposer] })
export class AccountsWorkerModule {}
