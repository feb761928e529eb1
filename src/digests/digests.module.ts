import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { DigestFiguresService } from './digest-figures.service';
import { DigestsRepository } from './digests.repository';
import { DigestsController } from './digests.controller';
import { DigestsService } from './digests.service';
import { UnsubscribeController } from './unsubscribe.controller';

@Module({
  imports: [UsersModule],
  controllers: [DigestsController, UnsubscribeController],
  providers: [DigestsService, DigestsRepository, DigestFiguresService],
  exports: [DigestsService, DigestFiguresService],
})
export class DigestsModule {}
