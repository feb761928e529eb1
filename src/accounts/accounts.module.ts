import { Module } from '@nestjs/common';
import { AccountTokensRepository } from './account-tokens.repository';

/** One-time account links and revoked access tokens: shared by auth (the flows) and users (invitations). */
@Module({ providers: [AccountTokensRepository], exports: [AccountTokensRepository] })
export class AccountsModule {}
