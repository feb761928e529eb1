import { Module } from '@nestjs/common';
import { ProgrammesController } from './programmes.controller';
import { ProgrammeVersionsRepository } from './programme-versions.repository';
import { ProgrammesRepository } from './programmes.repository';
import { ProgrammesService } from './programmes.service';

@Module({
  controllers: [ProgrammesController],
  providers: [ProgrammesService, ProgrammesRepository, ProgrammeVersionsRepository],
  exports: [ProgrammesService, ProgrammeVersionsRepository],
})
export class ProgrammesModule {}
