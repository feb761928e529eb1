import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PrivacyController } from './privacy.controller';
import { PrivacyRepository } from './privacy.repository';
import { PrivacyService } from './privacy.service';

@Module({ imports: [AccountsModule], controllers: [PrivacyController], providers: [PrivacyRepository, PrivacyService], exports: [PrivacyService] })
export class PrivacyModule {}
