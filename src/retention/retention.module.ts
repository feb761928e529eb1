import { Module } from '@nestjs/common';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { RetentionService } from './retention.service';

/** Worker side: the daily retention job. */
@Module({ imports: [NotificationsWorkerModule], providers: [RetentionService], exports: [RetentionService] })
export class RetentionModule {}
