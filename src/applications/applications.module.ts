import { Global, Module } from '@nestjs/common';
import { CaseVisibility } from '../common/case-visibility';
import { ProgrammesModule } from '../programmes/programmes.module';
import { UsersModule } from '../users/users.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';

/**
 * Global for one token: CaseVisibility, the rule of who may see a case, which the folders below
 * (timeline, documents) inject without importing this one. ApplicationsRepository, the
 * `applications` table's one home, is exported for the case folders (cases, assignment).
 */
@Global()
@Module({
  imports: [ProgrammesModule, UsersModule],
  controllers: [ApplicationsController],
  providers: [ApplicationsService, ApplicationsRepository, { provide: CaseVisibility, useExisting: ApplicationsService }],
  exports: [ApplicationsService, ApplicationsRepository, CaseVisibility],
})
export class ApplicationsModule {}
