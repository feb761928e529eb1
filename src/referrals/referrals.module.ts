import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { UsersModule } from '../users/users.module';
import { PartnersService } from './partners.service';
import { ReferralsController } from './referrals.controller';
import { ReferralsRepository } from './referrals.repository';
import { ReferralsService } from './referrals.service';

/** API side: partner organisations, referrals, consent, answers, the per-partner report. */
@Module({
  imports: [UsersModule, AccountsModule],
  controllers: [ReferralsController],
  providers: [ReferralsRepository, PartnersService, ReferralsService],
  exports: [ReferralsRepository, PartnersService, ReferralsService],
})
export class ReferralsModule {}
