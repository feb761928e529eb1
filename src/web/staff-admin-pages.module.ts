import { Module } from '@nestjs/common';
import { CohortsModule } from '../cohorts/cohorts.module';
import { DigestsModule } from '../digests/digests.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReportsModule } from '../reports/reports.module';
import { UsersModule } from '../users/users.module';
import { AdminOperationsController } from './pages/admin/admin-operations.controller';
import { AdminProgrammesController } from './pages/admin/admin-programmes.controller';
import { AdminUsersController } from './pages/admin/admin-users.controller';
import { ProgrammeNamesService } from './pages/programme-names';
import { StaffCohortsController } from './pages/staff/staff-cohorts.controller';
import { StaffReportsController } from './pages/staff/staff-reports.controller';
import { WebModule } from './web.module';

/**
 * The staff's cohorts and reports pages and the admin's pages (users, programmes, email log,
 * digest preview, queues), on the web foundation (session, guard, pages, error filter) and the
 * same services as the API.
 */
@Module({
  imports: [WebModule, CohortsModule, ReportsModule, UsersModule, ProgrammesModule, NotificationsModule, DigestsModule],
  controllers: [StaffCohortsController, StaffReportsController, AdminUsersController, AdminProgrammesController, AdminOperationsController],
  providers: [ProgrammeNamesService],
})
export class StaffAdminPagesModule {}
