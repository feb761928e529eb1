import { Module } from '@nestjs/common';
import { EmailLogRepository } from './email-log.repository';
import { EmailsController } from './emails.controller';

/** API side: the email log, and templates compiled (and checked) at boot. */
@Module({ controllers: [EmailsController], providers: [EmailLogRepository], exports: [EmailLogRepository] })
export class NotificationsModule {}
