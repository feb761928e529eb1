import { Module } from '@nestjs/common';
import { ProgrammesModule } from '../programmes/programmes.module';
import { CohortsController } from './cohorts.controller';
import { CohortsRepository } from './cohorts.repository';
import { CohortsService } from './cohorts.service';

@Module({ imports: [ProgrammesModule], controllers: [CohortsController], providers: [CohortsService, CohortsRepository], exports: [CohortsService] })
export class CohortsModule {}
