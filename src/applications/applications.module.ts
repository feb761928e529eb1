import { Global, Module } from '@nestjs/common';
import { CaseVisibility } from '../common/case-visibility';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';

/**
 * Global for one token: CaseVisibility, the rule of who may see a case, which the folders below
 * (timeline, documents) inject without importing this one.
 */
@Global()
@Module({
  imports: [ProgrammesModule],
  controllers: [ApplicationsController],
  providers: [ApplicationsService, { provide: CaseVisibility, useExisting: ApplicationsService }],
  exports: [ApplicationsService, CaseVisibility],
})
export class ApplicationsModule {}
