import { Global, Module } from '@nestjs/common';
import { AccountEmailsComposer } from './accounts/account-emails.composer';
import { AccountsWorkerModule } from './accounts/accounts-worker.module';
import { CaseEmailsComposer } from './cases/case-emails.composer';
import { CasesWorkerModule } from './cases/cases-worker.module';
import { DigestEmailComposer } from './digests/digests.service';
import { DigestsWorkerModule } from './digests/digests-worker.module';
import { EMAIL_COMPOSERS, type EmailComposerRegistry } from './notifications/email-composer';
import { ReferralEmailsComposer } from './referrals/referral-emails.composer';
import { ReferralsWorkerModule } from './referrals/referrals-worker.module';
import { RetentionEmailsComposer } from './retention/retention-emails.composer';
import { RetentionModule } from './retention/retention.module';
import { ReviewEmailsComposer } from './reviews/reviews-worker.module';
import { ReviewsWorkerModule } from './reviews/reviews-worker.module';

/**
 * Every template's composer, in one registry given to the notifications' EmailComposer (worker
 * side). Each domain exposes the composers of its own templates; here, where every domain is
 * known, they are put together as an EmailComposerRegistry: a template nobody composes, or a
 * composer typed for another template's payload, fails the compile.
 */
@Global()
@Module({
  imports: [CasesWorkerModule, AccountsWorkerModule, DigestsWorkerModule, RetentionModule, ReferralsWorkerModule, ReviewsWorkerModule],
  providers: [
    {
      provide: EMAIL_COMPOSERS,
      inject: [CaseEmailsComposer, AccountEmailsComposer, DigestEmailComposer, RetentionEmailsComposer, ReferralEmailsComposer, ReviewEmailsComposer],
      useFactory: (
        cases: CaseEmailsComposer,
        accounts: AccountEmailsComposer,
        digests: DigestEmailComposer,
        retention: RetentionEmailsComposer,
        referrals: ReferralEmailsComposer,
        reviews: ReviewEmailsComposer,
      ): EmailComposerRegistry => ({ ...cases.composers, ...accounts.composers, ...digests.composers, ...retention.composers, ...referrals.composers, ...reviews.composers }),
    },
  ],
  exports: [EMAIL_COMPOSERS],
})
export class EmailComposersModule {}
