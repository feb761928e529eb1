import { Module } from '@nestjs/common';
import { RetentionEmailsComposer } from './retention-emails.composer';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Worker side: the daily retention job, and the composer of its warning. */
@Module({ providers: [RetentionRepository, RetentionService, RetentionEmailsComposer], exports: [RetentionService, RetentionEmailsComposer] })
export class RetentionModule {}
