import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuthModule } from '../auth/auth.module';
import { CasesModule } from '../cases/cases.module';
import { DocumentsModule } from '../documents/documents.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { ReportsModule } from '../reports/reports.module';
import { SavedViewsModule } from '../saved-views/saved-views.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { UsersModule } from '../users/users.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AccountPagesController } from './pages/account-pages.controller';
import { AccountFlowsController } from './pages/account-flows.controller';
import { ApplicationPagesController } from './pages/application-pages.controller';
import { AuthPagesController } from './pages/auth-pages.controller';
import { DocumentPagesController } from './pages/document-pages.controller';
import { HomeController } from './pages/home.controller';
import { ReferralPagesController } from './pages/referral-pages.controller';
import { ReferralPanels } from './pages/referral-panel';
import { WebhookPagesController } from './pages/webhook-pages.controller';
import { ReviewPagesController } from './pages/review-pages.controller';
import { ProgrammeNamesService } from './pages/programme-names';
import { StaffCaseController } from './pages/staff-case.controller';
import { StaffInboxController } from './pages/staff-inbox.controller';
import { StaffNamesService } from './pages/staff-names';
import { WebSessionService } from './session/web-session.service';
import { WebExceptionFilter } from './web-exception.filter';
import { WebGuard } from './web.guard';
import { WebPages } from './web-pages.service';

/**
 * The web pages: server-rendered HTML on the same services as the API (never HTTP calls to
 * itself), with a server-side session, a CSRF token on every form and texts in French and
 * English. The foundation (session, guard, pages, error filter, views) is shared by every area.
 */
@Module({
  imports: [ApplicationsModule, AuthModule, CasesModule, DocumentsModule, PrivacyModule, ProgrammesModule, ReportsModule, SavedViewsModule, UsersModule, ReferralsModule, WebhooksModule, ReviewsModule],
  controllers: [HomeController, AuthPagesController, AccountFlowsController, ApplicationPagesController, AccountPagesController, DocumentPagesController, StaffInboxController, StaffCaseController, ReferralPagesController, WebhookPagesController, ReviewPagesController],
  providers: [WebSessionService, WebPages, WebGuard, WebExceptionFilter, ProgrammeNamesService, StaffNamesService, ReferralPanels],
  exports: [WebSessionService, WebPages, WebGuard, WebExceptionFilter, ReferralPanels],
})
export class WebModule {}
