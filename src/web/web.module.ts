import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuthModule } from '../auth/auth.module';
import { CasesModule } from '../cases/cases.module';
import { DocumentsModule } from '../documents/documents.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { UsersModule } from '../users/users.module';
import { AccountPagesController } from './pages/account-pages.controller';
import { AccountFlowsController } from './pages/account-flows.controller';
import { ApplicationPagesController } from './pages/application-pages.controller';
import { AuthPagesController } from './pages/auth-pages.controller';
import { DocumentPagesController } from './pages/document-pages.controller';
import { HomeController } from './pages/home.controller';
import { ReviewPagesController } from './pages/review-pages.controller';
import { ProgrammeNamesService } from './pages/programme-names';
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
  imports: [ApplicationsModule, AuthModule, CasesModule, DocumentsModule, PrivacyModule, ProgrammesModule, UsersModule, ReviewsModule],
  controllers: [HomeController, AuthPagesController, AccountFlowsController, ApplicationPagesController, AccountPagesController, DocumentPagesController, ReviewPagesController],
  providers: [WebSessionService, WebPages, WebGuard, WebExceptionFilter, ProgrammeNamesService],
  exports: [WebSessionService, WebPages, WebGuard, WebExceptionFilter],
})
export class WebModule {}
