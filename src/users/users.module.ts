import { Module } from '@nestjs/common';
import { ProgrammesModule } from '../programmes/programmes.module';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({ imports: [ProgrammesModule], controllers: [UsersController, MeController], providers: [UsersService], exports: [UsersService] })
export class UsersModule {}
