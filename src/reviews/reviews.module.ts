import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApplicationsModule } from '../applications/applications.module';
import { CasesModule } from '../cases/cases.module';
import { UsersModule } from '../users/users.module';
import { CommitteesService } from './committees.service';
import { CommitteesController, ReviewsController } from './reviews.controller';
import { ReviewsRepository } from './reviews.repository';
import { ReviewsService } from './reviews.service';

/** API side of expert reviews and selection committees (the worker side: ReviewsWorkerModule). */
@Module({
  imports: [ApplicationsModule, CasesModule, UsersModule, AccountsModule],
  controllers: [ReviewsController, CommitteesController],
  providers: [ReviewsRepository, ReviewsService, CommitteesService],
  exports: [ReviewsService, CommitteesService],
})
export class ReviewsModule {}
