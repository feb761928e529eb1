import { Module } from '@nestjs/common';
import { ReferralEmailsComposer } from './referral-emails.composer';
import { ReferralRemindersService } from './referral-reminders.service';
import { ReferralsRepository } from './referrals.repository';

/** Worker side: the referral emails' composer and the scan that chases partners' silence. */
@Module({ providers: [ReferralsRepository, ReferralEmailsComposer, ReferralRemindersService], exports: [ReferralRemindersService, ReferralEmailsComposer] })
export class ReferralsWorkerModule {}
