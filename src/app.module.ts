import { DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsWorkerModule } from './accounts/accounts-worker.module';
import { ApplicationsModule } from './applications/applications.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { CasesWorkerModule } from './cases/cases-worker.module';
import { CohortsModule } from './cohorts/cohorts.module';
import { Clock, SystemClock } from './common/clock';
import { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/config.constants';
import { dataSourceOptions } from './database/data-source';
import { EmailComposersModule } from './email-composers.module';
import { Transactions } from './database/transactions';
import { ENTITIES } from './entities';
import { DocumentStorageModule } from './documents/document-storage.module';
import { DocumentsWorkerModule } from './documents/documents-worker.module';
import { DocumentsModule } from './documents/documents.module';
import { DigestsWorkerModule } from './digests/digests-worker.module';
import { DigestsModule } from './digests/digests.module';
import { HealthModule } from './health/health.module';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module';
import { NotificationsModule } from './notifications/notifications.module';
import { TemplatesModule } from './notifications/templates.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ProgrammesModule } from './programmes/programmes.module';
import { QueueModule } from './queue/queue.module';
import { WorkerModule } from './queue/worker.module';
import { RedisModule } from './redis/redis.module';
import { RetentionModule } from './retention/retention.module';
import { ReviewsWorkerModule } from './reviews/reviews-worker.module';
import { ReviewsModule } from './reviews/reviews.module';
import { ReportsModule } from './reports/reports.module';
import { ReferralsWorkerModule } from './referrals/referrals-worker.module';
import { ReferralsModule } from './referrals/referrals.module';
import { ReportsWorkerModule } from './reports/reports-worker.module';
import { UsersModule } from './users/users.module';
import { StaffAdminPagesModule } from './web/staff-admin-pages.module';
import { WebModule } from './web/web.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The JSON API's path prefix. */
export const API_PREFIX = 'api/v1';

export interface AppModuleOptions {
  /** tests inject a ManualClock */
  clock?: Clock;
  /** tests add modules (e.g. a slow job handler) */
  extraModules?: Type[];
}

@Global()
@Module({})
class CoreModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: Clock, useValue: clock },
      Transactions,
    ];
    return {
      module: CoreModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, config.appRole === 'worker' ? 10 : 20, ENTITIES) })],
      providers,
      exports: providers,
    };
  }
}

/** The HTTP API's modules: their routes are served under API_PREFIX. */
const API_MODULES: Type[] = [AuthModule, UsersModule, ProgrammesModule, ApplicationsModule, CasesModule, NotificationsModule, DigestsModule, CohortsModule, PrivacyModule, ReportsModule, WebhooksModule, DocumentsModule, ReferralsModule, ReviewsModule];
/**
 * Served outside the prefix: `GET /health` and the web pages (`/`, `/applications/:id`…). The
 * prefix is given per module (RouterModule) rather than by `setGlobalPrefix`, whose exclusions
 * match route paths as text: `/applications/:id` of the pages would also exclude the API's.
 */
const UNPREFIXED_MODULES: Type[] = [HealthModule, WebModule, StaffAdminPagesModule];
/** Modules the worker needs besides WorkerModule (job handlers live in their domain module). */
const WORKER_MODULES: Type[] = [WorkerModule, NotificationsWorkerModule, EmailComposersModule, CasesWorkerModule, AccountsWorkerModule, DigestsWorkerModule, RetentionModule, ReportsWorkerModule, WebhooksWorkerModule, DocumentsWorkerModule, ReferralsWorkerModule, ReviewsWorkerModule];

/**
 * One codebase, two entrypoints: APP_ROLE=api serves HTTP, APP_ROLE=worker runs the queue
 * worker, APP_ROLE=all (the default) does both in one process.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    const role = config.appRole;
    const imports: (Type | DynamicModule)[] = [CoreModule.forRoot(config, options.clock ?? new SystemClock()), RedisModule, QueueModule, TemplatesModule, DocumentStorageModule];
    if (role === 'api' || role === 'all') {
      imports.push(...API_MODULES, ...UNPREFIXED_MODULES, RouterModule.register(API_MODULES.map((module) => ({ path: API_PREFIX, module }))));
    }
    if (role === 'worker' || role === 'all') imports.push(...WORKER_MODULES);
    imports.push(...(options.extraModules ?? []));
    return { module: AppModule, imports };
  }
}
