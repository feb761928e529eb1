import { Module } from '@nestjs/common';
import { AccountEmailsComposer } from './account-emails.composer';
import { AccountsModule } from './accounts.module';

/** Worker side: composes the account emails (verification, reset, invitation). */
@Module({ imports: [AccountsModule], providers: [AccountEmailsComposer], exports: [AccountEmailsComposer] })
export class AccountsWorkerModule {}
