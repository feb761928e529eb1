import { Module } from '@nestjs/common';
import { EmailComposer } from './email-composer';
import { EmailOutboxRepository } from './email-outbox.repository';
import { EmailSenderService } from './email-sender.service';
import { MailTransport } from './mail/mail-transport';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { RemindersRepository } from './reminders.repository';
import { RemindersService } from './reminders.service';

/**
 * Worker side: outbox relay, sender, reminder scan. The sender's EmailComposer is given every
 * template's composer (EMAIL_COMPOSERS) by the composition root's EmailComposersModule.
 */
@Module({
  providers: [EmailOutboxRepository, EmailComposer, MailTransport, EmailSenderService, OutboxRelayService, RemindersRepository, RemindersService],
  exports: [EmailComposer, EmailSenderService, OutboxRelayService, RemindersService, MailTransport],
})
export class NotificationsWorkerModule {}
