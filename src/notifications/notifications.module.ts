import { Module } from '@nestjs/common';
import { EmailsController } from './emails.controller';

/** API side: the email log, and templates compiled (and checked) at boot. */
@Module({ controllers: [EmailsController] })
export class NotificationsModule {}
