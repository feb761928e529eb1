import { Module } from '@nestjs/common';
import { EmailsController } from './emails.controller';
import { TemplateRendererProvider } from './template-renderer.provider';

/** API side: the email log, and templates compiled (and checked) at boot. */
@Module({ controllers: [EmailsController], providers: [TemplateRendererProvider], exports: [TemplateRendererProvider] })
export class NotificationsModule {}
